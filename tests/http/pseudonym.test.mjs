// SPDX-License-Identifier: AGPL-3.0-or-later
// Pseudonyms that imitate staff (security issue, item 12): registration,
// PATCH /api/v1/me and `concerto user add` store the normalised form (NFKC,
// trimmed, runs of spaces one space), refuse format and control characters
// and invisible-only names, refuse a participant's pseudonym whose
// confusable skeleton is made of reserved names or staff pseudonyms, and
// refuse a look-alike of any account's; a suspended account cannot rename
// itself.  The length limits apply to the stored form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ME } from './lib/paths.mjs';
import { sleep, suffix } from './lib/util.mjs';
import { Client } from './lib/client.mjs';
import { assertError } from './lib/assert.mjs';
import { accountRow, concerto, countAccounts, sqlExec } from './lib/db.mjs';
import { leaksInLogs } from './lib/logs.mjs';
import { newAccount, newEmail, newPassword, newPseudonym, newStaff, register, userAdd } from './lib/accounts.mjs';

// The examples of the issue, each with the refusal it must get.
const ISSUE = [
  ['Moderation\u200b', 400, 'invalid_field'],
  ['M\u043ederation', 409, 'pseudonym_reserved'], // Cyrillic о
  [' Moderation', 409, 'pseudonym_reserved'],
  ['Admin\u00a0Concerto', 409, 'pseudonym_reserved'],
  ['\u202eAdmin', 400, 'invalid_field'],
  ['\u200b\u200b\u200b', 400, 'invalid_field'],
];

// More disguises of the same names.
const DISGUISES = [
  ['MODÉRATION', 409, 'pseudonym_reserved'],
  ['AdminConcerto', 409, 'pseudonym_reserved'],
  ['Équipe  Concerto', 409, 'pseudonym_reserved'],
  ['\uff21\uff44\uff4d\uff49\uff4e', 409, 'pseudonym_reserved'], // fullwidth
  ['Adm1n', 409, 'pseudonym_reserved'],
  ['Cancéropôle Île-de-France', 409, 'pseudonym_reserved'],
  ['Mod\u200deration', 400, 'invalid_field'], // ZWJ
  ['Anne\u00adMarie', 400, 'invalid_field'], // soft hyphen
  ['\u3164\u3164\u3164', 400, 'invalid_field'], // Hangul fillers
  ['...', 400, 'invalid_field'],
];

async function registrationRefused(pseudonym, status, code) {
  const c = new Client();
  const { body, r } = await register(c, { pseudonym });
  assertError(r, status, code, 'pseudonym');
  assert.equal(countAccounts(body.email), 0, `no account for ${JSON.stringify(pseudonym)}`);
}

test('registration refuses every example of the issue', async () => {
  for (const [p, status, code] of ISSUE) await registrationRefused(p, status, code);
});

test('registration refuses other disguises of staff names and invisible characters', async () => {
  for (const [p, status, code] of DISGUISES) await registrationRefused(p, status, code);
});

test('registration stores an accented name with its accents and one space: "Élodie  Martin" is "Élodie Martin"', async () => {
  const { body, r } = await register(new Client(), { pseudonym: 'Élodie  Martin' });
  assert.equal(r.status, 202, r.text);
  assert.equal(accountRow(body.email).pseudonym, 'Élodie Martin');
});

test('registration stores the NFKC form, trimmed, runs of Unicode spaces joined', async () => {
  const s = suffix();
  const { body, r } = await register(new Client(), { pseudonym: `\u00a0Zo\u0065\u0301\u2003\u3000Durand ${s} ` });
  assert.equal(r.status, 202, r.text);
  assert.equal(accountRow(body.email).pseudonym, `Zo\u00e9 Durand ${s}`);
});

test('registration: the length limits (3 to 40 characters) apply to the stored form', async () => {
  await registrationRefused('x'.repeat(41), 400, 'invalid_field');
  await registrationRefused('  ab  ', 400, 'invalid_field'); // two kept
  await registrationRefused('\ufdfa\ufdfa\ufdfa', 400, 'invalid_field'); // 54 once NFKC
  const forty = `F${suffix()}`.padEnd(40, 'y');
  const { body, r } = await register(new Client(), { pseudonym: ` ${forty.slice(0, 38)} ` });
  assert.equal(r.status, 202, r.text);
  assert.equal(accountRow(body.email).pseudonym, forty.slice(0, 38));
  const full = await register(new Client(), { pseudonym: forty.replace(/^F/, 'G') });
  assert.equal(full.r.status, 202, full.r.text);
});

test('a look-alike of a participant\'s pseudonym is taken: "Marie" blocks "Mаrie" (Cyrillic а)', async () => {
  const s = suffix();
  const first = await register(new Client(), { pseudonym: `Marie ${s}` });
  assert.equal(first.r.status, 202, first.r.text);
  for (const p of [`M\u0430rie ${s}`, `MARIE ${s}`, `Marie${s}`, `Marie  ${s}`, `Márie ${s}`]) {
    await registrationRefused(p, 409, 'pseudonym_taken');
  }
  const row = accountRow(first.body.email);
  assert.ok(row.pseudonym_skeleton, 'the key is stored with the pseudonym');
});

test('a participant cannot take a look-alike of a moderator\'s or admin\'s pseudonym', async () => {
  const s = suffix();
  newStaff('moderator', `Eve ${s}`);
  newStaff('admin', `Ada ${s}`);
  for (const p of [`Ev\u0435 ${s}`, `Eve${s}`, `EVE ${s}`, `Ada ${s} (Concerto)`, `\u0410da ${s}`]) {
    await registrationRefused(p, 409, 'pseudonym_reserved');
  }
  const ok = await register(new Client(), { pseudonym: `Eve ${s} Martin` });
  assert.equal(ok.r.status, 202, `a name holding a staff name among others: ${ok.r.text}`);
});

test('PATCH /me refuses every example of the issue and other disguises, and changes nothing', async () => {
  const a = await newAccount();
  for (const [p, status, code] of [...ISSUE, ...DISGUISES]) {
    assertError(await a.client.patch(ME, { pseudonym: p }), status, code, 'pseudonym');
  }
  assert.equal((await a.client.me()).json.pseudonym, a.pseudonym);
});

test('PATCH /me stores the normalised form: "Élodie  Martin …" keeps its accents, loses the double space', async () => {
  const a = await newAccount();
  const s = suffix();
  const r = await a.client.patch(ME, { pseudonym: ` Élodie  Martin\u00a0${s} ` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.pseudonym, `Élodie Martin ${s}`);
  assert.equal(accountRow(a.email).pseudonym, `Élodie Martin ${s}`);
});

test('PATCH /me: the length limits apply to the stored form', async () => {
  const a = await newAccount();
  for (const p of ['x'.repeat(41), '  ab  ', '\ufdfa\ufdfa\ufdfa']) {
    assertError(await a.client.patch(ME, { pseudonym: p }), 400, 'invalid_field', 'pseudonym');
  }
  const forty = `H${suffix()}`.padEnd(40, 'z');
  const r = await a.client.patch(ME, { pseudonym: forty });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.pseudonym, forty);
});

test('PATCH /me refuses a look-alike of another account\'s pseudonym, keeps one\'s own, and frees the old key', async () => {
  const a = await newAccount();
  const b = await newAccount();
  const lookalike = b.pseudonym.replace('P', '\u0420'); // Cyrillic Р
  assertError(await a.client.patch(ME, { pseudonym: lookalike }), 409, 'pseudonym_taken', 'pseudonym');
  const same = await a.client.patch(ME, { pseudonym: a.pseudonym, language: 'en' });
  assert.equal(same.status, 200, same.text);
  const renamed = `Renamed ${suffix()}`;
  const r = await a.client.patch(ME, { pseudonym: renamed });
  assert.equal(r.status, 200, r.text);
  // a's old pseudonym, and its look-alikes, are free again.
  const c = await register(new Client(), { pseudonym: a.pseudonym.replace('P', '\u0420') });
  assert.equal(c.r.status, 202, c.r.text);
});

test('a suspended account cannot change its pseudonym, but may keep it and change the rest', async () => {
  const a = await newAccount();
  const id = accountRow(a.email).id;
  sqlExec('UPDATE accounts SET suspended_until = now() + interval \'1 day\' WHERE id = :id', { id });
  assertError(await a.client.patch(ME, { pseudonym: newPseudonym('Evasion') }), 403, 'account_suspended', 'pseudonym');
  assert.equal(accountRow(a.email).pseudonym, a.pseudonym);
  const rest = await a.client.patch(ME, { pseudonym: a.pseudonym, language: 'en' });
  assert.equal(rest.status, 200, rest.text);
  assert.equal(rest.json.language, 'en');
  sqlExec('UPDATE accounts SET suspended_until = now() - interval \'1 second\' WHERE id = :id', { id });
  const after = await a.client.patch(ME, { pseudonym: newPseudonym('Back') });
  assert.equal(after.status, 200, `once the suspension is over: ${after.text}`);
});

test('staff may keep and rename to staff-like names through PATCH /me', async () => {
  const s = suffix();
  const m = newStaff('moderator', `Moderation ${s}`);
  const c = new Client();
  const r = await c.signIn(m.email, m.password);
  assert.equal(r.status, 200, r.text);
  const p = await c.patch(ME, { pseudonym: `Modération ${s}` });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.pseudonym, `Modération ${s}`);
});

test('concerto user add normalises, refuses invisible characters, and keeps reserved names for staff', () => {
  const s = suffix();
  const bad = userAdd({ email: newEmail('cli'), role: 'moderator', pseudonym: `Mod\u200b ${s}`, password: newPassword() });
  assert.equal(bad.status, 2, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stderr, /invisible|format/);
  const staff = newStaff('moderator', ` Support  ${s} `);
  assert.equal(accountRow(staff.email).pseudonym, `Support ${s}`);
  const admin = newStaff('admin', `Administrateur${s}`);
  assert.equal(accountRow(admin.email).pseudonym, `Administrateur${s}`);
  // A participant made with the command line follows the participants' rules.
  const p = userAdd({ email: newEmail('cli'), role: 'participant', pseudonym: 'Moderation', password: newPassword() });
  assert.equal(p.status, 1, `${p.stdout}\n${p.stderr}`);
  assert.match(p.stderr, /mistaken/);
  const look = userAdd({ email: newEmail('cli'), role: 'participant', pseudonym: `Supp\u043ert ${s}`, password: newPassword() });
  assert.equal(look.status, 1, `${look.stdout}\n${look.stderr}`);
});

test('concerto migrate keys the accounts without a key, and leaves a look-alike of an older one without', async () => {
  const s = suffix();
  const older = await register(new Client(), { pseudonym: `Nadia ${s}` });
  const newer = await register(new Client(), { pseudonym: `Other ${s}` });
  assert.equal(older.r.status, 202, older.r.text);
  assert.equal(newer.r.status, 202, newer.r.text);
  const [a, b] = [accountRow(older.body.email), accountRow(newer.body.email)];
  // As the accounts from before sql/009_pseudonym.sql: no key, and (for b)
  // a look-alike that nothing refused then.  A pseudonym changed without
  // its key loses it.
  sqlExec('UPDATE accounts SET pseudonym_skeleton = NULL WHERE id = :id', { id: a.id });
  sqlExec('UPDATE accounts SET pseudonym = :\'p\' WHERE id = :id', { id: b.id, p: `N\u0430dia ${s}` });
  assert.equal(accountRow(newer.body.email).pseudonym_skeleton, null, 'the renamed account lost its key');
  const m = concerto(['migrate']);
  assert.equal(m.status, 0, `${m.stdout}\n${m.stderr}`);
  assert.equal(accountRow(older.body.email).pseudonym_skeleton, a.pseudonym_skeleton, 'the older account has its key again');
  assert.equal(accountRow(newer.body.email).pseudonym_skeleton, null, 'the look-alike has none');
  assert.match(m.stderr, new RegExp(`account ${b.id}: its pseudonym looks like another account's`));
  const again = concerto(['migrate']);
  assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
  await registrationRefused(`Nadia ${s}`, 409, 'pseudonym_taken');
});

test('no password, token or client address of this file reaches the logs', async () => {
  await sleep(1500); // nginx flushes its access log every second
  const leaks = leaksInLogs();
  assert.deepEqual(leaks, [], `found in the logs: ${JSON.stringify(leaks.slice(0, 10))}`);
});
