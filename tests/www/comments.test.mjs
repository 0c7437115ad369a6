// SPDX-License-Identifier: AGPL-3.0-or-later
// The comment threads of the consultation page (issue 13): a signed-out
// visitor reads and is offered a sign-in that comes back; a participant
// writes with a stance, replies, votes (aria-pressed, counts), edits
// within the window (marked edited), deletes (a tombstone keeps the
// replies), flags with a reason (Escape closes the form); sorts and "show
// more" follow the API's cursor; script in a comment stays text; under
// pre-moderation the author sees their comment waiting and nobody else
// sees it; words of distress bring the support texts to their author.
// All by keyboard where a person would; axe in each state, French and
// English; 320 px without horizontal scroll; screenshots.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { anon } from '../http/lib/client.mjs';
import { sql } from '../http/lib/db.mjs';
import { admin, participant } from '../http/lib/accounts.mjs';
import { gathering } from '../http/lib/consultations.mjs';
import { comment, listAll, putVote, seen, spent } from '../http/lib/comments.mjs';
import {
  assertAccessible, assertNoHorizontalScroll, assertNoProblems, closeBrowser, newPage, open, press, shot, signIn,
} from './lib.mjs';

after(closeBrowser);

// The consultation page with its threads drawn (section#comments says so).
async function openComments(page, cid, q = '') {
  await open(page, `/consultations/${cid}${q}`);
  await page.waitForSelector('#comments[aria-busy="false"]', { timeout: 10000 });
}

// A page in lang, signed in as who (or signed out), on the threads of cid.
async function pageAs(who, cid, { lang = 'fr', width } = {}) {
  const page = await newPage({ lang, width });
  if (who) {
    await open(page, '/404.html');
    await signIn(page, who);
  }
  await openComments(page, cid);
  return page;
}

// Presses key on the control: the keyboard's way (focus, then the key).
const activeIs = (page, fn) => page.evaluate(fn);
const topIds = (page) => page.$$eval('.comment-list > li > article', (els) => els.map((e) => Number(e.id.slice(8))));
// The comment's own part (its text, actions), without its replies.
const own = (page, id) => page.locator(`#comment-${id} > .comment-main`);

async function bothLanguages(cid, who, name, fn) {
  for (const lang of ['fr', 'en']) {
    const page = await pageAs(who?.[lang], cid, { lang });
    if (fn) await fn(page, lang);
    await assertAccessible(page, `${name} (${lang})`);
    await shot(page, `comments-${name}-${lang}`);
    assertNoProblems(page);
    await page.context().close();
  }
}

test('a signed-out visitor reads the threads, is offered a sign-in that comes back, and sees no way to write', async () => {
  const p = await participant();
  const c = await gathering();
  const x = await comment(p, c.id, { body: 'Un premier avis, lisible par tous.', alignment: 'against' });
  await bothLanguages(c.id, null, 'signed-out', async (page, lang) => {
    const art = own(page, x.id);
    assert.match(await art.innerText(), /Un premier avis, lisible par tous\./);
    assert.match(await art.innerText(), lang === 'fr' ? /Contre/ : /Against/, 'the stance in words');
    assert.match(await art.innerText(), new RegExp(p.pseudonym), 'the author');
    assert.equal(await page.locator('#comments textarea').count(), 0, 'no form');
    assert.equal(await page.locator('#comments button.vote').count(), 0, 'no vote button');
    const link = page.locator('#comments a[href^="/signin"]');
    assert.equal(await link.getAttribute('href'), `/signin?next=${encodeURIComponent(`/consultations/${c.id}`)}`, 'the sign-in comes back here');
  });
});

test('a participant writes a comment with a stance and a reply by keyboard; another votes up and withdraws', async () => {
  const [p, q] = await Promise.all([participant(), participant()]);
  const c = await gathering();
  const page = await pageAs(p, c.id);
  await assertAccessible(page, 'signed in, empty (fr)');
  assert.match(await page.locator('#comments .comment-form').innerText(), /sera publié tout de suite/, 'the moderation rule, before sending');
  // Type the text, choose "For" with the keyboard, send with Enter.
  const body = 'Il faut penser aux aidants.\nEt aux enfants des patients.';
  await page.locator('#comments .comment-form textarea').focus();
  await page.keyboard.type(body);
  await press(page.getByRole('radio', { name: 'Pour' }), 'Space');
  await press(page.locator('#comments .comment-form button[type=submit]'));
  await page.waitForSelector('.comment-list > li > article.comment');
  spent(p, 'comments');
  const mine = (await listAll(anon(), c.id)).find((x) => x.body === body);
  assert.ok(mine, 'the API holds the comment as typed');
  assert.equal(mine.alignment, 'for', 'with the stance chosen');
  assert.equal(await activeIs(page, () => document.activeElement.id), `comment-${mine.id}`, 'the focus is on the new comment');
  const text = await own(page, mine.id).innerText();
  assert.match(text, /Il faut penser aux aidants\.\nEt aux enfants des patients\./, 'the line break kept');
  assert.match(text, /Pour/);
  assert.match(text, /\(vous\)/, 'marked as mine');
  assert.equal(await own(page, mine.id).locator('button.vote').count(), 0, 'no vote on one\'s own comment');
  assert.equal(await page.locator('#comments .comment-form textarea').inputValue(), '', 'the form is empty again');
  await assertAccessible(page, 'after a comment (fr)');
  await shot(page, 'comments-posted-fr');
  assertNoProblems(page);
  await page.context().close();

  // q replies: the form opens under the comment, the focus in it.
  const qp = await pageAs(q, c.id);
  await press(own(qp, mine.id).getByRole('button', { name: 'Répondre' }));
  assert.equal(await activeIs(qp, () => document.activeElement.tagName), 'TEXTAREA', 'the focus moves to the reply');
  assert.ok(await activeIs(qp, () => Boolean(document.activeElement.closest('.comment-main .comment-form'))), 'in the form under the comment');
  await assertAccessible(qp, 'reply form open (fr)');
  await qp.keyboard.type('Je suis d’accord, surtout pour les enfants.');
  await qp.keyboard.press('Tab');
  await qp.keyboard.press('ArrowUp'); // neutral -> against: arrows choose within the stance
  await press(own(qp, mine.id).locator('.comment-form button[type=submit]'));
  const reply = qp.locator(`#comment-${mine.id} > .replies > li > article`);
  await reply.waitFor();
  spent(q, 'comments');
  assert.match(await reply.innerText(), /Je suis d’accord, surtout pour les enfants\./);
  assert.match(await reply.innerText(), /Contre/);
  const held = await seen(anon(), c.id, Number((await reply.getAttribute('id')).slice(8)));
  assert.equal(held.parent_id, mine.id, 'the API holds the reply under the comment');
  assert.equal(held.alignment, 'against');

  // q votes up: pressed, the count moves; pressing again withdraws.
  const up = own(qp, mine.id).locator('button.vote-up');
  assert.equal(await up.getAttribute('aria-pressed'), 'false');
  assert.match(await up.innerText(), /Utile \(0\)/);
  await press(up);
  await qp.waitForFunction((id) => document.querySelector(`#comment-${id} > .comment-main .vote-up`).getAttribute('aria-pressed') === 'true', mine.id);
  assert.match(await own(qp, mine.id).locator('button.vote-up').innerText(), /Utile \(1\)/);
  assert.equal(await activeIs(qp, () => document.activeElement.classList.contains('vote-up')), true, 'the focus stays on the button');
  assert.equal((await seen(anon(), c.id, mine.id)).up, 1, 'the API counts the vote');
  await assertAccessible(qp, 'voted (fr)');
  await shot(qp, 'comments-voted-fr');
  await press(own(qp, mine.id).locator('button.vote-up'));
  await qp.waitForFunction((id) => document.querySelector(`#comment-${id} > .comment-main .vote-up`).getAttribute('aria-pressed') === 'false', mine.id);
  assert.match(await own(qp, mine.id).locator('button.vote-up').innerText(), /Utile \(0\)/);
  assert.equal((await seen(anon(), c.id, mine.id)).up, 0, 'the vote withdrawn');
  assertNoProblems(qp);
  await qp.context().close();

  // The same threads in English, and at 320 px.
  const en = await participant({ language: 'en' });
  const ep = await pageAs(en, c.id, { lang: 'en' });
  assert.match(await own(ep, mine.id).innerText(), /For/);
  assert.match(await own(ep, mine.id).locator('button.vote-up').innerText(), /Helpful \(0\)/);
  await press(own(ep, mine.id).getByRole('button', { name: 'Reply' }));
  await assertAccessible(ep, 'reply form open (en)');
  await shot(ep, 'comments-reply-form-en');
  assertNoProblems(ep);
  await ep.context().close();
  const narrow = await pageAs(q, c.id, { width: 320 });
  await press(own(narrow, mine.id).getByRole('button', { name: 'Signaler' }));
  await assertNoHorizontalScroll(narrow, 'threads at 320 px');
  await shot(narrow, 'comments-320-fr');
  assertNoProblems(narrow);
  await narrow.context().close();
  const zoomed = await newPage({ lang: 'en', width: 1024, zoom: 2 });
  await openComments(zoomed, c.id);
  await assertNoHorizontalScroll(zoomed, 'threads at 200% zoom');
  await shot(zoomed, 'comments-zoom200-en');
  assertNoProblems(zoomed);
  await zoomed.context().close();
});

test('sorts (oldest, newest, best) and "show more" follow the API, by keyboard', async () => {
  const authors = await Promise.all([participant(), participant(), participant()]);
  const [v1, v2] = await Promise.all([participant({ language: 'en' }), participant()]);
  const c = await gathering();
  const ids = [];
  for (let i = 0; i < 12; i++) ids.push((await comment(authors[i % 3], c.id, { body: `Avis numéro ${i + 1}, ${c.id}.` })).id);
  for (const v of [v1, v2]) assert.equal((await putVote(v, ids[4], 1)).status, 200);
  assert.equal((await putVote(v1, ids[0], -1)).status, 200);

  const page = await pageAs(v1, c.id, { lang: 'en' });
  assert.deepEqual(await topIds(page), ids.slice(0, 10), 'the first page, oldest first');
  const more = page.getByRole('button', { name: 'Show more comments' });
  await press(more);
  await page.waitForFunction(() => document.querySelectorAll('.comment-list > li').length === 12);
  assert.deepEqual(await topIds(page), ids, 'the next page after it');
  assert.equal(await activeIs(page, () => document.activeElement.id), `comment-${ids[10]}`, 'the focus on the first comment shown');
  assert.equal(await more.isVisible(), false, 'no more to show');
  await assertAccessible(page, 'all pages (en)');

  await press(page.getByRole('button', { name: 'Newest first' }));
  await page.waitForFunction((id) => document.querySelector('.comment-list > li > article')?.id === `comment-${id}`, ids[11]);
  assert.deepEqual(await topIds(page), ids.slice().reverse().slice(0, 10), 'newest first');
  assert.equal(await page.getByRole('button', { name: 'Newest first' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Oldest first' }).getAttribute('aria-pressed'), 'false');
  assert.equal(await page.getByRole('button', { name: 'Show more comments' }).isVisible(), true, 'a next page again');

  await press(page.getByRole('button', { name: 'Best rated' }));
  await page.waitForFunction((id) => document.querySelector('.comment-list > li > article')?.id === `comment-${id}`, ids[4]);
  const best = await topIds(page);
  assert.equal(best[0], ids[4], 'the comment with two up votes first');
  assert.match(page.url(), /sort=best/, 'the sort is in the address');
  assert.match(await own(page, ids[4]).locator('.vote-up').innerText(), /Helpful \(2\)/);
  assert.equal(await own(page, ids[0]).locator('.vote-down').getAttribute('aria-pressed'), 'true', 'my vote shown');
  await assertAccessible(page, 'best first (en)');
  await shot(page, 'comments-best-en');
  await page.reload();
  await page.waitForSelector('#comments[aria-busy="false"]');
  assert.equal((await topIds(page))[0], ids[4], 'a reload keeps the sort');
  assertNoProblems(page);
  await page.context().close();
});

test('the author edits within the window (marked edited) and deletes (a tombstone keeps the reply)', async () => {
  const [p, q] = await Promise.all([participant({ language: 'en' }), participant()]);
  const c = await gathering();
  const x = await comment(p, c.id, { body: 'First version of my comment.', alignment: 'neutral' });
  const r = await comment(q, c.id, { body: 'A reply that stays.', parent_id: x.id });
  const page = await pageAs(p, c.id, { lang: 'en' });
  await press(own(page, x.id).getByRole('button', { name: 'Edit' }));
  const area = own(page, x.id).locator('textarea');
  assert.equal(await area.inputValue(), 'First version of my comment.', 'the text to change');
  assert.equal(await activeIs(page, () => document.activeElement.tagName), 'TEXTAREA');
  await assertAccessible(page, 'edit form (en)');
  await page.keyboard.press('Escape');
  assert.equal(await own(page, x.id).locator('form').count(), 0, 'Escape closes the form');
  assert.equal(await activeIs(page, () => document.activeElement.textContent), 'Edit', 'the focus back on Edit');
  await page.keyboard.press('Enter');
  await own(page, x.id).locator('textarea').fill('Second version, clearer.');
  await press(own(page, x.id).getByRole('radio', { name: 'For' }), 'Space');
  await press(own(page, x.id).getByRole('button', { name: 'Save' }));
  await page.waitForFunction((id) => /Second version/.test(document.querySelector(`#comment-${id} .comment-body`).textContent), x.id);
  const text = await own(page, x.id).innerText();
  assert.match(text, /edited/, 'marked edited');
  assert.match(text, /For/);
  const held = await seen(anon(), c.id, x.id);
  assert.equal(held.body, 'Second version, clearer.');
  assert.equal(held.alignment, 'for');
  assert.ok(held.edited_at, 'the API holds the edit');
  await assertAccessible(page, 'edited (en)');
  await shot(page, 'comments-edited-en');

  await press(own(page, x.id).getByRole('button', { name: 'Delete' }));
  await assertAccessible(page, 'delete confirmation (en)');
  await press(own(page, x.id).getByRole('button', { name: 'Yes, delete' }));
  await page.waitForSelector(`#comment-${x.id} .tombstone`);
  assert.match(await own(page, x.id).innerText(), /Comment deleted/);
  assert.doesNotMatch(await own(page, x.id).innerText(), /Second version/);
  assert.match(await page.locator(`#comment-${r.id}`).innerText(), /A reply that stays\./, 'the reply stays');
  assert.equal((await seen(anon(), c.id, x.id)).deleted, true, 'the API holds the tombstone');
  await assertAccessible(page, 'deleted (en)');
  await shot(page, 'comments-deleted-en');
  assertNoProblems(page);
  await page.context().close();

  const other = await pageAs(q, c.id);
  assert.match(await own(other, x.id).innerText(), /Commentaire supprimé/, 'a tombstone for everyone');
  await assertAccessible(other, 'tombstone (fr)');
  assertNoProblems(other);
  await other.context().close();
});

test('a participant flags a comment with a reason by keyboard; Escape closes the form; the API holds the flag', async () => {
  const [p, q] = await Promise.all([participant(), participant()]);
  const c = await gathering();
  const x = await comment(p, c.id, { body: 'Achetez mes compléments miracle !' });
  const page = await pageAs(q, c.id);
  const flag = own(page, x.id).getByRole('button', { name: 'Signaler' });
  await press(flag);
  assert.equal(await activeIs(page, () => document.activeElement.type), 'radio', 'the focus on the first reason');
  await assertAccessible(page, 'flag form (fr)');
  await page.keyboard.press('Escape');
  assert.equal(await own(page, x.id).locator('.flag-form').count(), 0, 'Escape closes it');
  assert.equal(await activeIs(page, () => document.activeElement.textContent), 'Signaler', 'the focus back on the button');
  await page.keyboard.press('Enter');
  // Sent without a reason: said next to the reasons.
  await press(own(page, x.id).getByRole('button', { name: 'Envoyer le signalement' }));
  assert.match(await own(page, x.id).locator('.flag-form').innerText(), /Choisissez une raison/);
  await press(own(page, x.id).getByRole('radio', { name: 'Publicité ou spam' }), 'Space');
  await own(page, x.id).getByLabel('Un mot pour les modérateurs').fill('De la publicité.');
  await press(own(page, x.id).getByRole('button', { name: 'Envoyer le signalement' }));
  await page.waitForSelector(`#comment-${x.id} .notice.ok`);
  assert.match(await own(page, x.id).innerText(), /Merci\. Les modérateurs vont lire votre signalement\./);
  const flags = sql('SELECT reason, note FROM flags WHERE target_type = \'comment\' AND target_id = :id AND account_id = :a', { id: x.id, a: q.id });
  assert.deepEqual(flags, [{ reason: 'spam', note: 'De la publicité.' }], 'the API holds the flag and its reason');
  await assertAccessible(page, 'flagged (fr)');
  await shot(page, 'comments-flagged-fr');
  assertNoProblems(page);
  await page.context().close();
});

test('script in a comment shows as its literal text and runs nothing', async () => {
  const p = await participant();
  const c = await gathering();
  const payload = '<img src=x onerror=alert(1)> et <script>alert(2)</script>';
  const x = await comment(p, c.id, { body: payload });
  await bothLanguages(c.id, { fr: p, en: null }, 'script-as-text', async (page) => {
    assert.equal(await page.locator(`#comment-${x.id} .comment-body`).textContent(), payload, 'the literal text');
    assert.equal(await page.locator('#comments img, #comments script').count(), 0, 'no element made from it');
    await page.waitForTimeout(300);
  });
});

test('under pre-moderation the author is told before sending, sees the comment waiting; nobody else sees it', async () => {
  const [p, q] = await Promise.all([participant({ language: 'en' }), participant({ language: 'en' })]);
  const c = await gathering({ moderation: 'pre' });
  const page = await pageAs(p, c.id, { lang: 'en' });
  assert.match(await page.locator('#comments .comment-form').innerText(), /Your comment will be read by a moderator before it is published\./);
  await page.locator('#comments .comment-form textarea').fill('A comment that waits for a moderator.');
  await press(page.getByRole('button', { name: 'Send my comment' }));
  await page.waitForSelector('.comment-list article.pending');
  spent(p, 'comments');
  const art = page.locator('.comment-list article.pending');
  assert.match(await art.innerText(), /Waiting for moderation\./);
  assert.match(await art.innerText(), /Only you can see it/);
  const id = Number((await art.getAttribute('id')).slice(8));
  assert.equal((await seen(p.client, c.id, id)).status, 'pending', 'the API holds it pending');
  await assertAccessible(page, 'pending (en)');
  await shot(page, 'comments-pending-en');
  await page.reload();
  await page.waitForSelector('#comments[aria-busy="false"]');
  assert.match(await page.locator(`#comment-${id}`).innerText(), /Waiting for moderation\./, 'still shown to its author');
  assertNoProblems(page);
  await page.context().close();

  for (const [who, lang] of [[q, 'en'], [null, 'fr']]) {
    const other = await pageAs(who, c.id, { lang });
    assert.equal(await other.locator(`#comment-${id}`).count(), 0, 'not shown to another visitor');
    assert.doesNotMatch(await other.locator('#comments').innerText(), /waits for a moderator/);
    await assertAccessible(other, `pre-moderated, another visitor (${lang})`);
    assertNoProblems(other);
    await other.context().close();
  }
  assert.equal(await seen(anon(), c.id, id), undefined);
});

test('a comment in distress shows its author the support texts as the API gives them, calmly, first in the focus', async () => {
  const c = await gathering();
  for (const [lang, body] of [['fr', 'Certains jours je n’ai plus envie de vivre.'], ['en', 'Some days I want to die.']]) {
    const p = await participant({ language: lang });
    const page = await pageAs(p, c.id, { lang });
    await page.locator('#comments .comment-form textarea').fill(body);
    await press(page.locator('#comments .comment-form button[type=submit]'));
    await page.waitForSelector('.comment-list .support-box');
    spent(p, 'comments');
    const id = Number((await page.locator('.comment-list article.pending').getAttribute('id')).slice(8));
    const { support } = await seen(p.client, c.id, id);
    assert.equal(support.language, lang, 'the API gives them in the author\'s language');
    const box = page.locator('.comment-list .support-box');
    assert.equal(await box.locator('h3').textContent(), support.title);
    assert.equal(await box.locator('p').textContent(), support.body);
    const contacts = await box.locator('li').allTextContents();
    assert.deepEqual(contacts, support.contacts, 'every contact, as given');
    assert.ok(contacts.some((t) => t.includes('3114')), 'the prevention line among the contacts');
    assert.equal(await activeIs(page, () => document.activeElement.closest('.support-box') !== null), true, 'the focus on the support texts');
    assert.match(await page.locator('.comment-list article.pending').innerText(), lang === 'fr' ? /En attente de modération/ : /Waiting for moderation/);
    await assertAccessible(page, `support texts (${lang})`);
    await shot(page, `comments-support-${lang}`);
    assertNoProblems(page);
    await page.context().close();
  }
});

test('a branch deeper than the API nests opens with its button, a page of replies at a time', async () => {
  const [p, q] = await Promise.all([participant(), participant()]);
  const c = await gathering();
  const chain = [await comment(p, c.id, { body: 'Niveau 0.' })];
  for (let d = 1; d <= 5; d++) chain.push(await comment(d % 2 ? q : p, c.id, { body: `Niveau ${d}.`, parent_id: chain[d - 1].id }));
  const page = await pageAs(p, c.id);
  for (let d = 0; d <= 4; d++) assert.equal(await page.locator(`#comment-${chain[d].id}`).count(), 1, `depth ${d} shown`);
  assert.equal(await page.locator(`#comment-${chain[5].id}`).count(), 0, 'depth 5 not yet');
  const open = page.locator(`#comment-${chain[4].id} > .more-replies`);
  assert.equal(await open.innerText(), 'Afficher 1 réponse de plus');
  await assertAccessible(page, 'collapsed branch (fr)');
  await press(open);
  await page.waitForSelector(`#comment-${chain[4].id} > .replies #comment-${chain[5].id}`);
  assert.equal(await activeIs(page, () => document.activeElement.id), `comment-${chain[5].id}`, 'the focus on the first reply shown');
  assert.match(await own(page, chain[5].id).innerText(), /Niveau 5\./);
  assert.equal(await page.locator(`#comment-${chain[4].id} > .more-replies`).count(), 0, 'nothing more to open');
  await assertAccessible(page, 'branch opened (fr)');
  await shot(page, 'comments-branch-fr');
  assertNoProblems(page);
  await page.context().close();
});

test('a refusal of the API is said next to the form, in the page\'s language, and what was typed stays', async () => {
  const p = await participant({ language: 'en' });
  const c = await gathering();
  const page = await pageAs(p, c.id, { lang: 'en' });
  const a = await admin();
  assert.equal((await a.client.patch(`/api/v1/consultations/${c.id}`, { phase: 'closed' })).status, 200, 'closed meanwhile');
  await page.locator('#comments .comment-form textarea').fill('Written while it closed.');
  await press(page.getByRole('button', { name: 'Send my comment' }));
  const error = page.locator('#comments .comment-form .form-error');
  await error.waitFor();
  assert.match(await error.innerText(), /Comments are closed for this consultation\./);
  assert.equal(await activeIs(page, () => document.activeElement.classList.contains('form-error')), true, 'the focus on the error');
  assert.equal(await page.locator('#comments .comment-form textarea').inputValue(), 'Written while it closed.', 'the text kept');
  await assertAccessible(page, 'refused (en)');
  await shot(page, 'comments-refused-en');
  assertNoProblems(page);
  // The page's reads come from caches fresh to the second, whose rebuild
  // another reader may be waiting on (README, Caching reads): the closing
  // shows within a few seconds, at a reload.
  for (let i = 0; i < 4; i++) {
    await page.reload();
    await page.waitForSelector('#comments[aria-busy="false"]');
    if (await page.locator('#comments textarea').count() === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(await page.locator('#comments textarea').count(), 0, 'no form once closed');
  assert.match(await page.locator('#comments').innerText(), /Comments are closed for this consultation\. You can still read them\./);
  await page.context().close();
});
