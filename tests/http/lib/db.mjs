// SPDX-License-Identifier: AGPL-3.0-or-later
// The stack's state outside HTTP: PostgreSQL through psql as the owner role, the
// `concerto` command, and the outbox (delivered through fake-sendmail.sh, or read).
//
// Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_RE } from './assert.mjs';
import { noteWrite } from './freshness.mjs';
import { secret } from './logs.mjs';
import { FAKE_SENDMAIL, PUBLIC_URL } from './paths.mjs';

// ------------------------------------------------------------- PostgreSQL

// Runs a query as the owner role and returns its rows as objects (through
// json_agg, so types and multi-line text survive).  Variables are psql's:
// params { email: 'x' } is :'email' in the query.
export function sql(query, params = {}) {
  const conn = process.env.CONCERTO_DB_ADMIN;
  assert.ok(conn, 'CONCERTO_DB_ADMIN is set (source $CONCERTO_VAR/env)');
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', conn];
  for (const [k, v] of Object.entries(params)) args.push('-v', `${k}=${v}`);
  if (!/^\s*(?:SELECT|WITH|TABLE|VALUES)\b/i.test(query)) noteWrite();
  const q = `SELECT coalesce(json_agg(q), '[]'::json) FROM (${query.trim().replace(/;$/, '')}) q;\n`;
  const out = execFileSync('psql', args, { input: q, encoding: 'utf8', timeout: 30000, stdio: ['pipe', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

// Runs a statement (an UPDATE, say) as the owner role; returns psql's output.
export function sqlExec(statement, params = {}) {
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', process.env.CONCERTO_DB_ADMIN];
  for (const [k, v] of Object.entries(params)) args.push('-v', `${k}=${v}`);
  noteWrite();
  return execFileSync('psql', args, { input: `${statement.trim().replace(/;$/, '')};\n`, encoding: 'utf8', timeout: 30000, stdio: ['pipe', 'pipe', 'pipe'] });
}

export const accountRow = (email) => sql('SELECT * FROM accounts WHERE email = lower(:\'email\')', { email })[0];

// How many accounts have this address (0 or 1).
export const countAccounts = (email) => sql('SELECT id FROM accounts WHERE email = lower(:\'e\')', { e: email }).length;

// ------------------------------------------------------ concerto commands

// Runs $CONCERTO_BIN with args; returns { status, stdout, stderr }.
export function concerto(args, { input, env = {} } = {}) {
  const bin = process.env.CONCERTO_BIN;
  assert.ok(bin && existsSync(bin), `CONCERTO_BIN names the binary: ${bin}`);
  noteWrite();
  const r = spawnSync(bin, args, {
    input: input ?? '', encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------- the mail

let mailDir;
let sendmailPath;

// Delivers the outbox with `concerto mail` through fake-sendmail.sh and
// returns every message delivered to this process so far, oldest first:
// { file, to, subject, headers, body }.
export function deliverMail() {
  if (!mailDir) {
    mailDir = mkdtempSync(join(tmpdir(), 'concerto-mail-'));
    // A copy, executable whatever the checkout did to the mode bits.
    sendmailPath = join(mkdtempSync(join(tmpdir(), 'concerto-sendmail-')), 'sendmail');
    copyFileSync(FAKE_SENDMAIL, sendmailPath);
    chmodSync(sendmailPath, 0o755);
    const dirs = [mailDir, sendmailPath.slice(0, sendmailPath.lastIndexOf('/'))];
    process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  }
  const r = concerto(['mail'], { env: { CONCERTO_SENDMAIL: sendmailPath, MAILDIR: mailDir } });
  assert.equal(r.status, 0, `concerto mail: ${r.status}\n${r.stdout}\n${r.stderr}`);
  return readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => parseMail(f, readFileSync(join(mailDir, f), 'utf8')));
}

// RFC 2047 encoded words (B and Q) of a header value.
export function decodeWords(v) {
  return v.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_, cs, enc, text) => {
    assert.match(cs, /^utf-8$/i, 'encoded words are UTF-8');
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    return Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }).trimEnd();
}

function parseMail(file, text) {
  const sep = text.indexOf('\n\n');
  assert.ok(sep > 0, `${file}: headers, a blank line, a body`);
  const headers = {};
  for (const line of text.slice(0, sep).replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    assert.ok(i > 0, `${file}: a header line: ${JSON.stringify(line)}`);
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return {
    file, headers, raw: text,
    to: headers.to,
    subject: headers.subject !== undefined ? decodeWords(headers.subject) : undefined,
    body: text.slice(sep + 2),
  };
}

// The messages delivered to address (after delivering the outbox).
export const mailTo = (address) => deliverMail().filter((m) => (m.to || '').toLowerCase() === address.toLowerCase());

// The page that takes each kind of link's token (www/js/pages: account.js
// reads #verify=, reset.js #reset=).
export const LINK_PAGES = { verify: '/account', reset: '/reset' };

// The token of a link `<public url><page>#<kind>=TOKEN` in a body.
export function linkToken(body, kind) {
  const esc = `${PUBLIC_URL}${LINK_PAGES[kind]}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${esc}#${kind}=([A-Za-z0-9_-]+)`).exec(body);
  assert.ok(m, `the mail holds a ${PUBLIC_URL}${LINK_PAGES[kind]}#${kind}= link:\n${body}`);
  assert.match(m[1], TOKEN_RE, 'the token is 43 base64url characters (256 bits)');
  return secret(m[1]);
}

// A body as the reader sees it: quoted-printable decoded when it says so.
export function mailBody(m) {
  if (!/quoted-printable/i.test(m.headers['content-transfer-encoding'] || '')) return m.body;
  const bytes = m.body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

// The messages still queued for address, oldest first, as `concerto mail
// --dry-run --to` composes them (the outbox keeps bodies sealed, so the
// database alone cannot show them): { id, to, subject, headers, body }.
export function outboxMessages(address) {
  const r = concerto(['mail', '--dry-run', '--to', address]);
  assert.equal(r.status, 0, `concerto mail --dry-run: ${r.status}\n${r.stdout}\n${r.stderr}`);
  const parts = r.stdout.split(/^--- message (\d+) ---\n/m);
  const out = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const text = parts[i + 1].replace(/\nmail: dry run, \d+ would be sent, nothing sent\n$/, '');
    const m = parseMail(`message ${parts[i]}`, text);
    out.push({ ...m, id: Number(parts[i]), body: mailBody(m) });
  }
  return out;
}

// The token of the newest queued message with a link of kind for address
// (quicker than a delivery, for tests about something else).
export function outboxToken(address, kind) {
  const m = outboxMessages(address).filter((x) => x.body.includes(`#${kind}=`)).pop();
  assert.ok(m, `a queued message with a ${kind} link for ${address}`);
  return linkToken(m.body, kind);
}
