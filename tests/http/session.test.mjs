// SPDX-License-Identifier: AGPL-3.0-or-later
// Sessions (issue 3): sign-in answers and the cookie's attributes, the same
// 401 for a wrong password and an unknown address, sign-out ending the
// session on the server, the CSRF token on every state-changing request
// made with the cookie, and the Origin / Sec-Fetch-Site checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, ME, PUBLIC_URL, SESSION } from './lib/paths.mjs';
import { sleep } from './lib/util.mjs';
import { COOKIE, Client, newNet, raw, sessionCookie, setCookies } from './lib/client.mjs';
import { JSON_CT, TOKEN_RE, assertError } from './lib/assert.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { leaksInLogs, secret } from './lib/logs.mjs';
import { newAccount, newEmail, newPassword, secondSession } from './lib/accounts.mjs';

const EVIL = 'https://evil.example';

// Another client of the same account, with its own session.
test('a sign-in answers 200 with the CSRF token, the account, and a __Host- cookie with the right attributes', async () => {
  const a = await newAccount({ signIn: false, language: 'en' });
  const r = await a.client.signIn(a.email, a.password);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  assert.match(r.json.csrf_token, TOKEN_RE, 'a 256-bit CSRF token, base64url');
  const row = sql('SELECT id FROM accounts WHERE email = :\'e\'', { e: a.email })[0];
  assert.deepEqual(r.json.account, { id: row.id, pseudonym: a.pseudonym, role: 'participant', language: 'en' });
  assert.equal(r.json.second_factor, 'not_required');
  assert.equal(r.json.enrolment, undefined, 'no enrolment for a participant');
  assert.ok(!r.text.includes(a.client.cookie), 'the session token is only in the cookie');

  const cookies = setCookies(r);
  assert.equal(cookies.length, 1, `one Set-Cookie: ${r.headers.get('set-cookie')}`);
  const c = cookies[0];
  assert.equal(c.name, COOKIE);
  assert.match(c.value, TOKEN_RE, 'a 256-bit session token, base64url');
  assert.notEqual(c.value, r.json.csrf_token, 'the CSRF token is not the session token');
  assert.equal(c.attrs.path, '/');
  assert.equal(c.attrs['max-age'], '86400');
  assert.equal(c.attrs.secure, true, 'Secure');
  assert.equal(c.attrs.httponly, true, 'HttpOnly');
  assert.equal(c.attrs.samesite, 'Lax');
  assert.equal(c.attrs.domain, undefined, 'a __Host- cookie has no Domain');
  assert.match(r.headers.get('cache-control') || '', /no-store/, 'a sign-in answer is not cached');

  // The session works.
  const me = await a.client.me();
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.email, a.email);
});

test('every sign-in makes a new session, stored only as hashes', async () => {
  const a = await newAccount();
  const b = await secondSession(a);
  assert.notEqual(a.client.cookie, b.cookie, 'a new session token each time');
  assert.notEqual(a.client.csrf, b.csrf, 'a new CSRF token each time');
  const rows = sql(`SELECT encode(token_hash, 'hex') AS t, encode(csrf_hash, 'hex') AS c FROM sessions s
    JOIN accounts a ON a.id = s.account_id WHERE a.email = :'e'`, { e: a.email });
  assert.equal(rows.length, 2, 'two sessions');
  const stored = JSON.stringify(rows);
  for (const s of [a.client.cookie, a.client.csrf, b.cookie, b.csrf]) {
    assert.ok(!stored.includes(Buffer.from(s).toString('hex')), 'no token is stored as is');
    assert.ok(!stored.includes(Buffer.from(s, 'base64url').toString('hex')), 'nor its raw bytes');
  }
  // Both work independently.
  assert.equal((await a.client.me()).status, 200);
  assert.equal((await b.me()).status, 200);
});

test('a wrong password and an unknown address get the same 401 invalid_credentials, and no cookie', async () => {
  const a = await newAccount({ signIn: false });
  const c = new Client(newNet().addr());
  const wrong = await c.signIn(a.email, secret(`${a.password}x`));
  const unknown = await c.signIn(newEmail('nobody'), a.password);
  const empty = await c.signIn(a.email, secret(' '.repeat(12)));
  for (const r of [wrong, unknown, empty]) {
    assertError(r, 401, 'invalid_credentials');
    assert.equal(sessionCookie(r), undefined, 'no session cookie');
  }
  assert.equal(wrong.text, unknown.text, 'the same body');
  assert.equal(c.cookie, null);
  // The password is compared exactly: no trimming, no case folding.
  assertError(await c.signIn(a.email, `${a.password} `), 401, 'invalid_credentials');
  assertError(await c.signIn(a.email, a.password.toUpperCase()), 401, 'invalid_credentials');
  await c.mustSignIn(a.email, a.password);
});

test('sign-in refuses bad input with a 400 naming the field', async () => {
  const c = new Client(newNet().addr());
  assertError(await c.post(SESSION, { password: newPassword() }), 400, 'missing_field', 'email');
  assertError(await c.post(SESSION, { email: newEmail() }), 400, 'missing_field', 'password');
  assertError(await c.post(SESSION, { email: newEmail(), password: newPassword(), remember: true }), 400, 'unknown_field', 'remember');
  assertError(await c.post(SESSION, { email: newEmail(), password: 12345678901234 }), 400, 'invalid_field', 'password');
  assertError(await c.post(SESSION, { email: ['x'], password: newPassword() }), 400, 'invalid_field', 'email');
});

test('unverified accounts can sign in', async () => {
  const a = await newAccount({ verified: false, signIn: false });
  await a.client.mustSignIn(a.email, a.password);
  const me = await a.client.me();
  assert.equal(me.status, 200);
  assert.equal(me.json.verified, false);
});

test('sign-out needs the CSRF token: missing or wrong is 403 csrf_failed and the session lives on', async () => {
  const a = await newAccount();
  const other = await secondSession(a);
  const cases = [
    ['no header', { csrf: false }],
    ['an empty header', { headers: { 'x-csrf-token': '' } }],
    ['a made-up token', { headers: { 'x-csrf-token': secret('A'.repeat(43)) } }],
    ['the token of another session', { headers: { 'x-csrf-token': other.csrf } }],
    ['the session token itself', { headers: { 'x-csrf-token': a.client.cookie } }],
    ['the token with a changed character', { headers: { 'x-csrf-token': a.client.csrf.slice(0, -1) + (a.client.csrf.endsWith('A') ? 'B' : 'A') } }],
    ['the token lower-cased', { headers: { 'x-csrf-token': a.client.csrf.toLowerCase() === a.client.csrf ? secret('b'.repeat(43)) : a.client.csrf.toLowerCase() } }],
  ];
  for (const [what, opts] of cases) {
    const r = await a.client.delete(SESSION, undefined, opts);
    assert.equal(r.status, 403, `${what}: ${r.status} ${r.text}`);
    assertError(r, 403, 'csrf_failed');
    assert.equal(sessionCookie(r), undefined, `${what}: the cookie is not cleared`);
  }
  assert.equal((await a.client.me()).status, 200, 'the session is still open');
  assert.equal((await other.me()).status, 200);
});

test('sign-out ends the session on the server: the old cookie replayed gets 401', async () => {
  const a = await newAccount();
  const other = await secondSession(a);
  const oldCookie = a.client.cookie;
  const r = await a.client.signOut();
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '', 'no body with a 204');
  const cleared = sessionCookie(r);
  assert.ok(cleared, `a clearing Set-Cookie: ${r.headers.get('set-cookie')}`);
  assert.equal(cleared.value, '');
  assert.ok(cleared.attrs['max-age'] === '0' || /1970/.test(cleared.attrs.expires || ''), 'the cookie expires now');
  assert.equal(cleared.attrs.path, '/');
  assert.equal(cleared.attrs.secure, true);
  assert.equal(cleared.attrs.httponly, true);

  // The browser would drop the cookie; an attacker who copied it replays it.
  assert.equal(a.client.cookie, oldCookie);
  assertError(await a.client.me(), 401, 'authentication_required');
  assertError(await a.client.signOut(), 401, 'authentication_required');
  assertError(await a.client.patch(ME, { language: 'en' }), 401, 'authentication_required');
  assertError(await a.client.get('/api/v1/me/export'), 401, 'authentication_required');

  // Only that session ended.
  assert.equal((await other.me()).status, 200, 'the other session of the account is still open');
});

test('no cookie, an unknown or a malformed cookie: 401 authentication_required', async () => {
  const c = new Client(newNet().addr());
  assertError(await c.me(), 401, 'authentication_required');
  assertError(await c.signOut(), 401, 'authentication_required');
  for (const v of [secret('Z'.repeat(43)), 'short', `${'a'.repeat(43)}x`, '%00%01', secret(`${'Q'.repeat(42)}=`)]) {
    c.cookie = v;
    assertError(await c.me(), 401, 'authentication_required');
  }
  // A CSRF token is not a session token.
  const a = await newAccount();
  c.cookie = a.client.csrf;
  assertError(await c.me(), 401, 'authentication_required');
});

test('PATCH and DELETE /api/v1/me need the CSRF token too, and change nothing without it', async () => {
  const a = await newAccount({ language: 'fr' });
  assertError(await a.client.patch(ME, { language: 'en' }, { csrf: false }), 403, 'csrf_failed');
  assertError(await a.client.patch(ME, { language: 'en' }, { headers: { 'x-csrf-token': secret('C'.repeat(43)) } }), 403, 'csrf_failed');
  assertError(await a.client.delete(ME, { password: a.password }, { csrf: false }), 403, 'csrf_failed');
  const me = await a.client.me();
  assert.equal(me.status, 200);
  assert.equal(me.json.language, 'fr', 'the language did not change');
  assert.equal(sql('SELECT deleted_at FROM accounts WHERE email = :\'e\'', { e: a.email })[0].deleted_at, null, 'the account is not deleted');
});

test('a cross-site state-changing request is 403 cross_site_request, even with the right CSRF token', async () => {
  const a = await newAccount({ language: 'fr' });
  const cross = [
    ['Origin: https://evil.example', { origin: EVIL }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['both', { origin: EVIL, 'sec-fetch-site': 'cross-site' }],
    ['an Origin on another port', { origin: BASE.replace(/:(\d+)$/, (m, p) => `:${Number(p) + 1}`) }],
  ];
  for (const [what, headers] of cross) {
    const p = await a.client.patch(ME, { language: 'en' }, { headers });
    assert.equal(p.status, 403, `${what}: ${p.status} ${p.text}`);
    assertError(p, 403, 'cross_site_request');
    const r = await a.client.delete(SESSION, undefined, { headers });
    assert.equal(r.status, 403, `${what}: ${r.status} ${r.text}`);
    assertError(r, 403, 'cross_site_request');
  }
  // Sign-in and registration too (login CSRF): nothing is created.
  const c = new Client(newNet().addr());
  const s = await c.post(SESSION, { email: a.email, password: a.password }, { headers: { origin: EVIL } });
  assertError(s, 403, 'cross_site_request');
  assert.equal(sessionCookie(s), undefined, 'no session for a cross-site sign-in');
  const email = newEmail();
  const reg = await c.post('/api/v1/accounts', {
    email, password: newPassword(), pseudonym: `X ${email.slice(5, 15)}`, profile: 'citizen', accept_terms: true,
  }, { headers: { 'sec-fetch-site': 'cross-site' } });
  assertError(reg, 403, 'cross_site_request');
  assert.equal(sql('SELECT id FROM accounts WHERE email = :\'e\'', { e: email }).length, 0);

  // Nothing changed; reads from another site are not refused by this check.
  const me = await a.client.get(ME, { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.language, 'fr');
});

test('same-origin requests pass the cross-site checks', async () => {
  const a = await newAccount();
  const p = await a.client.patch(ME, { language: 'en' }, { headers: { origin: BASE, 'sec-fetch-site': 'same-origin' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.language, 'en');
  const d = await a.client.delete(SESSION, undefined, { headers: { origin: BASE, 'sec-fetch-site': 'same-origin' } });
  assert.equal(d.status, 204, d.text);
});

test('the Origin is compared with the public origin (CONCERTO_PUBLIC_URL), not with the Host the request names', async () => {
  const a = await newAccount({ language: 'fr' });
  const ours = new URL(PUBLIC_URL || BASE);
  const body = JSON.stringify({ language: 'en' });
  const patch = (host, origin) => raw('PATCH', ME, {
    headers: {
      host, origin, cookie: `${COOKIE}=${a.client.cookie}`, 'x-csrf-token': a.client.csrf,
      'x-forwarded-for': a.client.addr, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
    },
    body,
  });
  // A page of another site whose name leads here: its Origin and the Host agree.
  const evil = `evil.example:${ours.port || (ours.protocol === 'https:' ? 443 : 80)}`;
  const r = await patch(evil, `${ours.protocol}//${evil}`);
  assert.equal(r.status, 403, `Origin = Host = ${evil}: ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, 'cross_site_request', r.text);
  assert.equal(sql('SELECT language FROM accounts WHERE email = :\'e\'', { e: a.email })[0].language, 'fr', 'nothing changed');
  // Our origin, through a proxy that passes another Host: accepted.
  const ok = await patch('backend.internal', ours.origin);
  assert.equal(ok.status, 200, `Origin ${ours.origin}, Host backend.internal: ${ok.status} ${ok.text}`);
  assert.equal(ok.json?.language, 'en');
});

test('a session of kind bearer sent as a cookie needs the CSRF token; only the Authorization header skips it', async () => {
  const a = await newAccount({ signIn: false, language: 'fr' });
  const token = secret(randomBytes(32).toString('base64url'));
  const csrf = secret(randomBytes(32).toString('base64url'));
  sqlExec(`INSERT INTO sessions (token_hash, csrf_hash, account_id, kind, expires_at)
    SELECT sha256(convert_to(:'t', 'UTF8')), sha256(convert_to(:'c', 'UTF8')), id, 'bearer', now() + interval '1 hour'
    FROM accounts WHERE email = :'e'`, { t: token, c: csrf, e: a.email });
  const language = () => sql('SELECT language FROM accounts WHERE email = :\'e\'', { e: a.email })[0].language;

  const c = new Client(newNet().addr());
  c.cookie = token;
  const me = await c.me();
  assert.equal(me.status, 200, `the bearer session is a session: ${me.text}`);
  assertError(await c.patch(ME, { language: 'en' }), 403, 'csrf_failed');
  assert.equal(language(), 'fr', 'nothing changed without the CSRF token');
  c.csrf = csrf;
  const withCsrf = await c.patch(ME, { language: 'en' });
  assert.equal(withCsrf.status, 200, withCsrf.text);
  assert.equal(language(), 'en');

  const b = new Client(newNet().addr());
  const header = await b.patch(ME, { language: 'fr' }, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(header.status, 200, `in the Authorization header, no CSRF token is needed: ${header.text}`);
  assert.equal(language(), 'fr');
});

// The one session of the account (the tests below sign in once).
const sessionOf = (email) => sql(`SELECT s.id, extract(epoch FROM s.expires_at - s.created_at)::int AS lifetime,
  extract(epoch FROM now() - s.last_seen_at)::int AS idle FROM sessions s
  JOIN accounts a ON a.id = s.account_id WHERE a.email = :'e'`, { e: email });

test('a session idle for more than an hour is over; using it keeps it alive', async () => {
  const a = await newAccount();
  const b = await newAccount();
  const [sa] = sessionOf(a.email);
  const [sb] = sessionOf(b.email);
  // As if a had been away 61 minutes and b 59.
  sqlExec(`UPDATE sessions SET last_seen_at = now() - interval '61 minutes' WHERE id = :ida`, { ida: sa.id });
  sqlExec(`UPDATE sessions SET last_seen_at = now() - interval '59 minutes' WHERE id = :idb`, { idb: sb.id });
  assertError(await a.client.me(), 401, 'authentication_required');
  assert.equal((await b.client.me()).status, 200, 'not idle long enough to end');
  const [after] = sessionOf(b.email);
  assert.ok(after.idle < 60, `a request marks the session as seen: idle ${after.idle} s`);
});

test('a session ends at its absolute expiry, a day after sign-in, however busy', async () => {
  const a = await newAccount();
  const [s] = sessionOf(a.email);
  assert.ok(Math.abs(s.lifetime - 86400) <= 5, `a session lasts a day, like the cookie's Max-Age: ${s.lifetime} s`);
  sqlExec(`UPDATE sessions SET expires_at = now() - interval '1 second', last_seen_at = now() WHERE id = :id`, { id: s.id });
  assertError(await a.client.me(), 401, 'authentication_required');
});

test('no password, token or client address of this file reaches the logs', async () => {
  await sleep(1500); // nginx flushes its access log every second
  const leaks = leaksInLogs();
  assert.deepEqual(leaks, [], `found in the logs: ${JSON.stringify(leaks.slice(0, 10))}`);
});
