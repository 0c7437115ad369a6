// SPDX-License-Identifier: AGPL-3.0-or-later
// The account pages (issue 12): register (keyboard, labels, the separate
// health-data consent, errors from the catalogue), the e-mail's verify
// link, sign-in (with the team's second factor: a code, or the enrolment
// shown once), the reset link, my account (language, consents, password,
// export, sign out everywhere, delete), a session that ends mid-form, and
// notifications (paged, marked read, the header's count).  Each state is
// checked with axe, in French and English where cheap, and at 320 px.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE } from '../http/lib/paths.mjs';
import { Client, newNet } from '../http/lib/client.mjs';
import { accountRow, concerto, outboxToken, sql, sqlExec } from '../http/lib/db.mjs';
import { secret } from '../http/lib/logs.mjs';
import { newAccount, newEmail, newPassword, newPseudonym, totp, userAdd } from '../http/lib/accounts.mjs';
import {
  I18N, assertAccessible, assertNoHorizontalScroll, assertNoProblems, closeBrowser, newPage, open, shot, signIn,
} from './lib.mjs';

after(closeBrowser);

const { fr, en } = I18N;
const cat = I18N;

// A page speaking from a network of its own (the sign-in throttle and the
// hashing budget count per network).
async function fresh(opts = {}) {
  const page = await newPage(opts);
  const addr = newNet().addr();
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': addr });
  page.addr = addr;
  return page;
}

const errorNear = (page, name) => page.locator(`.field:has([name="${name}"]) .field-error`);
const text = async (loc) => (await loc.innerText()).replace(/^⚠\s*/, '').trim();

// What the focused element is: its name, or its text.
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e.name || e.getAttribute('href') || e.textContent.trim();
});

async function fillRegistration(page, { email, password, pseudonym, profile }) {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=pseudonym]', pseudonym);
  await page.check(`input[name=profile][value=${profile}]`);
}

async function signInThroughPage(page, email, password) {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.locator('form button[type=submit]').click();
}

test('register through the page by keyboard, the e-mail link verifies, sign-in through the page shows My account', async () => {
  const page = await fresh({ lang: 'fr' });
  await open(page, '/register');
  // Every control is labelled; the policy and the public pseudonym are said up front.
  for (const [name, key] of [['email', 'account.email'], ['password', 'account.password'], ['pseudonym', 'account.pseudonym'], ['postcode', 'account.postcode'], ['language', 'account.language']]) {
    const id = await page.getAttribute(`[name=${name}]`, 'id');
    assert.ok((await page.innerText(`label[for="${id}"]`)).startsWith(fr[key]), `${name} is labelled "${fr[key]}"`);
  }
  assert.ok((await page.innerText('main')).includes(fr['account.password_policy']), 'the password policy is said before typing');
  assert.ok((await page.innerText('main')).includes(fr['account.pseudonym_hint'].replace('{min}', '3').replace('{max}', '40')), 'the pseudonym is said public, with its limits from the API');
  assert.equal(await page.locator('input[name=profile]').count(), 6, 'the six profiles of the API');
  assert.ok(await page.locator('input[name=health_data_consent]').isHidden(), 'no health consent asked for no health profile');

  // The Tab order follows the page.
  await page.focus('input[name=email]');
  const order = [await focused(page)];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    order.push(await focused(page));
  }
  assert.deepEqual(order, ['email', 'password', fr['account.show_password'], 'pseudonym', 'profile', 'postcode', 'language',
    'interests_declared', 'accept_terms', '/privacy', fr['register.submit']]);

  // Filled by keyboard.
  const email = newEmail('web');
  const password = newPassword();
  const pseudonym = newPseudonym('Web');
  await page.focus('input[name=email]');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // show the password
  assert.equal(await page.getAttribute('input[name=password]', 'type'), 'text', 'the password can be shown');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('input[name=password]', 'type'), 'password', 'and hidden again');
  await page.keyboard.press('Tab');
  await page.keyboard.type(pseudonym);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // the radios: patient -> carer
  await page.keyboard.press('ArrowDown'); // -> citizen
  assert.equal(await page.locator('input[name=profile]:checked').getAttribute('value'), 'citizen');
  await page.keyboard.press('Tab');
  await page.keyboard.type('75011');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // the terms
  assert.ok(await page.isChecked('input[name=accept_terms]'));
  await assertAccessible(page, 'register filled (fr)');
  await shot(page, 'accounts-register-filled-fr');
  await page.locator('form button[type=submit]').click();
  await page.getByRole('heading', { name: fr['register.sent_title'] }).waitFor();
  assert.ok((await page.innerText('main')).includes(fr['register.sent'].replace('{email}', email)));
  await assertAccessible(page, 'register sent (fr)');
  await shot(page, 'accounts-register-sent-fr');
  const row = accountRow(email);
  assert.equal(row.pseudonym, pseudonym);
  assert.equal(row.profile, 'citizen');
  assert.equal(row.postcode, '75011');
  assert.equal(row.verified_at, null, 'not verified before the link');

  // The e-mail's link.
  const token = outboxToken(email, 'verify');
  await open(page, `/account.html#verify=${token}`);
  await page.getByRole('heading', { name: fr['account.verified_title'] }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
  assert.ok(accountRow(email).verified_at, 'verified');
  await assertAccessible(page, 'verified (fr)');
  await shot(page, 'accounts-verified-fr');
  // The same link again is refused in words.
  await open(page, '/404.html');
  await open(page, `/account.html#verify=${token}`);
  const refused = await page.innerText('main');
  assert.ok(refused.includes(fr['error.invalid_token']), refused);

  // Sign in through the page, back to where it was asked.
  await open(page, '/signin?next=%2Faccount');
  await signInThroughPage(page, email, password);
  await page.waitForURL(`${BASE}/account`);
  await page.waitForSelector('main[aria-busy="false"]');
  await page.locator('#site-header a[href="/account"]', { hasText: fr['layout.my_account'] }).waitFor();
  assert.ok((await page.innerText('main')).includes(pseudonym));
  assertNoProblems(page);
  await page.context().close();
});

test('a health profile without its consent is refused next to the consent, in English, never in the server\'s words', async () => {
  const page = await fresh({ lang: 'en' });
  await open(page, '/register');
  const email = newEmail('web');
  await fillRegistration(page, { email, password: 'short', pseudonym: newPseudonym('Web'), profile: 'patient' });
  const box = page.locator('.consent-box');
  assert.ok(await box.isVisible(), 'the consent appears with the patient profile');
  const explained = await box.innerText();
  for (const k of ['account.health_why', 'account.health_use', 'account.health_withdraw']) assert.ok(explained.includes(en[k]), `explained: ${k}`);
  await page.check('input[name=accept_terms]');
  await page.locator('form button[type=submit]').click();

  // The consents are checked first, then the password.
  await errorNear(page, 'health_data_consent').waitFor();
  assert.equal(await text(errorNear(page, 'health_data_consent')), en['account.error.health_data_consent.consent_required']);
  assert.equal(await page.getAttribute('input[name=health_data_consent]', 'aria-invalid'), 'true');
  assert.equal(await focused(page), 'health_data_consent', 'the focus goes to the consent');
  assert.ok(!(await page.innerText('main')).includes('consent to their processing'), 'not the server\'s English');
  await assertAccessible(page, 'register consent refused (en)');
  await shot(page, 'accounts-register-consent-refused-en');

  // Then the weak password, in the catalogue's words.
  await page.check('input[name=health_data_consent]');
  await page.locator('form button[type=submit]').click();
  await errorNear(page, 'password').waitFor();
  assert.equal(await text(errorNear(page, 'password')), en['error.weak_password']);
  assert.ok(!(await page.innerText('main')).includes('Choose a password of at least 12 characters.'));
  assert.equal(await page.locator('.field-error').count(), 1, 'the consent error is gone');
  await assertAccessible(page, 'register weak password (en)');

  // A postcode that is not one, said next to it in plain words.
  await page.fill('input[name=password]', newPassword());
  await page.fill('input[name=postcode]', '99999');
  await page.locator('form button[type=submit]').click();
  await errorNear(page, 'postcode').waitFor();
  assert.equal(await text(errorNear(page, 'postcode')), en['account.error.postcode.invalid_field']);
  await page.fill('input[name=postcode]', '');
  await page.locator('form button[type=submit]').click();
  await page.getByRole('heading', { name: en['register.sent_title'] }).waitFor();
  const row = accountRow(email);
  assert.equal(row.profile, 'patient');
  assert.ok(row.health_consent_at, 'the health consent is recorded');
  assertNoProblems(page);
  await page.context().close();
});

test('sign-in errors in the page\'s language; ?next= only goes to this site', async () => {
  const acct = await newAccount({ signIn: false });
  for (const lang of ['fr', 'en']) {
    const page = await fresh({ lang });
    await open(page, '/signin');
    await signInThroughPage(page, acct.email, `${acct.password}-wrong`);
    const err = page.locator('form .form-error');
    await err.waitFor();
    assert.equal(await text(err), cat[lang]['error.invalid_credentials']);
    assert.equal(await page.evaluate(() => document.activeElement.className), 'form-error', 'the error takes the focus');
    await assertAccessible(page, `sign-in refused (${lang})`);
    await shot(page, `accounts-signin-refused-${lang}`);
    assertNoProblems(page);
    await page.context().close();
  }
  const page = await fresh({ lang: 'fr' });
  await open(page, `/signin?next=${encodeURIComponent('//example.org/x')}`);
  await signInThroughPage(page, acct.email, acct.password);
  await page.waitForURL(`${BASE}/`);
  assert.equal(new URL(page.url()).origin, new URL(BASE).origin, 'not sent to another site');
  await page.context().close();
});

test('a team account signs in with its code (a wrong one refused), and a first sign-in shows the enrolment once', async () => {
  const s = { email: newEmail('mod'), pseudonym: newPseudonym('Mod'), password: newPassword(), role: 'moderator' };
  const out = userAdd(s);
  assert.equal(out.status, 0, out.stderr);
  const page = await fresh({ lang: 'en' });
  await open(page, '/signin?next=%2Faccount');
  await signInThroughPage(page, s.email, s.password);
  await page.getByRole('heading', { name: en['signin.second_title'] }).waitFor();
  assert.equal(await page.getAttribute('input[name=totp]', 'autocomplete'), 'one-time-code');
  await assertAccessible(page, 'second factor (en)');
  await shot(page, 'accounts-signin-code-en');
  const good = totp(out.totpSecret);
  await page.fill('input[name=totp]', String((Number(good) + 1) % 1e6).padStart(6, '0'));
  await page.locator('form button[type=submit]').click();
  await errorNear(page, 'totp').waitFor();
  assert.equal(await text(errorNear(page, 'totp')), en['error.invalid_second_factor']);
  await page.fill('input[name=totp]', totp(out.totpSecret));
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(`${BASE}/account`, { timeout: 10000 }).catch(async (e) => { throw new Error(`${e.message}\n${await page.innerText('main')}`); });
  await page.waitForSelector('main[aria-busy="false"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr', 'signed in, the page follows the account\'s language');
  // The new CSRF token is the one kept: a write works.
  await page.locator('#profile-form button[type=submit]').click();
  await page.locator('#profile-status', { hasText: fr['form.saved'] }).waitFor();
  const sessions = sql('SELECT second_factor FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = lower(:\'e\')', { e: s.email });
  assert.deepEqual(sessions.map((x) => x.second_factor), [true], 'one session, with its second factor');
  assertNoProblems(page);
  await page.context().close();

  // A participant made moderator: enrolled at the next sign-in.
  const p = await newAccount({ signIn: false, language: 'fr' });
  assert.equal(concerto(['user', 'role', '--email', p.email, '--role', 'moderator']).status, 0);
  const page2 = await fresh({ lang: 'fr' });
  await open(page2, '/signin?next=%2Faccount');
  await signInThroughPage(page2, p.email, p.password);
  await page2.getByRole('heading', { name: fr['signin.enrol_title'] }).waitFor();
  assert.ok((await page2.innerText('main')).includes(fr['signin.codes_intro']), '"write these down"');
  assert.equal(await page2.locator('ol.codes li').count(), 10, 'the ten recovery codes');
  const key = secret((await page2.innerText('code.secret')).replace(/\s+/g, ''));
  assert.match(await page2.getAttribute('a[href^="otpauth://"]', 'href'), new RegExp(`secret=${key}`));
  await assertAccessible(page2, 'enrolment (fr)');
  await page2.setViewportSize({ width: 320, height: 640 });
  await assertNoHorizontalScroll(page2, 'enrolment at 320 px');
  await shot(page2, 'accounts-signin-enrol-fr-320');
  await page2.fill('input[name=totp]', totp(key));
  await page2.locator('form button[type=submit]').click();
  await page2.waitForURL(`${BASE}/account`);
  const me = await page2.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.second_factor_enabled, true, 'the enrolment is confirmed');
  assertNoProblems(page2);
  await page2.context().close();
});

test('reset by the e-mail link: a new password, then sign in with it', async () => {
  const acct = await newAccount({ signIn: false });
  const page = await fresh({ lang: 'fr' });
  await open(page, '/reset');
  await page.fill('input[name=email]', acct.email);
  await page.locator('form button[type=submit]').click();
  await page.getByRole('heading', { name: fr['reset.sent_title'] }).waitFor();
  assert.ok((await page.innerText('main')).includes(fr['reset.sent']));
  await assertAccessible(page, 'reset sent (fr)');
  let token;
  for (let i = 0; i < 50 && !token; i++) {
    try { token = outboxToken(acct.email, 'reset'); } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  assert.ok(token, 'a reset link in the outbox');
  await page.goto(`/account.html#reset=${token}`);
  await page.waitForURL(/\/reset$/);
  await page.waitForSelector('main[aria-busy="false"]');
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
  await page.fill('input[name=password]', 'court');
  await page.locator('form button[type=submit]').click();
  await errorNear(page, 'password').waitFor();
  assert.equal(await text(errorNear(page, 'password')), fr['error.weak_password']);
  const fresh1 = newPassword();
  await page.fill('input[name=password]', fresh1);
  await page.locator('form button[type=submit]').click();
  await page.getByRole('heading', { name: fr['reset.done_title'] }).waitFor();
  await assertAccessible(page, 'reset done (fr)');
  await shot(page, 'accounts-reset-done-fr');
  await page.locator('#page').getByRole('link', { name: fr['reset.sign_in'] }).click();
  await page.waitForSelector('main[aria-busy="false"]');
  await signInThroughPage(page, acct.email, fresh1);
  await page.waitForURL(`${BASE}/`);
  assert.equal((await new Client().signIn(acct.email, acct.password)).status, 401, 'the old password is gone');
  assertNoProblems(page);
  await page.context().close();
});

test('my account: withdraw and give again the health consent, change the language (the page follows)', async () => {
  const acct = await newAccount({ signIn: false, profile: 'patient', health_data_consent: true });
  const page = await fresh({ lang: 'fr' });
  await open(page, '/404.html');
  await signIn(page, acct);
  await open(page, '/account');
  const consents = page.locator('#consents');
  assert.ok((await consents.innerText()).includes(fr['account.health_given'].split('{')[0]), 'the consent is given, with its date');
  assert.ok((await consents.innerText()).includes(fr['account.withdraw_moves'].replace('{profile}', fr['account.profile.patient']).replace('{other}', fr['account.profile.other'])));
  assert.ok((await consents.innerText()).includes(fr['account.terms_accepted'].split('{')[0]), 'the terms, with their date');
  await assertAccessible(page, 'my account (fr)');
  await shot(page, 'accounts-account-fr');

  await consents.getByRole('button', { name: fr['account.withdraw'] }).click();
  await page.locator('#consents-status', { hasText: fr['account.withdrawn_done'] }).waitFor();
  assert.ok((await page.innerText('#consents')).includes(fr['account.health_revoked'].split('{')[0]));
  assert.equal(await page.locator('input[name=profile]:checked').getAttribute('value'), 'other', 'the profile moved to "other"');
  let row = accountRow(acct.email);
  assert.equal(row.profile, 'other');
  assert.equal(row.health_consent_at, null);
  assert.ok(row.health_consent_revoked_at);
  await assertAccessible(page, 'consent withdrawn (fr)');

  await page.locator('#consents').getByRole('button', { name: fr['account.give_again'] }).click();
  await page.locator('#consents-status', { hasText: fr['account.given_done'] }).waitFor();
  assert.ok(accountRow(acct.email).health_consent_at, 'given again');

  // The language: the page comes back in English.
  await page.selectOption('select[name=language]', 'en');
  await page.locator('#profile-form button[type=submit]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('main[aria-busy="false"]'));
  assert.equal(await page.innerText('h1'), en['account.title']);
  await page.locator('#profile-status', { hasText: en['form.saved'] }).waitFor();
  row = accountRow(acct.email);
  assert.equal(row.language, 'en');
  await assertAccessible(page, 'my account (en)');
  await page.setViewportSize({ width: 320, height: 640 });
  await assertNoHorizontalScroll(page, 'my account at 320 px');
  await shot(page, 'accounts-account-en-320');
  assertNoProblems(page);
  await page.context().close();
});

test('my account: change the password, export downloads a JSON file, an old sign-in is asked to sign in again', async () => {
  const acct = await newAccount({ signIn: false, language: 'en' });
  const page = await fresh({ lang: 'en' });
  await open(page, '/404.html');
  await signIn(page, acct);
  await open(page, '/account');

  // The password: a wrong current one, then the change.
  const form = page.locator('#password form');
  await form.locator('input[name=current_password]').fill(`${acct.password}x`);
  const next = newPassword();
  await form.locator('input[name=new_password]').fill(next);
  await form.locator('button[type=submit]').click();
  await errorNear(page, 'current_password').waitFor();
  assert.equal(await text(errorNear(page, 'current_password')), en['error.invalid_password']);
  await form.locator('input[name=current_password]').fill(acct.password);
  await form.locator('button[type=submit]').click();
  await page.locator('#password-status', { hasText: en['account.password_changed'] }).waitFor();
  assert.equal((await new Client().signIn(acct.email, next)).status, 200, 'the new password works');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: en['account.export'] }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(data.format, 'concerto-export-1');
  assert.equal(data.account.email, acct.email);
  await page.locator('#data-status', { hasText: en['account.export_done'] }).waitFor();

  const id = accountRow(acct.email).id;
  sqlExec('UPDATE sessions SET authenticated_at = now() - interval \'1 hour\' WHERE account_id = :id', { id });
  await page.getByRole('button', { name: en['account.export'] }).click();
  await page.locator('#data-status', { hasText: en['account.export_reauth'] }).waitFor();
  assert.equal(await page.locator('#data-status a').getAttribute('href'), '/signin?next=%2Faccount');
  await assertAccessible(page, 'export asks to sign in again (en)');
  await shot(page, 'accounts-export-reauth-en');
  assertNoProblems(page);
  await page.context().close();
});

test('a session that ends mid-form keeps what was typed and asks to sign in again', async () => {
  const acct = await newAccount({ signIn: false });
  const page = await fresh({ lang: 'fr' });
  await open(page, '/404.html');
  await signIn(page, acct);
  await open(page, '/account');
  const typed = newPseudonym('Nouveau');
  await page.fill('#profile-form input[name=pseudonym]', typed);
  await page.fill('#profile-form input[name=postcode]', '93200');
  await page.check('#profile-form input[name=profile][value=researcher]');
  sqlExec('DELETE FROM sessions WHERE account_id = :id', { id: accountRow(acct.email).id });
  await page.locator('#profile-form button[type=submit]').click();
  const err = page.locator('#profile-form .form-error');
  await err.waitFor();
  assert.ok((await err.innerText()).includes(fr['form.session_expired']));
  assert.equal(await page.inputValue('#profile-form input[name=pseudonym]'), typed, 'nothing typed is lost');
  await assertAccessible(page, 'session ended mid-form (fr)');
  await shot(page, 'accounts-session-ended-fr');
  await err.getByRole('link', { name: fr['account.sign_in_again'] }).click();
  await page.waitForURL(/\/signin\?next=%2Faccount$/);
  await page.waitForSelector('main[aria-busy="false"]');
  await signInThroughPage(page, acct.email, acct.password);
  await page.waitForURL(`${BASE}/account`);
  await page.waitForSelector('main[aria-busy="false"]');
  assert.equal(await page.inputValue('#profile-form input[name=pseudonym]'), typed, 'the draft comes back');
  assert.equal(await page.inputValue('#profile-form input[name=postcode]'), '93200');
  assert.equal(await page.locator('#profile-form input[name=profile]:checked').getAttribute('value'), 'researcher');
  await page.locator('#profile-form button[type=submit]').click();
  await page.locator('#profile-status', { hasText: fr['form.saved'] }).waitFor();
  const row = accountRow(acct.email);
  assert.equal(row.pseudonym, typed);
  assert.equal(row.postcode, '93200');
  assert.equal(row.profile, 'researcher');
  assertNoProblems(page);
  await page.context().close();
});

test('delete the account with its password: signed out, home with a message, and signing in again fails', async () => {
  const acct = await newAccount({ signIn: false });
  const id = accountRow(acct.email).id;
  const page = await fresh({ lang: 'fr' });
  await open(page, '/404.html');
  await signIn(page, acct);
  await open(page, '/account');
  const zone = page.locator('#delete');
  const words = await zone.innerText();
  for (const k of ['account.delete_warning', 'account.delete_kept_1', 'account.delete_erased_1']) assert.ok(words.includes(fr[k]), k);
  await zone.locator('input[name=password]').fill(`${acct.password}x`);
  await zone.locator('button[type=submit]').click();
  await errorNear(page, 'password').waitFor();
  assert.equal(await text(zone.locator('.field-error')), fr['error.invalid_password']);
  await assertAccessible(page, 'delete refused (fr)');
  await zone.locator('input[name=password]').fill(acct.password);
  await zone.locator('button[type=submit]').click();
  await page.waitForURL(`${BASE}/`);
  // The home page shows the message (or holds it for its next draw).
  await page.waitForFunction((msg) => sessionStorage.getItem('concerto.flash') === 'account.deleted_done' || document.body.innerText.includes(msg), fr['account.deleted_done']);
  assert.equal(await page.evaluate(() => localStorage.getItem('concerto.session')), null, 'signed out');
  const gone = sql('SELECT deleted_at, email FROM accounts WHERE id = :id', { id });
  assert.ok(gone[0].deleted_at, 'deleted');
  assert.equal(gone[0].email, null, 'the e-mail is erased');
  await open(page, '/signin');
  await signInThroughPage(page, acct.email, acct.password);
  await page.locator('form .form-error').waitFor();
  assert.equal(await text(page.locator('form .form-error')), fr['error.invalid_credentials']);
  assertNoProblems(page);
  await page.context().close();
});

test('sign out everywhere ends every session', async () => {
  const acct = await newAccount({ language: 'en' });
  const page = await fresh({ lang: 'en' });
  await open(page, '/404.html');
  await signIn(page, acct);
  await open(page, '/account');
  await page.getByRole('button', { name: en['account.sign_out_everywhere'] }).click();
  await page.waitForURL(`${BASE}/signin`);
  await page.waitForSelector('main[aria-busy="false"]');
  await page.locator('main p.flash', { hasText: en['account.signed_out_everywhere_done'] }).waitFor();
  assert.equal((await acct.client.me()).status, 401, 'the other session ended too');
  await assertAccessible(page, 'signed out everywhere (en)');
  assertNoProblems(page);
  await page.context().close();
});

test('notifications: in plain words, older ones on demand, marked read; the header\'s count follows', async () => {
  const acct = await newAccount({ signIn: false, language: 'en' });
  const id = accountRow(acct.email).id;
  sqlExec(`SELECT notify(:id::bigint, 'moderation', 'hide', 'Off topic ' || g, 'comment', g, NULL, NULL) FROM generate_series(1, 22) g`, { id });
  sqlExec(`SELECT notify(:id::bigint, 'suspension', 'suspend', 'Repeated abuse', 'account', :id::bigint, NULL, now() + interval '3 days')`, { id });
  sqlExec(`SELECT notify(:id::bigint, 'moderation', 'approve', 'Fine', 'submission', 7, NULL, NULL)`, { id });
  const page = await fresh({ lang: 'en' });
  await open(page, '/404.html');
  await signIn(page, acct);
  await open(page, '/notifications');
  await page.locator('#unread:not([hidden])', { hasText: '24' }).waitFor();
  assert.equal(await page.innerText('#notifications-summary'), en['notifications.unread.other'].replace('{n}', '24'));
  const items = page.locator('ol.notifications > li');
  assert.equal(await items.count(), 20, 'a first page of 20');
  const first = await items.nth(0).innerText();
  assert.ok(first.includes(en['notifications.moderation.approve'].replace('{what}', en['notifications.target.submission'])), first);
  assert.ok(first.includes(en['notifications.new']), 'unread said in words');
  const second = await items.nth(1).innerText();
  assert.ok(second.includes(en['notifications.suspension.suspend'].split('{')[0]), second);
  assert.ok(second.includes('Repeated abuse'), 'the reason');
  const third = await items.nth(2).innerText();
  assert.ok(third.includes(en['notifications.moderation.hide'].replace('{what}', en['notifications.target.comment'])), third);
  await assertAccessible(page, 'notifications (en)');
  await shot(page, 'accounts-notifications-en');

  await page.getByRole('button', { name: en['notifications.more'] }).click();
  await page.waitForFunction(() => document.querySelectorAll('ol.notifications > li').length === 24);
  assert.equal(await page.evaluate(() => document.activeElement === document.querySelectorAll('ol.notifications > li')[20]), true, 'the focus on the first older one');
  assert.ok(await page.getByRole('button', { name: en['notifications.more'] }).isHidden(), 'nothing older');

  await page.getByRole('button', { name: en['notifications.mark_read'] }).click();
  await page.locator('#notifications-summary', { hasText: en['notifications.all_read'] }).waitFor();
  await page.waitForSelector('#unread[hidden]', { state: 'attached' });
  assert.equal(await page.locator('ol.notifications .tag.new').count(), 0);
  assert.equal(sql('SELECT count(*)::int AS n FROM notifications WHERE account_id = :id AND read_at IS NULL', { id })[0].n, 0);
  await assertAccessible(page, 'notifications read (en)');
  await page.context().close();

  // In French too, and at 320 px.
  const fpage = await fresh({ lang: 'fr', width: 320, height: 640 });
  await open(fpage, '/404.html');
  await signIn(fpage, acct);
  await fpage.evaluate(() => { const s = JSON.parse(localStorage.getItem('concerto.session')); s.language = 'fr'; localStorage.setItem('concerto.session', JSON.stringify(s)); });
  await open(fpage, '/notifications');
  assert.equal(await fpage.getAttribute('html', 'lang'), 'fr');
  assert.ok((await fpage.innerText('main')).includes(fr['notifications.moderation.hide'].replace('{what}', fr['notifications.target.comment'])));
  await assertAccessible(fpage, 'notifications (fr)');
  await assertNoHorizontalScroll(fpage, 'notifications at 320 px');
  await shot(fpage, 'accounts-notifications-fr-320');
  assertNoProblems(fpage);
  await fpage.context().close();
});

test('signed out, my account and notifications offer a sign-in that comes back', async () => {
  for (const lang of ['fr', 'en']) {
    const page = await fresh({ lang, width: 320, height: 640 });
    for (const path of ['/account', '/notifications']) {
      await open(page, path);
      const link = page.locator('#page a.button', { hasText: cat[lang]['layout.sign_in'] });
      assert.equal(await link.getAttribute('href'), `/signin?next=${encodeURIComponent(path)}`);
      await assertAccessible(page, `${path} signed out (${lang})`);
      await assertNoHorizontalScroll(page, `${path} signed out at 320 px`);
    }
    for (const path of ['/register', '/signin', '/reset']) {
      await open(page, path);
      await assertNoHorizontalScroll(page, `${path} at 320 px`);
      await shot(page, `accounts-${path.slice(1)}-${lang}-320`);
    }
    assertNoProblems(page);
    await page.context().close();
  }
});
