// SPDX-License-Identifier: AGPL-3.0-or-later
// The mail (issue 15, item 3): what `concerto mail` hands to sendmail, read as
// a mail client would — From is CONCERTO_MAIL_FROM, Date is now, each message
// has an id of its own, the MIME headers say UTF-8, Auto-Submitted says no
// person wrote it; no data can add a header; without CONCERTO_MAIL_FROM
// nothing goes and nothing is marked sent; the links open the pages that
// take their tokens, and those tokens work. And the progress of long
// commands on a terminal (item 1), never in a pipe. A queued body is sealed
// (item 6): no link in the database, a body moved to another message does
// not open, and a key rotation seals the queued bodies again.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, get } from './lib/client.mjs';
import { concerto, decodeWords, deliverMail, linkToken, outboxMessages, outboxToken, sql, sqlExec } from './lib/db.mjs';
import { newAccount, newPassword, register, registration } from './lib/accounts.mjs';
import { assertError } from './lib/assert.mjs';
import { newConsultation } from './lib/consultations.mjs';
import { ACCOUNTS, FAKE_SENDMAIL, PUBLIC_URL, RESET, RESET_CONFIRM, VERIFY } from './lib/paths.mjs';

const FROM = process.env.CONCERTO_MAIL_FROM;
const TAKEN_SUBJECT_FR = "Tentative d'inscription à Concerto";

const scratch = mkdtempSync(join(tmpdir(), 'concerto-mail-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// A fake sendmail of its own and its maildir, for runs that must not be
// mixed with deliverMail()'s: { env, dir, files() }.
let boxes = 0;
function mailbox() {
  const dir = join(scratch, `box-${++boxes}`);
  const sendmail = join(scratch, `sendmail-${boxes}`);
  copyFileSync(FAKE_SENDMAIL, sendmail);
  chmodSync(sendmail, 0o755);
  const files = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []);
  return { env: { CONCERTO_SENDMAIL: sendmail, MAILDIR: dir }, dir, files, read: (f) => readFileSync(join(dir, f), 'utf8') };
}

// Header lines of a raw message, unfolded: [[name, value], ...] in order.
function headerLines(raw) {
  const head = raw.slice(0, raw.indexOf('\n\n'));
  return head.replace(/\n[ \t]+/g, ' ').split('\n').map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
  });
}

const pending = (email) => sql('SELECT id, sent_at FROM outbox WHERE recipient = lower(:\'e\') ORDER BY id', { e: email });

// Every URL in a body.
const links = (body) => body.match(/https?:\/\/[^\s]+/g) || [];

// A link of a mail on the stack: its page (200, text/html) and the page's
// own script, which must read the fragment key and call the API path.
async function assertPage(url, { key, api } = {}) {
  assert.ok(url.startsWith(`${PUBLIC_URL}/`), `the link is built on CONCERTO_PUBLIC_URL: ${url}`);
  const u = new URL(url);
  const page = await get(u.pathname + u.search);
  assert.equal(page.status, 200, `GET ${u.pathname}: ${page.status}`);
  assert.match(page.headers.get('content-type'), /^text\/html/, `${u.pathname} is a page`);
  if (!key) return;
  const src = /<script type="module" src="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(src, `${u.pathname} loads its script`);
  const js = await get(src);
  assert.equal(js.status, 200, `GET ${src}`);
  assert.ok(js.text.includes(`fragment('${key}')`), `${src} reads #${key}= from the address`);
  assert.ok(js.text.includes(api), `${src} sends it to ${api}`);
}

test('each message has From (CONCERTO_MAIL_FROM), To, Subject, a current Date, a Message-ID of its own, UTF-8 MIME headers and Auto-Submitted', async () => {
  assert.ok(FROM, 'the stack sets CONCERTO_MAIL_FROM (tools/stack/service.sh)');
  const domain = /@([^>\s]+)>?$/.exec(FROM)[1];
  const c = new Client();
  const { body, r } = await register(c);
  assert.equal(r.status, 202, r.text);
  // The same address again: the "attempt" message, whose French subject is not ASCII.
  const again = await new Client().post(ACCOUNTS, { ...registration(), email: body.email }, { csrf: false });
  assert.equal(again.status, 202, again.text);
  const t0 = Date.now();
  const mails = deliverMail().filter((m) => m.to === body.email);
  assert.equal(mails.length, 2, 'two messages to the address');

  for (const m of mails) {
    const lines = headerLines(m.raw);
    for (const name of ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type',
      'content-transfer-encoding', 'auto-submitted']) {
      assert.equal(lines.filter(([n]) => n === name).length, 1, `one ${name} header: ${m.raw.slice(0, 800)}`);
    }
    assert.equal(m.headers.from, FROM, 'From is CONCERTO_MAIL_FROM');
    assert.equal(m.headers.to, body.email);
    assert.match(m.headers.date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
      `an RFC 5322 date: ${m.headers.date}`);
    const when = Date.parse(m.headers.date);
    assert.ok(Math.abs(when - t0) < 60e3, `the date is now (${m.headers.date}, ${new Date(t0).toUTCString()})`);
    assert.match(m.headers['message-id'], new RegExp(`^<[0-9a-f]{32}@${domain.replace(/\./g, '\\.')}>$`),
      'a random Message-ID at the domain of CONCERTO_MAIL_FROM');
    assert.equal(m.headers['mime-version'], '1.0');
    assert.match(m.headers['content-type'], /^text\/plain; charset=UTF-8$/i);
    assert.equal(m.headers['content-transfer-encoding'], '8bit');
    assert.equal(m.headers['auto-submitted'], 'auto-generated');
    for (const l of m.raw.split('\n')) assert.ok(Buffer.byteLength(l) <= 998, 'no line over 998 bytes');
  }
  assert.notEqual(mails[0].headers['message-id'], mails[1].headers['message-id'], 'each message has its own id');
  const taken = mails.find((m) => m.subject === TAKEN_SUBJECT_FR);
  assert.ok(taken, `the attempt message: ${mails.map((m) => m.subject)}`);
  assert.match(headerLines(taken.raw).find(([n]) => n === 'subject')[1], /^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\s*)+$/i,
    'a subject that is not ASCII goes as RFC 2047 encoded-words');
  for (const w of taken.raw.match(/=\?UTF-8\?B\?[^?]*\?=/gi)) assert.ok(w.length <= 75, `an encoded-word of 75 characters at most: ${w}`);
  assert.equal(decodeWords(headerLines(taken.raw).find(([n]) => n === 'subject')[1]), TAKEN_SUBJECT_FR);
});

test('the verification link opens /account, whose script posts its token to /accounts/verify, which takes it', async () => {
  const c = new Client();
  const { body } = await register(c);
  const [m] = deliverMail().filter((x) => x.to === body.email);
  const [url] = links(m.body);
  assert.ok(url.startsWith(`${PUBLIC_URL}/account#verify=`), url);
  await assertPage(url, { key: 'verify', api: '/api/v1/accounts/verify' });
  const v = await c.post(VERIFY, { token: linkToken(m.body, 'verify') }, { csrf: false });
  assert.equal(v.status, 200, v.text);
});

test('the reset link opens /reset, whose script posts its token to /password-reset/confirm, which takes it', async () => {
  const a = await newAccount({ signIn: false, language: 'en' });
  assert.equal((await a.client.post(RESET, { email: a.email }, { csrf: false })).status, 202);
  const m = deliverMail().filter((x) => x.to === a.email && x.subject === 'New password for Concerto').pop();
  assert.ok(m, 'a reset message');
  const [url] = links(m.body);
  assert.ok(url.startsWith(`${PUBLIC_URL}/reset#reset=`), url);
  await assertPage(url, { key: 'reset', api: '/api/v1/password-reset/confirm' });
  const r = await a.client.post(RESET_CONFIRM, { token: linkToken(m.body, 'reset'), password: newPassword() }, { csrf: false });
  assert.equal(r.status, 200, r.text);
});

test('the attempt message links to the sign-in and reset pages, which exist', async () => {
  const a = await newAccount({ signIn: false });
  const again = await new Client().post(ACCOUNTS, { ...registration(), email: a.email }, { csrf: false });
  assert.equal(again.status, 202, again.text);
  const m = deliverMail().filter((x) => x.to === a.email && x.subject === TAKEN_SUBJECT_FR).pop();
  assert.ok(m, 'an attempt message');
  assert.deepEqual(links(m.body), [`${PUBLIC_URL}/signin`, `${PUBLIC_URL}/reset`]);
  for (const url of links(m.body)) await assertPage(url);
});

test('concerto mail without CONCERTO_MAIL_FROM delivers nothing, marks nothing sent, and names the variable', async () => {
  const { body, r } = await register(new Client());
  assert.equal(r.status, 202, r.text);
  const box = mailbox();
  const run = concerto(['mail'], { env: { ...box.env, CONCERTO_MAIL_FROM: '' } });
  assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr.split('\n')[0], /^mail: CONCERTO_MAIL_FROM is not set/, run.stderr);
  assert.deepEqual(box.files(), [], 'nothing handed to sendmail');
  assert.deepEqual(pending(body.email).map((p) => p.sent_at), [null], 'still queued');
  // Set, it goes.
  const ok = concerto(['mail'], { env: box.env });
  assert.equal(ok.status, 0, `${ok.stdout}\n${ok.stderr}`);
  assert.ok(box.files().some((f) => box.read(f).includes(`\nTo: ${body.email}\n`)), 'delivered once the sender is named');
});

test('a CONCERTO_MAIL_FROM that is not one address, or holds a line break, is refused by name before anything runs', async () => {
  const { body } = await register(new Client());
  const box = mailbox();
  for (const from of ['Concerto\r\nBcc: spy@example.org <no-reply@concerto.test>', 'no-reply@concerto.test\nBcc: spy@example.org',
    'no-reply', 'a@concerto.test, b@concerto.test', 'Concerto <no-reply@concerto.test']) {
    const run = concerto(['mail'], { env: { ...box.env, CONCERTO_MAIL_FROM: from } });
    assert.equal(run.status, 2, `${JSON.stringify(from)}: ${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr.split('\n')[0], /^concerto: CONCERTO_MAIL_FROM (must|has)/, run.stderr);
  }
  assert.deepEqual(box.files(), [], 'nothing handed to sendmail');
  assert.deepEqual(pending(body.email).map((p) => p.sent_at), [null]);
  deliverMail();
});

test('a name with a line break in any field adds no header: the API refuses it, and a recipient put in the outbox by hand is not sent', async () => {
  // Through the API, every field of a registration refuses control characters.
  for (const [field, value] of [['email', 'eve@example.org\r\nBcc: spy@example.org'], ['pseudonym', 'Eve\r\nBcc: spy@example.org'],
    ['postcode', '75011\r\nBcc: spy@example.org']]) {
    const r = await new Client().post(ACCOUNTS, registration({ [field]: value }), { csrf: false });
    assertError(r, 400, 'invalid_field', field);
  }
  // Written into the outbox by hand: left queued, named, nothing added.
  const victim = `victim-${Date.now()}@example.org`;
  sqlExec(`INSERT INTO outbox (recipient, subject, body, kind)
    VALUES (:'v' || E'\\nBcc: spy@example.org', E'Hi\\nBcc: spy2@example.org', 'x', 'verify')`, { v: victim });
  const [row] = sql('SELECT id FROM outbox WHERE recipient LIKE :\'v\' || \'%\'', { v: victim });
  try {
    const box = mailbox();
    const run = concerto(['mail'], { env: box.env });
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, new RegExp(`mail: message ${row.id} not sent: the recipient is not one address`), run.stderr);
    for (const f of box.files()) assert.ok(!/^bcc:/im.test(box.read(f)), `no Bcc header in ${box.read(f).slice(0, 600)}`);
    assert.equal(sql('SELECT sent_at FROM outbox WHERE id = :id', { id: row.id })[0].sent_at, null, 'left queued');
  } finally {
    sqlExec('DELETE FROM outbox WHERE id = :id', { id: row.id });
  }
});

test('serve with CONCERTO_SENDMAIL and no CONCERTO_MAIL_FROM warns, naming the variable (it only queues mail)', () => {
  // A throttling key that does not exist stops serve right after the warning.
  const env = { CONCERTO_SENDMAIL: '/usr/sbin/sendmail', CONCERTO_THROTTLE_KEY_FILE: join(scratch, 'none.key'),
    CONCERTO_SOCKET: join(scratch, 'serve.sock'), CONCERTO_PIDFILE: join(scratch, 'serve.pid') };
  const w = concerto(['serve'], { env: { ...env, CONCERTO_MAIL_FROM: '' } });
  assert.equal(w.status, 1, w.stderr);
  assert.match(w.stderr, /"level":"warn","msg":"CONCERTO_MAIL_FROM is not set/, w.stderr);
  assert.ok(!existsSync(env.CONCERTO_SOCKET), 'nothing started');
  const quiet = concerto(['serve'], { env });
  assert.ok(!quiet.stderr.includes('CONCERTO_MAIL_FROM'), quiet.stderr);
});

// Runs the binary on a pseudo-terminal (script(1)); its output, both streams.
function onTerminal(args, env) {
  const cmd = [process.env.CONCERTO_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return r;
}

test('concerto mail shows its progress in messages on a terminal, and none in a pipe', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await register(new Client())).r.status, 202);
  const n = sql('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')[0].n;
  const box = mailbox();
  const t = onTerminal(['mail'], box.env);
  assert.equal(t.status, 0, t.stdout);
  assert.match(t.stdout, new RegExp(`\\rmessages \\[#{40}\\] ${n}/${n}`), JSON.stringify(t.stdout));
  assert.match(t.stdout, new RegExp(`mail: ${n} sent`));
  assert.equal((await register(new Client())).r.status, 202);
  const p = concerto(['mail'], { env: box.env });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stderr, '', 'no bar in a pipe');
});

test('results recount --all recounts every consultation, with its progress in consultations on a terminal', async () => {
  for (let i = 0; i < 2; i++) await newConsultation(null);
  const n = sql('SELECT count(*)::int AS n FROM consultations')[0].n;
  // Earlier files may have left a tally wrong on purpose: the first run repairs it.
  const p = concerto(['results', 'recount', '--all']);
  assert.ok([0, 3].includes(p.status), `${p.stdout}\n${p.stderr}`);
  assert.equal(p.stderr, '', 'no bar in a pipe');
  assert.equal((p.stdout.match(/^recount \d+: \d+ ballots, \d+ differences/mg) || []).length, n, p.stdout.slice(0, 600));
  assert.match(p.stdout, new RegExp(`^recount: ${n} consultations, \\d+ with differences, 0 failed$`, 'm'), p.stdout.slice(-300));
  const t = onTerminal(['results', 'recount', '--all'], {});
  assert.equal(t.status, 0, t.stdout.slice(-600));
  assert.match(t.stdout, new RegExp(`\\rconsultations \\[#{40}\\] ${n}/${n}`), JSON.stringify(t.stdout.slice(-600)));
});

// ------------------------------------------------- bodies sealed at rest

// The newest queued row for address: { id, body, sealed }.
const queuedRow = (address) => sql(`SELECT id, body, encode(body_sealed, 'hex') AS sealed FROM outbox
  WHERE recipient = lower(:'a') AND sent_at IS NULL ORDER BY id DESC LIMIT 1`, { a: address })[0];

test('a queued body is sealed: the database shows no link, and one moved to another message does not open', async () => {
  const a = await newAccount();
  const b = await newAccount();
  const rowA = queuedRow(a.email);
  const rowB = queuedRow(b.email);
  assert.equal(rowA.body, null, 'no body in clear');
  assert.ok(!Buffer.from(rowA.sealed, 'hex').toString('latin1').includes('#verify='), 'no link in the sealed bytes');
  assert.match(outboxMessages(a.email).pop().body, /#verify=/, 'concerto mail --dry-run opens it');
  try {
    sqlExec(`UPDATE outbox SET body_sealed = decode(:'h', 'hex') WHERE id = :id`, { h: rowA.sealed, id: rowB.id });
    const r = concerto(['mail', '--dry-run', '--to', b.email]);
    assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`message ${rowB.id} would not be sent: its body does not open`), r.stderr);
    assert.doesNotMatch(r.stdout, /#verify=/, 'a\'s link is not shown as b\'s');
  } finally {
    sqlExec('DELETE FROM outbox WHERE id = :id', { id: rowB.id });
  }
});

test('secrets rotate seals the queued bodies again, and their links still work', async () => {
  const a = await newAccount();
  const before = queuedRow(a.email);
  const token = outboxToken(a.email, 'verify');
  const r = concerto(['secrets', 'rotate']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /and the bodies of [1-9]\d* queued messages/, r.stdout);
  const after1 = queuedRow(a.email);
  assert.equal(after1.id, before.id);
  assert.notEqual(after1.sealed, before.sealed, 'sealed again, with a new nonce');
  assert.equal(outboxToken(a.email, 'verify'), token, 'the same link, opened');
});
