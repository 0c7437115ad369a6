// SPDX-License-Identifier: AGPL-3.0-or-later
// The signed-in account (issue 3): GET /api/v1/me shows what was stored,
// PATCH changes profile, language and consents (revoking the health-data
// consent moves a patient off the health profile), a password change needs
// the current password and ends the other sessions, the export holds
// everything, and deletion erases the personal data and ends the sessions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ME, ME_EXPORT } from './lib/paths.mjs';
import { sleep, suffix } from './lib/util.mjs';
import { Client, newNet, sessionCookie } from './lib/client.mjs';
import { JSON_CT, assertError } from './lib/assert.mjs';
import { accountRow, deliverMail, sql, sqlExec } from './lib/db.mjs';
import { leaksInLogs, secret } from './lib/logs.mjs';
import { newAccount, newPassword, newPseudonym, register, secondSession } from './lib/accounts.mjs';

const TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;

test('GET /api/v1/me shows the account as registered', async () => {
  const before = Date.now();
  const a = await newAccount({
    email: `Me.Test-${suffix()}@Example.org`, profile: 'carer', health_data_consent: true,
    postcode: '13001', interests_declared: true, interests_text: 'Membre d\u2019une association de patients',
    language: 'en',
  });
  const r = await a.client.me();
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  assert.match(r.headers.get('cache-control') || '', /no-store|private/, 'personal data is not cached by shared caches');
  const me = r.json;
  assert.deepEqual(Object.keys(me).sort(), ['consents', 'created_at', 'email', 'id', 'interests', 'language', 'postcode',
    'profile', 'pseudonym', 'role', 'second_factor_enabled', 'verified'].sort());
  const row = accountRow(a.email);
  assert.equal(me.id, row.id);
  assert.equal(me.email, a.email.toLowerCase());
  assert.equal(me.pseudonym, a.pseudonym);
  assert.equal(me.role, 'participant');
  assert.equal(me.profile, 'carer');
  assert.equal(me.postcode, '13001');
  assert.deepEqual(me.interests, { declared: true, text: a.interests_text });
  assert.equal(me.language, 'en');
  assert.equal(me.verified, true);
  assert.equal(me.second_factor_enabled, false);
  assert.match(me.created_at, TIME);
  assert.ok(Math.abs(Date.parse(me.created_at.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')) - before) < 120000, `created now: ${me.created_at}`);
  assert.equal(typeof me.consents.terms.version, 'string');
  assert.ok(me.consents.terms.version.length > 0);
  assert.match(me.consents.terms.accepted_at, TIME);
  const h = me.consents.health_data;
  assert.equal(h.given, true);
  assert.equal(typeof h.version, 'string');
  assert.match(h.given_at, TIME);
  assert.equal(h.revoked_at, null);
  assert.ok(!r.text.includes('argon2'), 'no password hash');
  assert.ok(!/totp_secret|password/.test(r.text), 'no secret field');
});

test('GET /api/v1/me without a session is 401', async () => {
  const c = new Client(newNet().addr());
  assertError(await c.me(), 401, 'authentication_required');
  assertError(await c.patch(ME, { language: 'en' }), 401, 'authentication_required');
  assertError(await c.delete(ME, { password: newPassword() }), 401, 'authentication_required');
  assertError(await c.get(ME_EXPORT), 401, 'authentication_required');
});

test('PATCH /api/v1/me changes the fields given, keeps the others, and returns the account', async () => {
  const a = await newAccount({ postcode: '75011', language: 'fr', profile: 'citizen' });
  const pseudonym = newPseudonym('Renamed');
  const r = await a.client.patch(ME, {
    pseudonym, profile: 'researcher', postcode: '69003', language: 'en',
    interests_declared: true, interests_text: 'Financement public uniquement',
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.pseudonym, pseudonym);
  assert.equal(r.json.profile, 'researcher');
  assert.equal(r.json.postcode, '69003');
  assert.equal(r.json.language, 'en');
  assert.deepEqual(r.json.interests, { declared: true, text: 'Financement public uniquement' });
  assert.equal(r.json.email, a.email, 'the e-mail is unchanged');
  assert.deepEqual((await a.client.me()).json, r.json, 'GET shows the same account');

  // Only what is given changes; null clears the optional fields.
  const r2 = await a.client.patch(ME, { postcode: null, interests_text: null });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.postcode, null);
  assert.equal(r2.json.interests.text, null);
  assert.equal(r2.json.pseudonym, pseudonym);
  assert.equal(r2.json.language, 'en');
  const row = accountRow(a.email);
  assert.equal(row.postcode, null);
  assert.equal(row.interests_text, null);

  // An empty change is fine and changes nothing.
  const r3 = await a.client.patch(ME, {});
  assert.equal(r3.status, 200, r3.text);
  assert.deepEqual(r3.json, r2.json);

  // The new language is what the next sign-in reports.
  const s = await new Client(newNet().addr()).mustSignIn(a.email, a.password);
  assert.equal(s.json.account.language, 'en');
  assert.equal(s.json.account.pseudonym, pseudonym);
});

test('PATCH /api/v1/me refuses bad values with a 400 naming the field, and changes nothing', async () => {
  const a = await newAccount();
  const before = (await a.client.me()).json;
  const cases = [
    [{ pseudonym: 'ab' }, 'invalid_field', 'pseudonym'],
    [{ pseudonym: `bad\u0001${suffix()}` }, 'invalid_field', 'pseudonym'],
    [{ profile: 'doctor' }, 'invalid_field', 'profile'],
    [{ postcode: '96000' }, 'invalid_field', 'postcode'],
    [{ postcode: '7501' }, 'invalid_field', 'postcode'],
    [{ language: 'es' }, 'invalid_field', 'language'],
    [{ interests_declared: 'no' }, 'invalid_field', 'interests_declared'],
    [{ interests_text: 'x'.repeat(2001) }, 'invalid_field', 'interests_text'],
    [{ health_data_consent: 'false' }, 'invalid_field', 'health_data_consent'],
    [{ email: 'new@example.org' }, 'unknown_field', 'email'],
    [{ role: 'admin' }, 'unknown_field', 'role'],
    [{ verified: true }, 'unknown_field', 'verified'],
    // A valid field next to a bad one: nothing of the request applies.
    [{ language: 'en', postcode: 'x' }, 'invalid_field', 'postcode'],
  ];
  for (const [body, code, field] of cases) assertError(await a.client.patch(ME, body), 400, code, field);
  assert.deepEqual((await a.client.me()).json, before, 'nothing changed');
});

test('a pseudonym taken by someone else (in any case) is 409; keeping one\'s own is fine', async () => {
  const a = await newAccount();
  const b = await newAccount();
  assertError(await a.client.patch(ME, { pseudonym: b.pseudonym.toUpperCase() }), 409, 'pseudonym_taken', 'pseudonym');
  const same = await a.client.patch(ME, { pseudonym: a.pseudonym });
  assert.equal(same.status, 200, same.text);
  const recased = await a.client.patch(ME, { pseudonym: a.pseudonym.toUpperCase() });
  assert.equal(recased.status, 200, `one's own pseudonym in another case: ${recased.text}`);
  assert.equal(recased.json.pseudonym, a.pseudonym.toUpperCase());
});

test('revoking the health-data consent moves a patient to "other"; choosing patient needs the consent', async () => {
  const a = await newAccount({ profile: 'patient', health_data_consent: true });
  const r = await a.client.patch(ME, { health_data_consent: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.profile, 'other', 'the health profile is dropped with the consent');
  assert.equal(r.json.consents.health_data.given, false);
  assert.match(r.json.consents.health_data.revoked_at || '', TIME, 'the revocation is dated');
  const row = accountRow(a.email);
  assert.equal(row.profile, 'other');
  assert.equal(row.health_consent_at, null);
  assert.ok(row.health_consent_revoked_at);

  // Back to patient: refused without the consent, accepted with it.
  assertError(await a.client.patch(ME, { profile: 'patient' }), 400, 'consent_required', 'health_data_consent');
  assertError(await a.client.patch(ME, { profile: 'carer', health_data_consent: false }), 400, 'consent_required', 'health_data_consent');
  assert.equal((await a.client.me()).json.profile, 'other');
  const back = await a.client.patch(ME, { profile: 'carer', health_data_consent: true });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.profile, 'carer');
  assert.equal(back.json.consents.health_data.given, true);
  assert.match(back.json.consents.health_data.given_at, TIME);

  // A citizen may give and withdraw the consent without any profile change.
  const c = await newAccount({ profile: 'citizen' });
  const g = await c.client.patch(ME, { health_data_consent: true });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.consents.health_data.given, true);
  const w = await c.client.patch(ME, { health_data_consent: false });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.profile, 'citizen');
  assert.equal(w.json.consents.health_data.given, false);
});

test('a password change needs the current password, and ends the other sessions but not this one', async () => {
  const a = await newAccount();
  const other = await secondSession(a);
  const fresh = newPassword();

  const missing = await a.client.patch(ME, { new_password: fresh });
  assert.ok([400, 403].includes(missing.status), `no current password: ${missing.status} ${missing.text}`);
  assert.equal(missing.json?.error?.field, 'current_password', missing.text);
  assertError(await a.client.patch(ME, { current_password: secret(`${a.password}!`), new_password: fresh }), 403, 'invalid_password', 'current_password');
  for (const weak of [secret('password1234'), secret('too-short'), a.email.split('@')[0], a.pseudonym.length >= 12 ? a.pseudonym : 'motdepasse12']) {
    assertError(await a.client.patch(ME, { current_password: a.password, new_password: weak }), 400, 'weak_password', 'new_password');
  }
  // Nothing changed so far: the other session lives, the old password works.
  assert.equal((await other.me()).status, 200);

  const r = await a.client.patch(ME, { current_password: a.password, new_password: fresh });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.email, a.email, 'the account is returned');
  assert.ok(!r.text.includes(fresh), 'the password is not echoed');

  assertError(await other.me(), 401, 'authentication_required');
  const still = await a.client.me();
  assert.equal(still.status, 200, 'the session that changed the password stays open');
  assertError(await new Client(newNet().addr()).signIn(a.email, a.password), 401, 'invalid_credentials');
  await new Client(newNet().addr()).mustSignIn(a.email, fresh);
  const hash = accountRow(a.email).password_hash;
  assert.ok(hash.startsWith('$argon2id$v=19$m='), 'the new password is hashed with argon2id too');
});

test('the export holds what is stored about the account, as an attachment that is not cached', async () => {
  const a = await newAccount({ profile: 'patient', health_data_consent: true, postcode: '33000', interests_declared: true, interests_text: 'Aucun lien', language: 'en' });
  await secondSession(a);
  await a.client.patch(ME, { postcode: '33800' });
  const r = await a.client.get(ME_EXPORT);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  assert.match(r.headers.get('content-disposition') || '', /^attachment\b/i);
  assert.match(r.headers.get('cache-control') || '', /no-store/);
  const x = r.json;
  assert.equal(x.format, 'concerto-export-1');
  assert.deepEqual(x.account, (await a.client.me()).json, 'the account as GET /api/v1/me shows it');
  assert.equal(x.account.postcode, '33800', 'the current data');
  assert.equal(x.account.interests.text, 'Aucun lien');
  assert.equal(x.account.consents.health_data.given, true);

  assert.ok(Array.isArray(x.sessions), 'sessions');
  assert.equal(x.sessions.length, 2, 'both open sessions');
  for (const s of x.sessions) {
    assert.ok(s.created_at && s.expires_at, `a session with its times: ${JSON.stringify(s)}`);
  }
  assert.ok(Array.isArray(x.role_changes));
  assert.ok(Array.isArray(x.mail));
  assert.ok(x.mail.some((m) => m.subject === 'Confirm your e-mail address for Concerto'), `the verification mail is listed: ${JSON.stringify(x.mail)}`);
  for (const m of x.mail) assert.deepEqual(Object.keys(m).sort(), ['created_at', 'sent_at', 'subject']);
  assert.equal(typeof x.recovery_codes, 'object');
  assert.deepEqual(x.contributions, {
    participations: [], ballots: [], submissions: [], comments: [], comment_votes: [], flags: [], notifications: [],
  }, 'a new account has contributed nothing yet');

  // Secrets stay out of it: no hash, no token, no TOTP secret.
  for (const s of [a.client.cookie, a.client.csrf, a.password]) assert.ok(!r.text.includes(s), 'no token or password');
  assert.ok(!/argon2|token_hash|csrf|totp_secret/i.test(r.text), 'no hash or secret');
  const stored = sql(`SELECT encode(token_hash, 'hex') AS h FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = :'e'`, { e: a.email });
  for (const { h } of stored) assert.ok(!r.text.includes(h) && !r.text.includes(Buffer.from(h, 'hex').toString('base64')), 'no session hash');
});

test('the export lists the mail sent and its state', async () => {
  const a = await newAccount({ language: 'fr' });
  deliverMail();
  const x = (await a.client.get(ME_EXPORT)).json;
  const v = x.mail.find((m) => m.subject === 'Confirmez votre adresse e-mail pour Concerto');
  assert.ok(v, JSON.stringify(x.mail));
  assert.match(v.created_at, TIME);
  assert.match(v.sent_at || '', TIME, 'delivered mail has its sending time');
  assert.ok(!JSON.stringify(x).includes('#verify='), 'no link (with its token) in the export');
});

test('the export needs a recent sign-in (CONCERTO_RECENT_AUTH, 15 minutes)', async () => {
  const a = await newAccount();
  assert.equal((await a.client.get(ME_EXPORT)).status, 200, 'just signed in');
  // As if the sign-in had been 16 minutes ago (the session stays in use).
  sqlExec(`UPDATE sessions s SET authenticated_at = now() - interval '16 minutes'
    FROM accounts a WHERE a.id = s.account_id AND a.email = :'e'`, { e: a.email });
  assertError(await a.client.get(ME_EXPORT), 403, 'reauthentication_required');
  assert.equal((await a.client.me()).status, 200, 'the session itself goes on');
  await a.client.mustSignIn(a.email, a.password);
  assert.equal((await a.client.get(ME_EXPORT)).status, 200, 'after signing in again');
});

test('deleting the account needs the password, then erases the personal data and ends every session', async () => {
  const a = await newAccount({ profile: 'patient', health_data_consent: true, postcode: '59000', interests_declared: true, interests_text: 'Lien avec un industriel' });
  const other = await secondSession(a);
  const id = accountRow(a.email).id;

  assertError(await a.client.delete(ME, {}), 400, 'missing_field', 'password');
  assertError(await a.client.delete(ME, { password: secret(`${a.password}?`) }), 403, 'invalid_password', 'password');
  assertError(await a.client.delete(ME, { password: a.password, reason: 'x' }), 400, 'unknown_field', 'reason');
  assert.equal(accountRow(a.email).deleted_at, null, 'still there');

  const oldCookie = a.client.cookie;
  const r = await a.client.delete(ME, { password: a.password });
  assert.equal(r.status, 204, r.text);
  const cleared = sessionCookie(r);
  assert.ok(cleared && cleared.value === '', `the cookie is cleared: ${r.headers.get('set-cookie')}`);

  // The row stays (for contributions) with the personal data gone.
  const [row] = sql('SELECT * FROM accounts WHERE id = :id', { id });
  assert.equal(row.email, null);
  assert.equal(row.password_hash, null);
  assert.equal(row.postcode, null);
  assert.equal(row.interests_text, null);
  assert.equal(row.interests_declared, false);
  assert.equal(row.pseudonym, `deleted-${id}`);
  assert.ok(row.deleted_at, 'deleted_at is set');
  assert.ok(row.profile !== 'patient' && row.profile !== 'carer', `no health profile left: ${row.profile}`);
  assert.equal(row.health_consent_at, null);
  assert.equal(row.totp_sealed, null);
  const left = sql(`SELECT (SELECT count(*) FROM sessions WHERE account_id = :id) AS sessions,
    (SELECT count(*) FROM account_tokens WHERE account_id = :id) AS tokens,
    (SELECT count(*) FROM recovery_codes WHERE account_id = :id) AS codes,
    (SELECT count(*) FROM outbox WHERE account_id = :id OR recipient = lower(:'e')) AS mail`, { id, e: a.email })[0];
  assert.deepEqual(left, { sessions: 0, tokens: 0, codes: 0, mail: 0 }, 'no session, token, code or mail left');
  const anywhere = sql(`SELECT count(*) AS n FROM accounts WHERE email = lower(:'e') OR lower(pseudonym) = lower(:'p')`, { e: a.email, p: a.pseudonym })[0];
  assert.equal(anywhere.n, 0, 'neither the address nor the pseudonym is left');

  // Every session is over; the old cookie replayed gets 401.
  const replay = new Client(a.client.addr);
  replay.cookie = oldCookie;
  assertError(await replay.me(), 401, 'authentication_required');
  assertError(await other.me(), 401, 'authentication_required');
  assertError(await new Client(newNet().addr()).signIn(a.email, a.password), 401, 'invalid_credentials');

  // The address and the pseudonym are free again.
  const again = await register(new Client(newNet().addr()), { email: a.email, pseudonym: a.pseudonym });
  assert.equal(again.r.status, 202, again.r.text);
  const fresh = accountRow(a.email);
  assert.ok(fresh && fresh.id !== id, 'a new account with the same address');
  assert.equal(fresh.pseudonym, a.pseudonym);
});

test('no password, token or client address of this file reaches the logs', async () => {
  deliverMail();
  await sleep(1500); // nginx flushes its access log every second
  const leaks = leaksInLogs();
  assert.deepEqual(leaks, [], `found in the logs: ${JSON.stringify(leaks.slice(0, 10))}`);
});
