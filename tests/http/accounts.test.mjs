// SPDX-License-Identifier: AGPL-3.0-or-later
// Registration, e-mail verification and password reset (issue 3): good and
// bad registrations (each bad field a 400 naming it), a taken address
// answered exactly like a new one, the stored account and its argon2id hash,
// and the verification and reset links travelling through the outbox,
// `concerto mail` and a fake sendmail.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, PUBLIC_URL, RESET, RESET_CONFIRM, VERIFY } from './lib/paths.mjs';
import { sleep, suffix } from './lib/util.mjs';
import { Client, newNet } from './lib/client.mjs';
import { JSON_CT, assertError } from './lib/assert.mjs';
import { accountRow, countAccounts, deliverMail, linkToken, mailTo, outboxToken, sql } from './lib/db.mjs';
import { emailsInLogs, leaksInLogs, secret } from './lib/logs.mjs';
import { newAccount, newEmail, newPassword, newPseudonym, register, registration, userAdd } from './lib/accounts.mjs';

const VERIFY_SUBJECT = { fr: 'Confirmez votre adresse e-mail pour Concerto', en: 'Confirm your e-mail address for Concerto' };
const TAKEN_SUBJECT = { fr: "Tentative d'inscription à Concerto", en: 'Attempt to register on Concerto' };

// Posts a registration that must be refused with (status, code, field) and
// must not create an account.
async function refused(client, body, status, code, field) {
  const r = await client.post(ACCOUNTS, body, { csrf: false });
  assertError(r, status, code, field);
  if (typeof body.email === 'string' && body.email.includes('@')) {
    assert.equal(countAccounts(body.email), 0, `no account for a refused registration (${code} ${field})`);
  }
  return r;
}

// null for a required field: refused naming it (as missing or as invalid).
async function nullRefused(client, field) {
  const body = registration({ [field]: null });
  const r = await client.post(ACCOUNTS, body, { csrf: false });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json?.error?.field, field, r.text);
  assert.ok(['missing_field', 'invalid_field'].includes(r.json.error.code), r.text);
  assert.equal(countAccounts(body.email), 0);
}

test('a good registration answers 202 verification_sent and stores the account as given', async () => {
  const c = new Client();
  const { body, r } = await register(c, {
    email: `Mixed.Case-${suffix()}@Example.ORG`,
    profile: 'patient', health_data_consent: true, postcode: '97411',
    interests_declared: true, interests_text: 'Consultant pour un laboratoire (2019–2021) — « déclaré »',
    language: 'en',
  });
  assert.equal(r.status, 202, r.text);
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  assert.equal(r.json.status, 'verification_sent');
  assert.equal(r.headers.get('set-cookie'), null, 'registering does not sign in');

  const row = accountRow(body.email);
  assert.ok(row, 'the account is stored');
  assert.equal(row.email, body.email.toLowerCase(), 'the address is stored lower-case');
  assert.equal(row.pseudonym, body.pseudonym);
  assert.equal(row.role, 'participant');
  assert.equal(row.profile, 'patient');
  assert.equal(row.postcode, '97411');
  assert.equal(row.interests_declared, true);
  assert.equal(row.interests_text, body.interests_text);
  assert.equal(row.language, 'en');
  assert.ok(row.terms_version, 'the version of the accepted terms is recorded');
  assert.ok(row.terms_accepted_at, 'the time of acceptance is recorded');
  assert.ok(row.health_consent_version, 'the version of the health-data consent is recorded');
  assert.ok(row.health_consent_at, 'the time of the health-data consent is recorded');
  assert.equal(row.verified_at, null, 'not verified before the link is opened');
  assert.equal(row.deleted_at, null);
  assert.ok(!JSON.stringify(row).includes(body.password), 'the password is not stored in clear');
});

test('the password is stored as argon2id in encoded form with at least the OWASP parameters, and verifies', async () => {
  const c = new Client();
  const { body, r } = await register(c);
  assert.equal(r.status, 202, r.text);
  const hash = accountRow(body.email).password_hash;
  assert.ok(hash.startsWith('$argon2id$v=19$m='), `encoded argon2id: ${hash.slice(0, 40)}`);
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
  assert.ok(m, `the encoded form parses: ${hash.slice(0, 60)}`);
  assert.ok(Number(m[1]) >= 19456, `m=${m[1]} KiB >= 19456`);
  assert.ok(Number(m[2]) >= 2, `t=${m[2]} >= 2`);
  assert.equal(Number(m[3]), 1, 'p=1');
  assert.equal(Buffer.from(m[4], 'base64').length, 16, 'a 16-byte salt');
  assert.ok(Buffer.from(m[5], 'base64').length >= 16, 'a tag of at least 16 bytes');

  // A second account with the same password gets another salt.
  const { body: b2, r: r2 } = await register(c, { password: body.password });
  assert.equal(r2.status, 202, r2.text);
  const hash2 = accountRow(b2.email).password_hash;
  assert.notEqual(hash2.split('$')[4], m[4], 'salts are random');

  // argon2id_verify, where this Node has argon2 (crypto.argon2Sync, Node >= 24.7);
  // otherwise the sign-in below is what checks the hash against the password.
  const { default: crypto } = await import('node:crypto');
  if (typeof crypto.argon2Sync === 'function') {
    const tag = Buffer.from(m[5], 'base64');
    const out = crypto.argon2Sync('argon2id', {
      message: Buffer.from(body.password, 'utf8'), nonce: Buffer.from(m[4], 'base64'),
      parallelism: Number(m[3]), tagLength: tag.length, memory: Number(m[1]), passes: Number(m[2]),
    });
    assert.ok(out.equals(tag), 'the stored hash verifies with argon2id');
  }
  const s = await c.signIn(body.email, body.password);
  assert.equal(s.status, 200, `the stored hash verifies the password at sign-in: ${s.text}`);
});

test('a sign-in rehashes a password stored with other argon2id parameters', async () => {
  const params = (h) => /^\$argon2id\$v=19\$(m=\d+,t=\d+,p=\d+)\$/.exec(h)?.[1];
  const c = new Client();
  const ref = await register(c);
  const want = params(accountRow(ref.body.email).password_hash);
  assert.ok(want, 'the parameters of a fresh hash');
  const t = Number(/t=(\d+)/.exec(want)[1]) + 1;
  const u = { email: newEmail('rehash'), pseudonym: newPseudonym('Rehash'), password: newPassword() };
  const out = userAdd({ ...u, env: { CONCERTO_ARGON2_T: String(t) } });
  assert.equal(out.status, 0, out.stderr);
  const before = accountRow(u.email).password_hash;
  assert.equal(params(before), want.replace(/t=\d+/, `t=${t}`), 'stored with the other parameters');

  await c.mustSignIn(u.email, u.password);
  const after = accountRow(u.email).password_hash;
  assert.notEqual(after, before, 'rehashed at sign-in');
  assert.equal(params(after), want, 'with the parameters in force');
  await new Client(c.addr).mustSignIn(u.email, u.password);
  assert.equal(accountRow(u.email).password_hash, after, 'once');
});

test('a taken address gets exactly the same answer as a new one, and its owner a "someone tried" mail', async () => {
  const c = new Client();
  const first = await register(c, { language: 'en' });
  assert.equal(first.r.status, 202, first.r.text);
  const owner = accountRow(first.body.email);

  const fresh = await register(c);
  const again = await register(c, { email: first.body.email.toUpperCase() });
  assert.equal(again.r.status, fresh.r.status);
  assert.equal(again.r.status, 202);
  assert.equal(again.r.text, fresh.r.text, 'the bodies are byte for byte the same');
  for (const h of ['content-type', 'set-cookie', 'cache-control', 'location']) {
    assert.equal(again.r.headers.get(h), fresh.r.headers.get(h), `header ${h} is the same`);
  }

  // Nothing changed on the account; no second account.
  assert.equal(countAccounts(first.body.email), 1);
  const after = accountRow(first.body.email);
  assert.equal(after.id, owner.id);
  assert.equal(after.pseudonym, first.body.pseudonym, 'the pseudonym of the second attempt is not taken over');
  assert.equal(after.password_hash, owner.password_hash, 'the password is not changed');
  assert.equal(sql('SELECT id FROM accounts WHERE lower(pseudonym) = lower(:\'p\')', { p: again.body.pseudonym }).length, 0);

  // The owner hears of it, in the account's language, without a link.
  const mails = mailTo(first.body.email);
  const verify = mails.filter((m) => m.subject === VERIFY_SUBJECT.en);
  const tried = mails.filter((m) => m.subject === TAKEN_SUBJECT.en);
  assert.equal(verify.length, 1, `one verification mail: ${mails.map((m) => m.subject)}`);
  assert.equal(tried.length, 1, `one "attempt to register" mail: ${mails.map((m) => m.subject)}`);
  assert.ok(!/#verify=/.test(tried[0].body), 'the "attempt" mail carries no verification link');

  // In French for a French account.
  const fr = await register(c, { language: 'fr' });
  assert.equal(fr.r.status, 202);
  const frAgain = await register(c, { email: fr.body.email, language: 'en' });
  assert.equal(frAgain.r.text, fresh.r.text);
  const frMails = mailTo(fr.body.email);
  assert.deepEqual(frMails.map((m) => m.subject).sort(), [TAKEN_SUBJECT.fr, VERIFY_SUBJECT.fr].sort());
});

test('missing required fields: 400 missing_field naming each', async () => {
  const c = new Client();
  for (const f of ['email', 'password', 'pseudonym', 'profile', 'accept_terms']) {
    const body = registration();
    delete body[f];
    await refused(c, body, 400, 'missing_field', f);
  }
});

test('bad e-mail addresses: 400 invalid_field email', async () => {
  const c = new Client();
  for (const email of ['not-an-email', 'two@@example.org', `a b-${suffix()}@example.org`, '@example.org',
    `x-${suffix()}@example.`, `x-${suffix()}@.example.org`, `${'a'.repeat(250)}@example.org`, 42, true]) {
    await refused(c, registration({ email }), 400, 'invalid_field', 'email');
  }
  const empty = await c.post(ACCOUNTS, registration({ email: '' }), { csrf: false });
  assert.equal(empty.status, 400, empty.text);
  assert.equal(empty.json?.error?.field, 'email');
  await nullRefused(c, 'email');
});

test('weak passwords: 400 weak_password naming the password', async () => {
  const c = new Client();
  const local = `someone.long-${suffix()}`;
  const cases = [
    ['too short', registration({ password: secret('short-pw-11') })],
    ['eleven characters', registration({ password: 'é'.repeat(11) })],
    ['common', registration({ password: secret('password1234') })],
    ['common, other case', registration({ password: secret('PassWord1234') })],
    ['common digits', registration({ password: secret('123456789012') })],
    ['common French', registration({ password: secret('motdepasse12') })],
    ['the e-mail local part', registration({ email: `${local}@example.org`, password: secret(local) })],
    ['the pseudonym', (() => { const p = `Pseudo ${suffix()}x`; return registration({ pseudonym: p, password: secret(p) }); })()],
    ['over 1024 bytes (600 two-byte characters)', registration({ password: 'é'.repeat(600) })],
  ];
  for (const [what, body] of cases) {
    const r = await c.post(ACCOUNTS, body, { csrf: false });
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assertError(r, 400, 'weak_password', 'password');
    assert.equal(countAccounts(body.email), 0, `${what}: no account`);
  }
  // Longer than 1024 bytes in ASCII is refused too, naming the field.
  const long = await c.post(ACCOUNTS, registration({ password: 'x'.repeat(1025) }), { csrf: false });
  assert.equal(long.status, 400, long.text);
  assert.equal(long.json?.error?.field, 'password');
  assert.ok(['weak_password', 'invalid_field'].includes(long.json.error.code), long.text);

  // The limits themselves are fine: 12 characters, 1024 bytes.
  for (const password of [secret(`Ok-${suffix()}-1`.slice(0, 12)), secret(`${suffix()}${'y'.repeat(1014)}`)]) {
    const { r } = await register(c, { password });
    assert.equal(r.status, 202, `a ${password.length}-character password is accepted: ${r.text}`);
  }
  await refused(c, registration({ password: 123456789012345 }), 400, 'invalid_field', 'password');
});

test('pseudonyms: 3 to 40 characters, no control characters, unique without regard to case', async () => {
  const c = new Client();
  for (const pseudonym of ['ab', 'x'.repeat(41), `bell\u0007${suffix()}`, `new\nline ${suffix()}`, `tab\t${suffix()}`, `del\u007f${suffix()}`]) {
    await refused(c, registration({ pseudonym }), 400, 'invalid_field', 'pseudonym');
  }
  await refused(c, registration({ pseudonym: 12345 }), 400, 'invalid_field', 'pseudonym');

  const forty = `${suffix()}${'z'.repeat(30)}`;
  const ok = await register(c, { pseudonym: forty });
  assert.equal(ok.r.status, 202, ok.r.text);
  const three = await register(c, { pseudonym: `é${suffix().slice(0, 2)}` });
  assert.equal(three.r.status, 202, `three characters (non-ASCII) is enough: ${three.r.text}`);

  const taken = await register(c, { pseudonym: `Camille ${suffix()}` });
  assert.equal(taken.r.status, 202);
  for (const p of [taken.body.pseudonym, taken.body.pseudonym.toUpperCase(), taken.body.pseudonym.toLowerCase()]) {
    await refused(c, registration({ pseudonym: p }), 409, 'pseudonym_taken', 'pseudonym');
  }
});

test('profile, postcode, interests, language: bad values get 400 invalid_field naming them', async () => {
  const c = new Client();
  for (const profile of ['doctor', 'Patient', '', 3, true]) {
    await refused(c, registration({ profile }), 400, 'invalid_field', 'profile');
  }
  for (const postcode of ['7501', '750111', '7501A', ' 75011', '00100', '96100', '99000', 75011, '２０１００']) {
    await refused(c, registration({ postcode }), 400, 'invalid_field', 'postcode');
  }
  await refused(c, registration({ interests_declared: 'yes' }), 400, 'invalid_field', 'interests_declared');
  await refused(c, registration({ interests_declared: 1 }), 400, 'invalid_field', 'interests_declared');
  await refused(c, registration({ interests_text: 'x'.repeat(2001) }), 400, 'invalid_field', 'interests_text');
  await refused(c, registration({ interests_text: ['a'] }), 400, 'invalid_field', 'interests_text');
  // A NUL character: refused, as bad JSON or as a bad field.
  const nul = await c.post(ACCOUNTS, registration({ interests_text: 'nul\u0000byte' }), { csrf: false });
  assert.equal(nul.status, 400, nul.text);
  for (const language of ['de', 'FR', 'fr-FR', '', 1]) {
    await refused(c, registration({ language }), 400, 'invalid_field', 'language');
  }

  // Good values of each, including the edges.
  for (const postcode of ['01000', '20000', '95880', '97100', '98799', null]) {
    const { r } = await register(c, { postcode });
    assert.equal(r.status, 202, `postcode ${postcode}: ${r.text}`);
  }
  const { body, r } = await register(c, { postcode: undefined, interests_text: `${'w'.repeat(1990)}\nlast line`, language: undefined });
  assert.equal(r.status, 202, r.text);
  const row = accountRow(body.email);
  assert.equal(row.postcode, null, 'the postcode is optional');
  assert.equal(row.language, 'fr', 'French by default');
  assert.equal(row.interests_text.length, 2000, 'interests of 2000 characters with a line break are kept');
  for (const profile of ['citizen', 'health_professional', 'researcher', 'other']) {
    const x = await register(c, { profile });
    assert.equal(x.r.status, 202, `${profile}: ${x.r.text}`);
    assert.equal(accountRow(x.body.email).profile, profile);
  }
});

test('consent to the terms is required; health-data consent is required for patients and carers only', async () => {
  const c = new Client();
  await refused(c, registration({ accept_terms: false }), 400, 'consent_required', 'accept_terms');
  await refused(c, registration({ accept_terms: 'true' }), 400, 'invalid_field', 'accept_terms');
  await nullRefused(c, 'accept_terms');
  for (const profile of ['patient', 'carer']) {
    await refused(c, registration({ profile }), 400, 'consent_required', 'health_data_consent');
    await refused(c, registration({ profile, health_data_consent: false }), 400, 'consent_required', 'health_data_consent');
    await refused(c, registration({ profile, health_data_consent: 'yes' }), 400, 'invalid_field', 'health_data_consent');
    const { body, r } = await register(c, { profile, health_data_consent: true });
    assert.equal(r.status, 202, `${profile} with consent: ${r.text}`);
    const row = accountRow(body.email);
    assert.equal(row.profile, profile);
    assert.ok(row.health_consent_at && row.health_consent_version, 'the consent is recorded with its time and version');
  }
  const citizen = await register(c, { profile: 'citizen' });
  assert.equal(citizen.r.status, 202, citizen.r.text);
  assert.equal(accountRow(citizen.body.email).health_consent_at, null, 'no health-data consent recorded when not given');
});

test('unknown fields and bodies that are not an object are refused', async () => {
  const c = new Client();
  for (const f of ['role', 'verified', 'is_admin', 'Email']) {
    await refused(c, registration({ [f]: f === 'role' ? 'admin' : true }), 400, 'unknown_field', f);
  }
  for (const raw of ['[]', '"x"', '42', 'null', '{"email":']) {
    const r = await c.post(ACCOUNTS, undefined, { csrf: false, raw });
    assert.equal(r.status, 400, `${raw}: ${r.status} ${r.text}`);
    assert.ok(r.json?.error?.code, r.text);
  }
});

test('verification through the outbox: the link verifies once, then is refused', async () => {
  const c = new Client();
  const { body, r } = await register(c, { language: 'fr' });
  assert.equal(r.status, 202);

  // Unverified accounts can sign in, and see that they are not verified.
  const s = await c.signIn(body.email, body.password);
  assert.equal(s.status, 200, s.text);
  assert.equal((await c.me()).json.verified, false);

  const pending = sql('SELECT sent_at FROM outbox WHERE recipient = :\'e\'', { e: body.email });
  assert.equal(pending.length, 1, 'one outbox row');
  assert.equal(pending[0].sent_at, null, 'pending until concerto mail runs');

  const mails = mailTo(body.email);
  assert.equal(mails.length, 1, 'one message delivered');
  const m = mails[0];
  assert.equal(m.subject, VERIFY_SUBJECT.fr);
  assert.equal(m.headers.subject, VERIFY_SUBJECT.fr, 'an ASCII subject goes as it is');
  assert.match(m.headers['content-type'], /charset="?utf-8/i);
  assert.ok(m.body.includes(`${PUBLIC_URL}/account#verify=`), m.body);
  const token = linkToken(m.body, 'verify');
  assert.ok(sql('SELECT sent_at FROM outbox WHERE recipient = :\'e\'', { e: body.email })[0].sent_at, 'marked sent');
  assert.equal(mailTo(body.email).length, 1, 'a second run of concerto mail sends nothing again');

  // Stored hashed: the token's text is in no column of account_tokens
  // (compared here, not in SQL, to keep the token out of PostgreSQL's log).
  const t = sql(`SELECT encode(token_hash, 'hex') AS hex, purpose FROM account_tokens t
    JOIN accounts a ON a.id = t.account_id WHERE a.email = :'e'`, { e: body.email });
  assert.equal(t.length, 1);
  assert.equal(t[0].purpose, 'verify');
  assert.ok(!t[0].hex.includes(Buffer.from(token).toString('hex')), 'the token is not stored as is');
  assert.ok(t[0].hex.length >= 64, 'a hash of at least 256 bits');

  const bad = await c.post(VERIFY, { token: `${token.slice(0, 42)}${token[42] === 'A' ? 'B' : 'A'}` }, { csrf: false });
  assertError(bad, 400, 'invalid_token', 'token');

  const v = await c.post(VERIFY, { token }, { csrf: false });
  assert.equal(v.status, 200, v.text);
  assert.deepEqual(v.json, { status: 'verified' });
  assert.ok(accountRow(body.email).verified_at, 'verified_at is set');
  assert.equal((await c.me()).json.verified, true, 'the open session sees the verification');

  assertError(await c.post(VERIFY, { token }, { csrf: false }), 400, 'invalid_token', 'token');
  assertError(await c.post(VERIFY, { token: 'not-a-token' }, { csrf: false }), 400, 'invalid_token', 'token');
  assertError(await c.post(VERIFY, { token: secret(Buffer.alloc(32, 7).toString('base64url')) }, { csrf: false }), 400, 'invalid_token', 'token');
  assertError(await c.post(VERIFY, {}, { csrf: false }), 400, 'missing_field', 'token');
  assertError(await c.post(VERIFY, { token, extra: 1 }, { csrf: false }), 400, 'unknown_field', 'extra');
});

test('English accounts get English mail', async () => {
  const c = new Client();
  const { body } = await register(c, { language: 'en' });
  const mails = mailTo(body.email);
  assert.deepEqual(mails.map((m) => m.subject), [VERIFY_SUBJECT.en]);
  linkToken(mails[0].body, 'verify');
});

test('a verify token cannot reset a password, nor a reset token verify', async () => {
  const a = await newAccount({ verified: false, signIn: false });
  const verifyToken = outboxToken(a.email, 'verify');
  const r = await a.client.post(RESET_CONFIRM, { token: verifyToken, password: newPassword() }, { csrf: false });
  assertError(r, 400, 'invalid_token', 'token');
  assert.equal((await a.client.post(RESET, { email: a.email }, { csrf: false })).status, 202);
  const resetToken = outboxToken(a.email, 'reset');
  assertError(await a.client.post(VERIFY, { token: resetToken }, { csrf: false }), 400, 'invalid_token', 'token');
  // Both still work for their own purpose.
  assert.equal((await a.client.post(VERIFY, { token: verifyToken }, { csrf: false })).status, 200);
});

test('password reset: 202 for any address, a single-use link, every session ended', async () => {
  const a = await newAccount({ language: 'en' });
  const other = new Client();
  await other.mustSignIn(a.email, a.password);
  const oldCookie = a.client.cookie;

  // Unknown and known addresses get the same answer; only the known one gets mail.
  const unknown = newEmail('nobody');
  const u = await other.post(RESET, { email: unknown }, { csrf: false });
  const k = await other.post(RESET, { email: a.email.toUpperCase() }, { csrf: false });
  assert.equal(u.status, 202, u.text);
  assert.equal(k.status, 202, k.text);
  assert.equal(u.text, k.text, 'the same body for a known and an unknown address');
  assert.equal(sql('SELECT id FROM outbox WHERE recipient = lower(:\'e\')', { e: unknown }).length, 0, 'no mail to an unknown address');

  const mails = mailTo(a.email).filter((m) => m.subject === 'New password for Concerto');
  assert.equal(mails.length, 1, 'one reset mail, in English');
  const token = linkToken(mails[0].body, 'reset');

  // A weak new password is refused and leaves the token usable.
  for (const password of [secret('password1234'), secret('short-pw')]) {
    assertError(await other.post(RESET_CONFIRM, { token, password }, { csrf: false }), 400, 'weak_password', 'password');
  }
  assertError(await other.post(RESET_CONFIRM, { token: 'x'.repeat(43), password: newPassword() }, { csrf: false }), 400, 'invalid_token', 'token');

  const fresh = newPassword();
  const ok = await other.post(RESET_CONFIRM, { token, password: fresh }, { csrf: false });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { status: 'password_changed' });

  // Every session of the account is over, the one used to ask included.
  for (const c of [a.client, other]) assertError(await c.me(), 401, 'authentication_required');
  assert.equal(sql('SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = :\'e\'', { e: a.email }).length, 0);
  const replay = new Client(a.client.addr);
  replay.cookie = oldCookie;
  assertError(await replay.me(), 401, 'authentication_required');

  // Single use; the old password is gone, the new one works.
  assertError(await other.post(RESET_CONFIRM, { token, password: newPassword() }, { csrf: false }), 400, 'invalid_token', 'token');
  const old = await new Client(a.client.addr).signIn(a.email, a.password);
  assertError(old, 401, 'invalid_credentials');
  await new Client(a.client.addr).mustSignIn(a.email, fresh);
});

test('password reset mails are limited to 3 an hour per account', async () => {
  const a = await newAccount({ signIn: false });
  for (let i = 0; i < 5; i++) {
    const r = await a.client.post(RESET, { email: a.email }, { csrf: false });
    assert.equal(r.status, 202, `request ${i + 1} answers 202 all the same: ${r.text}`);
  }
  const rows = sql('SELECT id FROM outbox WHERE recipient = :\'e\' AND kind = \'reset\'', { e: a.email });
  assert.equal(rows.length, 3, 'three reset mails, not five');
});

test('password reset refuses bad input', async () => {
  const c = new Client();
  assertError(await c.post(RESET, {}, { csrf: false }), 400, 'missing_field', 'email');
  assertError(await c.post(RESET, { email: 'nope' }, { csrf: false }), 400, 'invalid_field', 'email');
  assertError(await c.post(RESET, { email: newEmail(), x: 1 }, { csrf: false }), 400, 'unknown_field', 'x');
  assertError(await c.post(RESET_CONFIRM, { password: newPassword() }, { csrf: false }), 400, 'missing_field', 'token');
  assertError(await c.post(RESET_CONFIRM, { token: 'x'.repeat(43) }, { csrf: false }), 400, 'missing_field', 'password');
});

test('an address is one account whatever its case: sign-in and reset ignore case', async () => {
  const c = new Client();
  const email = `Case.Test-${suffix()}@Example.Org`;
  const { body, r } = await register(c, { email });
  assert.equal(r.status, 202);
  assert.equal(accountRow(email).email, email.toLowerCase());
  const s = await c.signIn(email.toUpperCase(), body.password);
  assert.equal(s.status, 200, s.text);
  const t = await new Client(c.addr).signIn(email.toLowerCase(), body.password);
  assert.equal(t.status, 200, t.text);
});

test('registration answers in the same time whether the address is taken or not', async () => {
  // Both paths hash the password: a taken address must not answer in a
  // fraction of the time of a new one.  Medians of a few tries each.
  const c = new Client(newNet().addr());
  const taken = await register(c);
  assert.equal(taken.r.status, 202);
  const time = async (body) => { const t0 = process.hrtime.bigint(); const r = await c.post(ACCOUNTS, body, { csrf: false }); assert.equal(r.status, 202); return Number(process.hrtime.bigint() - t0) / 1e6; };
  const med = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const tNew = [];
  const tTaken = [];
  for (let i = 0; i < 5; i++) {
    tNew.push(await time(registration()));
    tTaken.push(await time(registration({ email: taken.body.email })));
  }
  const n = med(tNew);
  const k = med(tTaken);
  assert.ok(k > n * 0.5 && k < n * 2 + 50, `median ${k.toFixed(1)} ms (taken) vs ${n.toFixed(1)} ms (new)`);
});

test('no password, token or client address of this file reaches the logs', async () => {
  deliverMail(); // leaves nothing pending for the next file
  await sleep(1500); // nginx flushes its access log every second
  const leaks = leaksInLogs();
  assert.deepEqual(leaks, [], `found in the logs: ${JSON.stringify(leaks.slice(0, 10))}`);
});

// Beyond the list, but personal data all the same: a registration
// with a taken address must not write that address into a log (PostgreSQL
// logs the DETAIL of a unique violation, "Key (email)=(...) already exists").
test('no e-mail address of this file reaches the logs', { todo: 'PostgreSQL logs the address of a duplicate registration' }, () => {
  const found = emailsInLogs();
  assert.deepEqual(found, [], `found in the logs: ${JSON.stringify(found.slice(0, 5))}`);
});
