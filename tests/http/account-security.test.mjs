// SPDX-License-Identifier: AGPL-3.0-or-later
// Account security (issue 11): the second factor cannot be brute-forced,
// costly password hashing is kept for requests that can succeed and
// budgeted per network, reset links end with the password, the reset
// request answers in the same time for any address, registration notices
// are capped, password checks of /me are throttled, a session that gains
// its second factor gets a new token, and neither mail bodies nor the
// throttling key are kept where the application role could read them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { waitUntil } from './lib/util.mjs';
import { Client, newNet } from './lib/client.mjs';
import { assertError } from './lib/assert.mjs';
import { accountRow, concerto, deliverMail, outboxMessages, outboxToken, sql, sqlExec } from './lib/db.mjs';
import { leaksInLogs, secret } from './lib/logs.mjs';
import { newAccount, newEmail, newPassword, newStaff, register, totp } from './lib/accounts.mjs';

const HASHES_PER_NETWORK = Number(process.env.CONCERTO_HASHES_PER_NETWORK || 20);

// A code that is not the current one (nor a neighbour the window accepts).
const wrongCode = (secretB32) => String((Number(totp(secretB32)) + 500000) % 1e6).padStart(6, '0');

const outboxOf = (email, kind) => sql(
  'SELECT kind, body, encode(body_sealed, \'hex\') AS sealed, sent_at FROM outbox WHERE recipient = lower(:\'e\') AND kind = :\'k\' ORDER BY id',
  { e: email, k: kind },
);

test('second factor: wrong codes interleaved with password-only sign-ins from many networks lock it after 5, and the owner is told', async () => {
  const m = newStaff();
  for (let i = 0; i < 5; i++) {
    const c = new Client(newNet().addr());
    // The right password alone: 200 "required", which used to clear the counters.
    await c.mustSignIn(m.email, m.password, 'required');
    assertError(await new Client(c.addr).signIn(m.email, m.password, { totp: wrongCode(m.totpSecret) }),
      401, 'invalid_second_factor', 'totp');
  }
  // Locked: even the right code, from yet another network, is not looked at.
  const r = await new Client(newNet().addr()).signIn(m.email, m.password, { totp: totp(m.totpSecret) });
  assertError(r, 429, 'second_factor_locked', 'totp');
  assert.ok(Number(r.headers.get('retry-after')) > 60, `a lock of minutes: Retry-After ${r.headers.get('retry-after')}`);
  assertError(await new Client(newNet().addr()).signIn(m.email, m.password, { recovery_code: m.codes[0] }),
    429, 'second_factor_locked');
  // A session waiting for its second factor meets the same lock.
  const w = new Client(newNet().addr());
  await w.mustSignIn(m.email, m.password, 'required');
  assertError(await w.post('/api/v1/session/second-factor', { totp: totp(m.totpSecret) }), 429, 'second_factor_locked');
  // One message to the owner, however many refusals.
  const mails = outboxOf(m.email, 'second_factor_locked');
  assert.equal(mails.length, 1, JSON.stringify(mails));
  assert.match(outboxMessages(m.email).pop().body, /15 minutes/);
  // The recovery code refused during the lock was not used up.
  assert.equal(sql(`SELECT count(*)::int AS n FROM recovery_codes r JOIN accounts a ON a.id = r.account_id
    WHERE a.email = lower(:'e') AND r.used_at IS NULL`, { e: m.email })[0].n, 10);
});

test('second factor: wrong codes on /session/second-factor count against the account across sessions and networks', async () => {
  const m = newStaff();
  for (let i = 0; i < 5; i++) {
    const c = new Client(newNet().addr());
    await c.mustSignIn(m.email, m.password, 'required');
    assertError(await c.post('/api/v1/session/second-factor', { totp: wrongCode(m.totpSecret) }), 401, 'invalid_second_factor');
  }
  const c = new Client(newNet().addr());
  await c.mustSignIn(m.email, m.password, 'required');
  assertError(await c.post('/api/v1/session/second-factor', { recovery_code: m.codes[1] }), 429, 'second_factor_locked');
  assert.equal(outboxOf(m.email, 'second_factor_locked').length, 1);
});

test('a right password that still owes its second factor clears no sign-in counter', async () => {
  const m = newStaff();
  const net = newNet();
  for (let i = 0; i < 4; i++) {
    assertError(await new Client(net.addr(i + 1)).signIn(m.email, secret(`${m.password}-x${i}`)), 401, 'invalid_credentials');
  }
  await new Client(net.addr(9)).mustSignIn(m.email, m.password, 'required');
  assertError(await new Client(net.addr(10)).signIn(m.email, secret(`${m.password}-y`)), 401, 'invalid_credentials');
  // Five failures of the pair within the window: throttled, right password or not.
  assertError(await new Client(net.addr(11)).signIn(m.email, m.password), 429, 'too_many_attempts');
});

test('a good second factor replaces the session: new token, new CSRF token, the old ones are dead', async () => {
  const m = newStaff();
  const c = new Client(newNet().addr());
  await c.mustSignIn(m.email, m.password, 'required');
  const before = { cookie: c.cookie, csrf: c.csrf };
  const v = await c.secondFactor({ totp: totp(m.totpSecret) });
  assert.equal(v.status, 200, v.text);
  assert.notEqual(c.cookie, before.cookie, 'a new session token');
  assert.notEqual(c.csrf, before.csrf, 'a new CSRF token');
  assert.equal((await c.get('/api/v1/moderation/queue')).status, 200, 'the new session has the privileges');
  const old = new Client(c.addr);
  old.cookie = before.cookie;
  old.csrf = before.csrf;
  assertError(await old.me(), 401, 'authentication_required');
  // The new session refuses the old CSRF token.
  const mixed = new Client(c.addr);
  mixed.cookie = c.cookie;
  mixed.csrf = before.csrf;
  assertError(await mixed.patch('/api/v1/me', { language: 'en' }), 403, 'csrf_failed');
});

test('a reset link is checked before the password is hashed, and registrations and resets spend a hashing budget per network', async () => {
  const net = newNet();
  const c = new Client(net.addr(1));
  // Wrong links cost no hash: far more of them than the budget, all 400.
  for (let i = 0; i < HASHES_PER_NETWORK + 5; i++) {
    assertError(await c.post('/api/v1/password-reset/confirm',
      { token: secret(`${'A'.repeat(40)}${String(i).padStart(3, '0')}`), password: newPassword() }, { csrf: false }),
    400, 'invalid_token', 'token');
  }
  // The budget is whole: registrations from this network hash until it is spent.
  for (let i = 0; i < HASHES_PER_NETWORK; i++) {
    const { r } = await register(new Client(net.addr(i + 2)));
    assert.equal(r.status, 202, `registration ${i + 1} of ${HASHES_PER_NETWORK}: ${r.status} ${r.text}`);
  }
  const { r } = await register(new Client(net.addr(200)));
  assertError(r, 429, 'too_many_requests');
  assert.ok(Number(r.headers.get('retry-after')) > 0, 'with Retry-After');
  // A bad request is still refused for what it is, before the budget.
  assertError((await register(new Client(net.addr(201)), { accept_terms: false })).r, 400, 'consent_required');
  // Another network is not concerned.
  assert.equal((await register(new Client(newNet().addr()))).r.status, 202);
});

test('PATCH /me checks the new password against the policy before hashing the current one', async () => {
  const a = await newAccount();
  assertError(await a.client.patch('/api/v1/me', { current_password: secret('not the password at all'), new_password: 'short' }),
    400, 'weak_password', 'new_password');
});

test('a new password ends every other reset link: after a reset, and after a change in /me', async () => {
  const a = await newAccount();
  const anon = new Client(a.client.addr);
  for (let i = 0; i < 2; i++) {
    assert.equal((await anon.post('/api/v1/password-reset', { email: a.email }, { csrf: false })).status, 202);
  }
  const links = await waitUntil(() => {
    const rows = outboxMessages(a.email).filter((x) => x.body.includes('#reset='));
    return rows.length === 2 ? rows : null;
  }, 3000, 50);
  const tokens = links.map((l) => secret(/#reset=([A-Za-z0-9_-]+)/.exec(l.body)[1]));
  const pw = newPassword();
  const ok = await anon.post('/api/v1/password-reset/confirm', { token: tokens[1], password: pw }, { csrf: false });
  assert.equal(ok.status, 200, ok.text);
  assertError(await anon.post('/api/v1/password-reset/confirm', { token: tokens[0], password: newPassword() }, { csrf: false }),
    400, 'invalid_token', 'token');

  // A link asked for, then the password changed in /me: the link is dead.
  const c = new Client(a.client.addr);
  await c.mustSignIn(a.email, pw);
  assert.equal((await anon.post('/api/v1/password-reset', { email: a.email }, { csrf: false })).status, 202);
  const third = await waitUntil(() => {
    const rows = outboxMessages(a.email).filter((x) => x.body.includes('#reset='));
    return rows.length === 3 ? rows[2] : null;
  }, 3000, 50);
  const t3 = secret(/#reset=([A-Za-z0-9_-]+)/.exec(third.body)[1]);
  const p = await c.patch('/api/v1/me', { current_password: pw, new_password: newPassword() });
  assert.equal(p.status, 200, p.text);
  assertError(await anon.post('/api/v1/password-reset/confirm', { token: t3, password: newPassword() }, { csrf: false }),
    400, 'invalid_token', 'token');
});

test('sign out everywhere: DELETE /api/v1/me/sessions ends every session of the account and every reset link', async () => {
  const a = await newAccount();
  const other = new Client(newNet().addr());
  await other.mustSignIn(a.email, a.password);
  const anon = new Client(a.client.addr);
  assert.equal((await anon.post('/api/v1/password-reset', { email: a.email }, { csrf: false })).status, 202);
  const link = await waitUntil(() => outboxMessages(a.email).filter((x) => x.body.includes('#reset='))[0], 3000, 50);
  const token = secret(/#reset=([A-Za-z0-9_-]+)/.exec(link.body)[1]);
  assertError(await a.client.delete('/api/v1/me/sessions', undefined, { csrf: false }), 403, 'csrf_failed');
  const r = await a.client.delete('/api/v1/me/sessions');
  assert.equal(r.status, 204, r.text);
  assert.match(r.headers.get('set-cookie') || '', /Max-Age=0/, 'the cookie is cleared');
  assertError(await a.client.me(), 401, 'authentication_required');
  assertError(await other.me(), 401, 'authentication_required');
  assertError(await anon.post('/api/v1/password-reset/confirm', { token, password: newPassword() }, { csrf: false }),
    400, 'invalid_token', 'token');
  await new Client(a.client.addr).mustSignIn(a.email, a.password);
});

const median = (xs) => { const s = [...xs].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };

test('POST /password-reset answers in the same time for a known and an unknown address', async () => {
  const known = await newAccount({ signIn: false });
  const times = { known: [], unknown: [] };
  // Each request from a network of its own (the budget is per network);
  // the two kinds alternate, so that the machine's drift hits both alike.
  for (let i = 0; i < 24; i++) {
    for (const kind of (i % 2 ? ['known', 'unknown'] : ['unknown', 'known'])) {
      const email = kind === 'known' ? known.email : newEmail('nobody');
      const c = new Client(newNet().addr());
      const t0 = process.hrtime.bigint();
      const r = await c.post('/api/v1/password-reset', { email }, { csrf: false });
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(r.status, 202, r.text);
      times[kind].push(dt);
    }
  }
  const k = median(times.known);
  const u = median(times.unknown);
  assert.ok(Math.abs(k - u) < Math.max(0.5, 0.25 * u),
    `median answer: known ${k.toFixed(2)} ms, unknown ${u.toFixed(2)} ms`);
  // The work was done all the same, after the answers: a few links an hour.
  const links = await waitUntil(() => {
    const rows = outboxOf(known.email, 'reset');
    return rows.length >= 3 ? rows : null;
  }, 3000, 50);
  assert.equal(links.length, 3, 'three reset links an hour at most');
});

test('POST /password-reset: a budget of requests per network', async () => {
  const net = newNet();
  let last;
  for (let i = 0; i < 11; i++) {
    last = await new Client(net.addr(i + 1)).post('/api/v1/password-reset', { email: newEmail('nobody') }, { csrf: false });
    if (last.status !== 202) break;
  }
  assertError(last, 429, 'too_many_requests');
});

test('registering an address that has an account mails its owner a few times an hour at most', async () => {
  const a = await newAccount({ signIn: false });
  for (let i = 0; i < 6; i++) {
    const { r } = await register(new Client(newNet().addr()), { email: a.email });
    assert.equal(r.status, 202, r.text);
  }
  assert.equal(outboxOf(a.email, 'register_again').length, 3);
});

test('wrong passwords on PATCH /me and DELETE /me are throttled as sign-ins', async () => {
  const a = await newAccount();
  for (let i = 0; i < 3; i++) {
    assertError(await a.client.patch('/api/v1/me', { current_password: secret(`${a.password}-w${i}`), new_password: newPassword() }),
      403, 'invalid_password', 'current_password');
  }
  for (let i = 0; i < 2; i++) {
    assertError(await a.client.delete('/api/v1/me', { password: secret(`${a.password}-d${i}`) }), 403, 'invalid_password', 'password');
  }
  // Five failures of the pair: even the right password waits now.
  const r = await a.client.delete('/api/v1/me', { password: a.password });
  assertError(r, 429, 'too_many_attempts');
  assert.ok(accountRow(a.email), 'the account is still there');
  // And so does a sign-in from the same network.
  assertError(await new Client(a.client.addr).signIn(a.email, a.password), 429, 'too_many_attempts');
});

test('sent mail keeps no body (no live link), and concerto purge removes it after CONCERTO_MAIL_KEEP_DAYS', async () => {
  const a = await newAccount({ verified: false, signIn: false });
  assert.equal(outboxOf(a.email, 'verify').length, 1);
  const before = outboxToken(a.email, 'verify');
  assert.ok(before);
  const queued = outboxOf(a.email, 'verify')[0];
  assert.equal(queued.body, null, 'a queued body is not kept in clear');
  assert.ok(queued.sealed && !queued.sealed.includes(Buffer.from(String(before)).toString('hex')), 'nor its link, sealed');
  deliverMail();
  const sent = outboxOf(a.email, 'verify');
  assert.equal(sent.length, 1);
  assert.ok(sent[0].sent_at, 'sent');
  assert.equal(sent[0].body, null, 'the body, and its link, are gone once sent');
  assert.equal(sent[0].sealed, null, 'sealed as well');
  // What an audit needs stays until the retention ends.
  sqlExec('UPDATE outbox SET sent_at = now() - interval \'2 days\' WHERE recipient = lower(:\'e\')', { e: a.email });
  let p = concerto(['purge'], { env: { CONCERTO_MAIL_KEEP_DAYS: '3' } });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(outboxOf(a.email, 'verify').length, 1, 'kept within the retention');
  p = concerto(['purge'], { env: { CONCERTO_MAIL_KEEP_DAYS: '1' } });
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /record\(s\) of sent mail/);
  assert.equal(outboxOf(a.email, 'verify').length, 0, 'purged after it');
});

test('the throttling key is not in the database, and serve refuses a key file others may read', async () => {
  assert.equal(sql('SELECT to_regclass(\'app_secrets\') IS NULL AS gone')[0].gone, true, 'no table of secrets');
  const keyFile = process.env.CONCERTO_THROTTLE_KEY_FILE;
  assert.ok(keyFile, 'the stack names its key file');
  assert.equal(statSync(keyFile).mode & 0o077, 0, 'the key file is readable by its owner only');
  // No function or table the application role can reach holds key material.
  const fns = sql(`SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prosrc ILIKE '%hmac(%'`);
  assert.deepEqual(fns, [], 'no SQL function computes a throttling HMAC');

  const bad = `${process.env.CONCERTO_VAR}/secrets/world-readable.key`;
  const { writeFileSync, chmodSync } = await import('node:fs');
  writeFileSync(bad, Buffer.alloc(32, 7));
  chmodSync(bad, 0o644);
  const env = { CONCERTO_THROTTLE_KEY_FILE: bad, CONCERTO_SOCKET: `${process.env.CONCERTO_VAR}/run/never.sock`, CONCERTO_PIDFILE: '' };
  const r = concerto(['serve'], { env });
  assert.notEqual(r.status, 0, 'serve does not start');
  assert.match(r.stderr, /readable by others/);
  const none = concerto(['serve'], { env: { ...env, CONCERTO_THROTTLE_KEY_FILE: '' } });
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /CONCERTO_THROTTLE_KEY_FILE/);
});

test('no password, token or client address of this file reaches the logs', () => {
  assert.deepEqual(leaksInLogs(), []);
});
