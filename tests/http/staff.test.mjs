// SPDX-License-Identifier: AGPL-3.0-or-later
// Roles and the second factor (issue 3): `concerto user add` makes verified
// staff with TOTP enrolled and recovery codes, `concerto user role` changes
// a role and logs it, moderators and admins sign in with a TOTP code (single
// use) or a recovery code (single use), a participant promoted is enrolled
// at the next sign-in, and moderator routes refuse participants and staff
// sessions without the second factor.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND_FACTOR } from './lib/paths.mjs';
import { sleep } from './lib/util.mjs';
import { Client, newNet, sessionCookie } from './lib/client.mjs';
import { assertError } from './lib/assert.mjs';
import { accountRow, concerto, sql } from './lib/db.mjs';
import { leaksInLogs, secret } from './lib/logs.mjs';
import { newAccount, newEmail, newPassword, newPseudonym, newStaff, totp, userAdd } from './lib/accounts.mjs';

const MODERATOR_ROUTES = [['GET', '/api/v1/moderation/queue'], ['GET', '/api/v1/moderation/log']];

const roleChanges = (email) => sql(`SELECT r.old_role, r.new_role, r.changed_by, r.changed_at FROM role_changes r
  JOIN accounts a ON a.id = r.account_id WHERE a.email = :'e' ORDER BY r.id`, { e: email });

test('the TOTP of these tests follows RFC 6238 (SHA-1 test vectors)', () => {
  const key = Buffer.from('12345678901234567890');
  assert.equal(totp(key, 59), '287082');
  assert.equal(totp(key, 1111111109), '081804');
  assert.equal(totp(key, 1234567890), '005924');
  assert.equal(totp(key, 2000000000), '279037');
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59), '287082', 'base32 of the same key');
});

test('user add makes a verified moderator with TOTP enrolled and 10 recovery codes, and logs the role', async () => {
  const m = newStaff('moderator');
  assert.ok(m.uri, `an otpauth:// URI is printed:\n${m.stdout}`);
  const uri = new URL(m.uri);
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.match(m.totpSecret, /^[A-Z2-7]{32,}$/, 'a base32 secret of at least 160 bits');
  assert.equal(uri.searchParams.get('issuer') ?? 'Concerto', 'Concerto');
  assert.equal(m.codes.length, 10, `10 recovery codes:\n${m.stdout}`);
  assert.equal(new Set(m.codes).size, 10, 'all different');
  for (const c of m.codes) assert.ok(c.length >= 8, `a recovery code of at least 8 characters: ${c}`);

  const row = accountRow(m.email);
  assert.equal(row.role, 'moderator');
  assert.ok(row.verified_at, 'verified');
  assert.ok(row.totp_enabled_at, 'the second factor is in force');
  assert.ok(row.password_hash.startsWith('$argon2id$v=19$m='));
  assert.ok(!JSON.stringify(row).includes(m.totpSecret), 'the secret is not stored as base32 text');
  const codes = sql('SELECT encode(code_hash, \'hex\') AS h FROM recovery_codes WHERE account_id = :id', { id: row.id });
  assert.equal(codes.length, 10, 'ten codes stored');
  for (const c of m.codes) {
    assert.ok(!codes.some(({ h }) => h.includes(Buffer.from(c).toString('hex'))), 'recovery codes are stored hashed');
  }

  const rc = roleChanges(m.email);
  assert.equal(rc.length, 1, 'the role given at creation is logged');
  assert.equal(rc[0].old_role, null);
  assert.equal(rc[0].new_role, 'moderator');
  assert.ok(rc[0].changed_by && rc[0].changed_at, 'who and when');
});

test('a moderator signs in with "required" without a code, "verified" with a good TOTP code, and a code works once', async () => {
  const m = newStaff('moderator');
  const r = await m.client.signIn(m.email, m.password);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.second_factor, 'required');
  assert.equal(r.json.account.role, 'moderator');
  assert.equal(r.json.enrolment, undefined, 'no new enrolment once enrolled');
  const me = await m.client.me();
  assert.equal(me.status, 200, 'a session waiting for its second factor can read its account');
  assert.equal(me.json.second_factor_enabled, true);
  assert.equal(me.json.role, 'moderator');

  const c = new Client(m.client.addr);
  const now = Date.now() / 1000;
  const good = totp(m.totpSecret, now);
  const wrong = String((Number(good) + 1) % 1e6).padStart(6, '0');
  const bad = await c.signIn(m.email, m.password, { totp: wrong });
  assertError(bad, 401, 'invalid_second_factor');
  assert.equal(sessionCookie(bad), undefined, 'no session with a wrong code');
  assertError(await c.signIn(m.email, m.password, { totp: 'abcdef' }), 401, 'invalid_second_factor');

  const ok = await c.signIn(m.email, m.password, { totp: good });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.second_factor, 'verified');

  const again = await new Client(m.client.addr).signIn(m.email, m.password, { totp: good });
  assertError(again, 401, 'invalid_second_factor');
  // A code of the previous step is not accepted after a later one was used.
  const earlier = await new Client(m.client.addr).signIn(m.email, m.password, { totp: totp(m.totpSecret, now - 30) });
  assertError(earlier, 401, 'invalid_second_factor');
  // The password alone is no second factor.
  assertError(await new Client(m.client.addr).signIn(m.email, secret(`${m.password}-`), { totp: good }), 401, 'invalid_credentials');
});

test('recovery codes work once, at sign-in or on a waiting session', async () => {
  const m = newStaff('admin');
  const addr = m.client.addr;
  const [c1, c2, c3] = m.codes;

  const a = await new Client(addr).signIn(m.email, m.password, { recovery_code: c1 });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.second_factor, 'verified');
  assert.equal(a.json.account.role, 'admin');
  assertError(await new Client(addr).signIn(m.email, m.password, { recovery_code: c1 }), 401, 'invalid_second_factor');

  // A session waiting for its second factor.
  const w = new Client(addr);
  await w.mustSignIn(m.email, m.password, 'required');
  assertError(await w.post(SECOND_FACTOR, { recovery_code: c2 }, { csrf: false }), 403, 'csrf_failed');
  assertError(await new Client(addr).post(SECOND_FACTOR, { recovery_code: c2 }), 401, 'authentication_required');
  assertError(await w.post(SECOND_FACTOR, { recovery_code: secret('AAAAAAAAAAAAAAAA') }), 401, 'invalid_second_factor');
  assertError(await w.post(SECOND_FACTOR, { code: c2 }), 400, 'unknown_field', 'code');
  const v = await w.secondFactor({ recovery_code: c2 });
  assert.equal(v.status, 200, v.text);
  assert.deepEqual(Object.keys(v.json).sort(), ['csrf_token', 'second_factor']);
  assert.equal(v.json.second_factor, 'verified');

  const w2 = new Client(addr);
  await w2.mustSignIn(m.email, m.password, 'required');
  assertError(await w2.post(SECOND_FACTOR, { recovery_code: c2 }), 401, 'invalid_second_factor');
  assertError(await w2.post(SECOND_FACTOR, { recovery_code: c1 }), 401, 'invalid_second_factor');
  const v3 = await w2.secondFactor({ recovery_code: c3 });
  assert.equal(v3.status, 200, v3.text);

  // The export counts the codes left.
  const x = await w2.get('/api/v1/me/export');
  assert.equal(x.status, 200, x.text);
  const counts = Object.values(x.json.recovery_codes).map(Number).sort((p, q) => p - q);
  assert.deepEqual(counts, [7, 10], `7 of 10 codes left: ${JSON.stringify(x.json.recovery_codes)}`);
  assert.ok(!m.codes.some((c) => x.text.includes(c)), 'the export does not show the codes');
});

test('a waiting session is verified with a TOTP code through /api/v1/session/second-factor', async () => {
  const m = newStaff('moderator');
  await m.client.mustSignIn(m.email, m.password, 'required');
  const good = totp(m.totpSecret);
  const wrong = String((Number(good) + 500000) % 1e6).padStart(6, '0');
  assertError(await m.client.post(SECOND_FACTOR, { totp: wrong }), 401, 'invalid_second_factor');
  const r = await m.client.secondFactor({ totp: good });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.second_factor, 'verified');
  assert.equal((await m.client.me()).status, 200, 'the new session goes on');
  assert.equal((await m.client.get('/api/v1/moderation/queue')).status, 200, 'with the privileges of the second factor');
  // The same code on another waiting session: refused.
  const o = new Client(m.client.addr);
  await o.mustSignIn(m.email, m.password, 'required');
  assertError(await o.post(SECOND_FACTOR, { totp: good }), 401, 'invalid_second_factor');
});

test('a participant promoted with user role is enrolled at the next sign-in; every change is logged', async () => {
  const p = await newAccount();
  assert.equal(p.client.signin.second_factor, 'not_required');
  // A participant sending a code is simply not asked for one.
  const extra = await new Client(p.client.addr).signIn(p.email, p.password, { totp: '123456' });
  assert.equal(extra.status, 200, extra.text);
  assert.equal(extra.json.second_factor, 'not_required');

  const out = concerto(['user', 'role', '--email', p.email, '--role', 'moderator']);
  assert.equal(out.status, 0, `user role: ${out.stdout}\n${out.stderr}`);
  assert.match(out.stdout, /moderator/, `the new role is printed: ${out.stdout}`);
  assert.equal(accountRow(p.email).role, 'moderator');
  let rc = roleChanges(p.email);
  assert.equal(rc.length, 1, JSON.stringify(rc));
  assert.equal(rc[0].old_role, 'participant');
  assert.equal(rc[0].new_role, 'moderator');
  assert.ok(rc[0].changed_by, 'who changed it');
  // A session opened as a participant does not carry the new role unchecked.
  const old = await p.client.me();
  assert.ok(old.status === 401 || (old.status === 200 && old.json.role === 'moderator'), `${old.status} ${old.text}`);

  const c = new Client(p.client.addr);
  const r = await c.signIn(p.email, p.password);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.second_factor, 'enrol');
  assert.equal(r.json.account.role, 'moderator');
  const e = r.json.enrolment;
  assert.ok(e, `an enrolment: ${r.text.slice(0, 300)}`);
  secret(e.secret);
  e.recovery_codes.forEach(secret);
  assert.match(e.secret, /^[A-Z2-7]{32,}$/, 'a base32 secret of at least 160 bits');
  const uri = new URL(e.otpauth_uri);
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(uri.searchParams.get('secret'), e.secret);
  assert.equal(e.recovery_codes.length, 10);
  assert.equal(new Set(e.recovery_codes).size, 10);
  assert.match(r.headers.get('cache-control') || '', /no-store/, 'the secret is not cached');
  assert.equal((await c.me()).json.second_factor_enabled, false, 'not in force before a first code');

  const good = totp(e.secret);
  assertError(await c.post(SECOND_FACTOR, { totp: String((Number(good) + 1) % 1e6).padStart(6, '0') }), 401, 'invalid_second_factor');
  const v = await c.secondFactor({ totp: good });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.second_factor, 'verified');
  assert.equal((await c.me()).json.second_factor_enabled, true, 'in force after the first code');

  // From now on the code is required, not enrolled again.
  await new Client(p.client.addr).mustSignIn(p.email, p.password, 'required');

  // To admin: logged; the enrolment's recovery codes work.
  const up = concerto(['user', 'role', '--email', p.email, '--role', 'admin']);
  assert.equal(up.status, 0, up.stderr);
  assert.match(up.stdout, /admin/);
  const a = await new Client(p.client.addr).signIn(p.email, p.password, { recovery_code: e.recovery_codes[0] });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.second_factor, 'verified');
  assert.equal(a.json.account.role, 'admin');

  // Back to participant: no second factor asked.
  const down = concerto(['user', 'role', '--email', p.email, '--role', 'participant']);
  assert.equal(down.status, 0, down.stderr);
  const d = await new Client(p.client.addr).signIn(p.email, p.password);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.account.role, 'participant');
  assert.equal(d.json.second_factor, 'not_required');

  rc = roleChanges(p.email);
  assert.deepEqual(rc.map((x) => [x.old_role, x.new_role]), [['participant', 'moderator'], ['moderator', 'admin'], ['admin', 'participant']]);
  for (let i = 1; i < rc.length; i++) assert.ok(rc[i].changed_at >= rc[i - 1].changed_at, 'in order');

  // The export shows the role changes.
  const x = await new Client(p.client.addr);
  await x.mustSignIn(p.email, p.password);
  const ex = await x.get('/api/v1/me/export');
  assert.equal(ex.status, 200, ex.text);
  assert.deepEqual(ex.json.role_changes.map((y) => [y.old_role, y.new_role]), rc.map((y) => [y.old_role, y.new_role]));
});

test('user add and user role refuse bad input', async () => {
  const email = newEmail('cli');
  const weak = userAdd({ email, role: 'moderator', pseudonym: newPseudonym('Cli'), password: secret('password1234') });
  assert.notEqual(weak.status, 0, 'a common password is refused');
  assert.equal(accountRow(email), undefined, 'no account');
  const bad = userAdd({ email, role: 'superuser', pseudonym: newPseudonym('Cli'), password: newPassword() });
  assert.notEqual(bad.status, 0, 'an unknown role is refused');
  assert.equal(accountRow(email), undefined);

  const m = newStaff('moderator');
  const dup = userAdd({ email: m.email, role: 'admin', pseudonym: newPseudonym('Cli'), password: newPassword() });
  assert.notEqual(dup.status, 0, 'an address that has an account is refused');
  assert.equal(accountRow(m.email).role, 'moderator', 'the existing account is unchanged');

  const unknown = concerto(['user', 'role', '--email', newEmail('nobody'), '--role', 'admin']);
  assert.notEqual(unknown.status, 0, 'no account: user role fails');
  const badRole = concerto(['user', 'role', '--email', m.email, '--role', 'root']);
  assert.notEqual(badRole.status, 0, 'an unknown role: user role fails');
  assert.equal(accountRow(m.email).role, 'moderator');
  assert.equal(roleChanges(m.email).length, 1, 'nothing more logged');
});

test('the CLI treats addresses without regard to case, as the API does', async () => {
  const m = newStaff('moderator');
  const upper = m.email.toUpperCase();
  const dup = userAdd({ email: upper, role: 'admin', pseudonym: newPseudonym('Cli'), password: newPassword() });
  const same = sql('SELECT email, role FROM accounts WHERE lower(email) = lower(:\'e\')', { e: m.email });
  assert.deepEqual(same, [{ email: m.email, role: 'moderator' }],
    `user add --email ${upper} (exit ${dup.status}) must not make a second account for ${m.email}`);
  assert.notEqual(dup.status, 0, 'an address that has an account, in another case, is refused');

  const mixed = `Mixed.Cli-${m.email.slice(10, 20)}@Example.Org`;
  const added = userAdd({ email: mixed, role: 'participant', pseudonym: newPseudonym('Cli'), password: m.password });
  assert.equal(added.status, 0, added.stderr);
  assert.deepEqual(sql('SELECT email FROM accounts WHERE lower(email) = lower(:\'e\')', { e: mixed }), [{ email: mixed.toLowerCase() }],
    'stored lower-case');
  await new Client(newNet().addr()).mustSignIn(mixed, m.password);

  const role = concerto(['user', 'role', '--email', mixed.toUpperCase(), '--role', 'moderator']);
  assert.equal(role.status, 0, `user role --email in another case: ${role.stdout}${role.stderr}`);
  assert.equal(accountRow(mixed).role, 'moderator');
});

test('moderator routes refuse participants (403) and staff sessions without the second factor', async () => {
  const p = await newAccount();
  const m = newStaff('moderator');
  await m.client.mustSignIn(m.email, m.password, 'required');
  const v = new Client(m.client.addr);
  await v.mustSignIn(m.email, m.password, 'verified', { totp: totp(m.totpSecret) });
  for (const [method, path] of MODERATOR_ROUTES) {
    const r = await p.client.send(method, path);
    assertError(r, 403, 'forbidden');
    const w = await m.client.send(method, path);
    assert.equal(w.status, 403, `${method} ${path} without the second factor: ${w.status} ${w.text}`);
    const ok = await v.send(method, path);
    assert.ok(ok.status < 400, `${method} ${path} for a verified moderator: ${ok.status} ${ok.text.slice(0, 200)}`);
  }
});

test('no password, token or client address of this file reaches the logs', async () => {
  await sleep(1500); // nginx flushes its access log every second
  const leaks = leaksInLogs();
  assert.deepEqual(leaks, [], `found in the logs: ${JSON.stringify(leaks.slice(0, 10))}`);
});
