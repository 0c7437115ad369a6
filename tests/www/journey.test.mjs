// SPDX-License-Identifier: AGPL-3.0-or-later
// The whole journey of a newcomer (issue 12), in one browser, as a person
// would go: home -> a consultation -> register -> verify with the link of
// the e-mail (read from the outbox) -> sign in -> vote (approval), change
// the ballot, see it after a reload -> comment, reply, flag -> a ranked
// vote by keyboard only -> the results once published.  Each step checks
// what the person sees and what the API then holds.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '../http/lib/util.mjs';
import { newNet } from '../http/lib/client.mjs';
import { accountRow, outboxToken, sql } from '../http/lib/db.mjs';
import { secret } from '../http/lib/logs.mjs';
import { admin, newEmail, newPassword, newPseudonym, participant } from '../http/lib/accounts.mjs';
import { publish, votingConsultation } from '../http/lib/consultations.mjs';
import { comment } from '../http/lib/comments.mjs';
import { assertAccessible, assertNoProblems, closeBrowser, newPage, open, press, shot, tabTo } from './lib.mjs';

after(closeBrowser);

// The ballot of the signed-in page for consultation id, as the API holds it.
const ballotOf = (page, id) => page.evaluate(async (i) => {
  const r = await fetch(`/api/v1/consultations/${i}/ballot`);
  return r.ok ? (await r.json()).choices : null;
}, id);

test('a newcomer goes from the home page to a vote, a comment, a ranked vote and the results, in French', async () => {
  const adm = await admin();
  const titles = ['Mieux soulager la douleur', 'Aider les proches aidants', 'Réduire la fatigue'];
  const { c, ids } = await votingConsultation({ adm, k: 2, priorities: 3, titles });
  const { c: rc, ids: rids } = await votingConsultation({ adm, method: 'ranked', k: 3, priorities: 3 });
  const other = await participant();
  const theirs = await comment(other, c.id, { body: 'Un avis déjà là, sur la douleur.', alignment: 'for' });

  const page = await newPage({ lang: 'fr' });
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': newNet().addr() });

  // Home -> the consultation.
  await open(page, '/');
  await page.locator(`a[href="/consultations/${c.id}"]`).first().click();
  await page.waitForURL(`**/consultations/${c.id}`);
  await page.waitForSelector('main[aria-busy="false"]');
  assert.equal(await page.locator('h1').innerText(), c.title_fr);
  await page.waitForSelector('#comments[aria-busy="false"]');
  assert.match(await page.locator(`#comment-${theirs.id}`).innerText(), /Un avis déjà là/);

  // Register from the header.
  await page.locator('#site-header').getByRole('link', { name: 'Créer un compte' }).click();
  await page.waitForSelector('main[aria-busy="false"]');
  const email = newEmail('journey');
  const password = secret(newPassword());
  const pseudonym = newPseudonym('Nouvelle');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=pseudonym]', pseudonym);
  await page.check('input[name=profile][value=citizen]');
  await page.fill('input[name=postcode]', '93200');
  await page.check('input[name=accept_terms]');
  await page.locator('form button[type=submit]').click();
  await page.waitForFunction(() => /e-mail/i.test(document.querySelector('main').innerText) && document.querySelector('main h2'));
  await shot(page, 'journey-1-registered');

  // The e-mail's link.
  const token = outboxToken(email, 'verify');
  await open(page, `/account.html#verify=${token}`);
  await page.getByRole('heading', { name: 'Adresse confirmée' }).waitFor();
  assert.ok(accountRow(email).verified_at, 'the account is verified');
  assert.ok(!page.url().includes(token), 'the token left the address bar');

  // Sign in, back to the consultation.
  await open(page, `/signin?next=${encodeURIComponent(`/consultations/${c.id}`)}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(`**/consultations/${c.id}`);
  await page.waitForSelector('main[aria-busy="false"]');
  await page.waitForSelector('#ballot-send');
  assert.equal(await page.locator('#site-header').getByRole('link', { name: 'Mon compte' }).count(), 1, 'signed in');

  // Approval: two by keyboard, sent.
  await page.locator(`#choice-${ids[0]}`).focus();
  await page.keyboard.press('Space');
  await tabTo(page, `#choice-${ids[1]}`, 120);
  await page.keyboard.press('Space');
  await tabTo(page, '#ballot-send', 120);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ballot-result .notice.ok');
  assert.deepEqual((await ballotOf(page, c.id)).slice().sort((a, b) => a - b), [ids[0], ids[1]].sort((a, b) => a - b));
  // Changed: the first out, the third in.
  await tabTo(page, `#choice-${ids[0]}`, 120);
  await page.keyboard.press('Space');
  await tabTo(page, `#choice-${ids[2]}`, 120);
  await page.keyboard.press('Space');
  await tabTo(page, '#ballot-send', 120);
  await page.keyboard.press('Enter');
  await waitUntil(async () => {
    const b = await ballotOf(page, c.id);
    return b && b.includes(ids[2]) && !b.includes(ids[0]);
  }, 5000);
  // My ballot, after a reload.
  await open(page, `/consultations/${c.id}`);
  await page.waitForSelector('#my-ballot-choices');
  const mine = await page.locator('#my-ballot-choices').innerText();
  assert.match(mine, new RegExp(titles[1]));
  assert.match(mine, new RegExp(titles[2]));
  assert.doesNotMatch(mine, new RegExp(titles[0]));
  await assertAccessible(page, 'journey: ballot changed');
  await shot(page, 'journey-2-ballot');

  // A comment, a reply to the other's, a flag of it.
  await page.waitForSelector('#comments[aria-busy="false"]');
  await page.locator('#comments .comment-form textarea').first().fill('Mon premier commentaire : la fatigue compte beaucoup.');
  await press(page.getByRole('radio', { name: 'Pour' }).first(), 'Space');
  await press(page.locator('#comments > .comment-form button[type=submit], #comments .comment-form button[type=submit]').first());
  await waitUntil(() => sql('SELECT 1 FROM comments WHERE body = :\'b\'', { b: 'Mon premier commentaire : la fatigue compte beaucoup.' }).length === 1, 5000);
  const other$ = page.locator(`#comment-${theirs.id} > .comment-main`);
  await press(other$.getByRole('button', { name: 'Répondre' }));
  await page.keyboard.type('Je suis d’accord avec vous.');
  await press(other$.locator('.comment-form button[type=submit]'));
  await page.locator(`#comment-${theirs.id} > .replies > li > article`).waitFor();
  const acct = accountRow(email);
  assert.equal(sql('SELECT count(*)::int AS n FROM comments WHERE parent_id = :p AND account_id = :a', { p: theirs.id, a: acct.id })[0].n, 1,
    'the reply is held under the comment');
  await press(other$.getByRole('button', { name: 'Signaler' }));
  await press(other$.getByRole('radio', { name: 'Publicité ou spam' }), 'Space');
  await press(other$.getByRole('button', { name: 'Envoyer le signalement' }));
  await page.waitForSelector(`#comment-${theirs.id} .notice.ok`);
  assert.equal(sql('SELECT count(*)::int AS n FROM flags WHERE target_id = :t AND account_id = :a', { t: theirs.id, a: acct.id })[0].n, 1,
    'the flag is held');
  await assertAccessible(page, 'journey: commented');
  await shot(page, 'journey-3-comments');

  // A ranked vote, by keyboard only: the third, then the first, then the second; the first moved up.
  await open(page, `/consultations/${rc.id}`);
  await page.waitForSelector('#ballot-send');
  await page.keyboard.press('Tab');
  for (const id of [rids[2], rids[0], rids[1]]) {
    await tabTo(page, `button[data-kind="add"][data-id="${id}"]`, 120);
    await page.keyboard.press('Enter');
  }
  await tabTo(page, `button[data-kind="up"][data-id="${rids[0]}"]`, 120);
  await page.keyboard.press('Enter');
  await tabTo(page, '#ballot-send', 120);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ballot-result .notice.ok');
  assert.deepEqual(await ballotOf(page, rc.id), [rids[0], rids[2], rids[1]], 'the order as arranged by keyboard');

  // The results, once published.
  await publish(adm, c.id);
  await open(page, `/consultations/${c.id}`);
  await page.getByRole('link', { name: /résultats/i }).first().click();
  await page.waitForURL(`**/consultations/${c.id}/results`);
  await page.waitForSelector('main[aria-busy="false"]');
  const table = await page.locator('table').first().innerText();
  for (const title of titles.slice(1)) assert.match(table, new RegExp(title), `${title} in the results`);
  await assertAccessible(page, 'journey: results');
  await shot(page, 'journey-4-results');
  assertNoProblems(page);
  await page.context().close();
});
