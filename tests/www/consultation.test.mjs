// SPDX-License-Identifier: AGPL-3.0-or-later
// The consultation pages (issue 12): the home page lists the open
// consultations before the closed and published ones, with their phase in
// words, their dates and how many took part; a consultation shows its
// easy-to-read summary first, its priorities with their evidence check and
// the questions research has already answered apart from the vote; a
// participant proposes a question during gathering (the moderation rule
// said before sending) and votes by keyboard (approval: the live count and
// the limit; ranked: move up / move down), the API holding what the page
// showed; every PUT carries an Idempotency-Key, the same one when a change
// is sent again after a network error; a session that ends mid-ballot
// keeps the choices.  Each state is checked with axe in French and English,
// at 320 px and 200% zoom, and the consultation page keeps to its budget.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAccessible, assertNoHorizontalScroll, assertNoProblems, closeBrowser, newPage, open, shot, signIn, tabTo,
} from './lib.mjs';
import { ballotPath, consultationPath, submissionsPath } from '../http/lib/paths.mjs';
import { DAY, HOUR, at } from '../http/lib/util.mjs';
import { ok } from '../http/lib/assert.mjs';
import { admin, participant } from '../http/lib/accounts.mjs';
import {
  getBallot, newConsultation, newPriority, publish, vote, votingConsultation,
} from '../http/lib/consultations.mjs';

after(closeBrowser);

const longDate = (lang, iso) => new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));
const text = (page, sel) => page.locator(sel).innerText();
const REVIEW = 'https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD012345';

// Presses Tab until the focus is on sel (keyboard only), at most 80 times.
const pageFor = (opts) => newPage(opts);

async function signInAs(page, who, lang) {
  ok(await who.client.patch('/api/v1/me', { language: lang }), 200, 'PATCH me language');
  await open(page, '/404.html');
  await signIn(page, who);
}

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { kind: a.dataset.kind, id: Number(a.dataset.id), text: a.textContent, tag: a.tagName };
});

// ------------------------------------------------------------------ home

test('home: open consultations first (gathering, vote), then closed and published, with phase in words, dates and participation', async () => {
  const adm = await admin();
  const gathering = await newConsultation(adm, { title_en: 'Gathering now', gathering_at: at(-HOUR) }, { phase: 'gathering' });
  const closed = await newConsultation(adm, { title_en: 'Closed one', voting_at: at(-2 * DAY), closes_at: at(-HOUR) }, { phase: 'closed' });
  const { c: voting } = await votingConsultation({ adm, title_en: 'Voting now' });
  const { c: pub, ids } = await votingConsultation({ adm, title_en: 'Published one' });
  await vote(await participant(), pub.id, [ids[0]]);
  await publish(adm, pub.id);

  for (const lang of ['fr', 'en']) {
    const page = await pageFor({ lang });
    await open(page, '/');
    const card = (c) => page.locator(`.consultation-card[data-id="${c.id}"]`);
    await page.waitForFunction((id) => !/…/.test(document.querySelector(`.consultation-card[data-id="${id}"] .participants`).textContent), pub.id);
    // Order: every open card comes before every closed or published one.
    const order = await page.$$eval('.consultation-card', (els) => els.map((e) => Number(e.dataset.id)));
    const pos = (c) => order.indexOf(c.id);
    for (const c of [gathering, voting, closed, pub]) assert.ok(pos(c) >= 0, `consultation ${c.id} is listed`);
    assert.ok(Math.max(pos(gathering), pos(voting)) < Math.min(pos(closed), pos(pub)), `open ones first: ${order.slice(0, 10)}`);
    assert.equal(await page.locator('#open-title + ul .consultation-card', { has: page.locator(`a[href="/consultations/${voting.id}"]`) }).count(), 1,
      'the voting one is under "open consultations"');
    assert.equal(await page.locator('#done-title + ul .consultation-card', { has: page.locator(`a[href="/consultations/${pub.id}"]`) }).count(), 1,
      'the published one is under "closed"');
    // Title as a link, phase in words, dates, participation.
    const fr = lang === 'fr';
    assert.equal(await card(voting).getByRole('link').innerText(), fr ? voting.title_fr : 'Voting now');
    assert.match(await card(gathering).innerText(), fr ? /Recueil des questions/ : /Gathering questions/);
    assert.match(await card(gathering).innerText(), new RegExp(longDate(lang, gathering.voting_at)));
    assert.match(await card(voting).innerText(), fr ? /Vote ouvert/ : /Vote open/);
    assert.match(await card(voting).innerText(), new RegExp(longDate(lang, voting.closes_at)));
    assert.match(await card(closed).innerText(), fr ? /Vote terminé/ : /Vote closed/);
    assert.match(await card(pub).innerText(), fr ? /Résultats publiés/ : /Results published/);
    assert.match(await card(pub).locator('.participants').innerText(), fr ? /^1 personne a participé/ : /^1 person took part/);
    assert.match(await card(voting).locator('.participants').innerText(), fr ? /^0 personne a participé/ : /^0 people took part/,
      'how many took part, during the vote too');
    assert.match(await card(gathering).locator('.participants').innerText(), fr ? /vote n’a pas encore commencé/ : /Voting has not started/);
    await assertAccessible(page, `home (${lang})`);
    await shot(page, `home-${lang}`);
    assertNoProblems(page);
    await page.context().close();
  }
});

// ---------------------------------------------------- consultation page

// A voting consultation with an easy-read summary, two priorities in the
// vote (evidence checked) and one already answered, in French and English.
async function richConsultation(adm, extra = {}) {
  const c = await newConsultation(adm, {
    title_en: 'Research priorities in breast cancer',
    summary_en: 'Which questions should research answer first?',
    easy_summary_fr: 'Vous choisissez les questions que les chercheurs vont étudier.',
    easy_summary_en: 'You choose the questions researchers will study.',
    body_en: 'Patients, carers and professionals choose together.',
    voting_at: at(-HOUR), closes_at: at(5 * DAY), ...extra,
  });
  const p1 = await newPriority(adm, c.id, {
    position: 1, title_fr: 'Fatigue après le traitement', title_en: 'Fatigue after treatment',
    question: 'Chez les adultes après une chimiothérapie, quelle activité physique réduit la fatigue ?',
    evidence_status: 'partly_answered', evidence_links: [REVIEW],
  });
  const p2 = await newPriority(adm, c.id, {
    position: 2, title_fr: 'Retour au travail', title_en: 'Going back to work', evidence_status: 'unanswered',
  });
  const p3 = await newPriority(adm, c.id, {
    position: 3, title_fr: 'Effet du tabac sur la récidive', title_en: 'Smoking and recurrence',
    evidence_status: 'answered', evidence_links: ['https://www.has-sante.fr/jcms/reco-tabac'],
  });
  const v = ok(await adm.client.patch(consultationPath(c.id), { phase: 'voting' }), 200, 'open the vote');
  return { c: v, p1, p2, p3 };
}

test('a consultation: easy-read summary first, priorities with their evidence check, answered questions apart, in French and English; within its budget', async () => {
  const adm = await admin();
  const { c, p1, p2, p3 } = await richConsultation(adm);
  for (const lang of ['fr', 'en']) {
    const fr = lang === 'fr';
    const page = await pageFor({ lang });
    const js = [];
    const api = [];
    let transferred = 0;
    page.on('response', async (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/api/v1/')) api.push(url.pathname);
      if (res.request().resourceType() === 'script') js.push((await res.body().catch(() => Buffer.alloc(0))).length);
    });
    page.on('requestfinished', async (req) => {
      const s = await req.sizes().catch(() => null);
      if (s) transferred += s.responseBodySize + s.responseHeadersSize;
    });
    // The moment the content shows (main aria-busy="false"), in the page's clock.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        const m = document.querySelector('main[aria-busy="false"]');
        if (m) { window.__readyAt = performance.now(); obs.disconnect(); }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
    });
    await open(page, `/consultations/${c.id}`);
    await page.waitForLoadState('networkidle');
    assert.equal(await text(page, 'h1'), fr ? c.title_fr : 'Research priorities in breast cancer');
    assert.ok((await page.title()).startsWith(fr ? c.title_fr : 'Research priorities'), 'the title names the consultation');
    // The easy-read summary comes first, right under the title.
    const first = await page.$eval('#consultation', (el) => ({ id: el.firstElementChild.id, h2: document.querySelector('main h2').textContent }));
    assert.equal(first.id, 'easy-read', 'the easy-read summary is the first thing after the title');
    assert.equal(first.h2, fr ? 'En bref, avec des mots simples' : 'In short, in simple words');
    assert.match(await text(page, '#easy-read'), fr ? /Vous choisissez les questions/ : /You choose the questions/);
    assert.match(await text(page, '#about'), fr ? /Quelles questions la recherche/ : /Which questions should research/);
    assert.match(await text(page, '.calendar'), new RegExp(longDate(lang, c.closes_at)));
    assert.match(await text(page, '.calendar'), fr ? /Vote ouvert/ : /Vote open/);
    // The priorities with their evidence check.
    const prio = page.locator('#priorities');
    const one = prio.locator(`#priority-${p1.id}`);
    assert.match(await one.innerText(), fr ? /Fatigue après le traitement/ : /Fatigue after treatment/);
    assert.match(await one.innerText(), /quelle activité physique réduit la fatigue/);
    assert.match(await one.innerText(), fr ? /État des connaissances : ◐ réponse en partie seulement/ : /Evidence check: ◐ partly answered/);
    assert.equal(await one.locator(`a[href="${REVIEW}"]`).count(), 1, 'the review is linked');
    assert.match(await prio.locator(`#priority-${p2.id}`).innerText(), fr ? /pas de réponse dans la recherche/ : /not answered by research/);
    assert.equal(await prio.locator(`#priority-${p3.id}`).count(), 0, 'the answered question is not among the priorities in the vote');
    // The answered question, apart, with its source.
    const ans = page.locator('#answered');
    assert.match(await ans.locator('h2').innerText(), fr ? /déjà répondu/ : /already answered/);
    assert.match(await ans.innerText(), fr ? /Effet du tabac sur la récidive/ : /Smoking and recurrence/);
    assert.equal(await ans.locator('a[href="https://www.has-sante.fr/jcms/reco-tabac"]').count(), 1);
    // Signed out: why, and a sign-in link that comes back here.
    const signin = page.locator('#take-part-signin');
    assert.equal(await signin.getAttribute('href'), `/signin?next=${encodeURIComponent(`/consultations/${c.id}`)}`);
    assert.match(await text(page, '#take-part'), fr ? /Pour voter, il faut un compte/ : /To vote you need an account/);
    // The budget of a first visit.
    const before = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/v1/') && e.startTime < window.__readyAt).length);
    assert.ok(before <= 2, `at most two API calls before the content shows: ${before} (${api})`);
    assert.ok(before >= 1, 'the consultation itself was asked for');
    const same = await page.evaluate((p) => performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname === p).length, `/api/v1/consultations/${c.id}`);
    assert.equal(same, 1, 'the page and its comment threads share one request for the consultation');
    const jsBytes = js.reduce((a, b) => a + b, 0);
    assert.ok(jsBytes > 0 && jsBytes <= 60 * 1024, `JavaScript: ${jsBytes} bytes <= 60 KB`);
    assert.ok(transferred > 0 && transferred <= 150 * 1024, `transferred: ${transferred} bytes <= 150 KB`);
    await assertAccessible(page, `consultation (${lang})`);
    await shot(page, `consultation-voting-signed-out-${lang}`);
    assertNoProblems(page);
    await page.context().close();
  }
  // A published one links to its results; an unknown one says so.
  await publish(adm, c.id);
  const page = await pageFor({ lang: 'en' });
  await open(page, `/consultations/${c.id}`);
  assert.equal(await page.getByRole('link', { name: 'See the results' }).getAttribute('href'), `/consultations/${c.id}/results`);
  assert.match(await text(page, '#take-part'), /no longer possible to take part/);
  await assertAccessible(page, 'published consultation');
  await open(page, '/consultations/999999999');
  assert.equal(await text(page, 'h1'), 'Consultation not found');
  await assertAccessible(page, 'unknown consultation');
  assertNoProblems(page);
  await page.context().close();
});

// ------------------------------------------------------------ submission

test('question gathering: the moderation rule before sending, the limits from the API, errors tied to the field; the question then is the author’s in GET submissions', async () => {
  const adm = await admin();
  const c = await newConsultation(adm, { gathering_at: at(-HOUR), moderation: 'pre', title_en: 'Gathering' }, { phase: 'gathering' });
  // Signed out: a sign-in link that comes back.
  const anon = await pageFor({ lang: 'fr' });
  await open(anon, `/consultations/${c.id}`);
  assert.equal(await anon.locator('#take-part-signin').getAttribute('href'), `/signin?next=${encodeURIComponent(`/consultations/${c.id}`)}`);
  assert.match(await text(anon, '#take-part-signin'), /Se connecter pour proposer une question/);
  await assertAccessible(anon, 'gathering, signed out');
  assertNoProblems(anon);
  await anon.context().close();

  const who = await participant();
  for (const lang of ['fr', 'en']) {
    const fr = lang === 'fr';
    const page = await pageFor({ lang });
    await signInAs(page, who, lang);
    await open(page, `/consultations/${c.id}`);
    await page.waitForSelector('#submission-form');
    if (fr) {
      // The rule is on the page before anything is sent, and tied to the field.
      assert.match(await text(page, '#submission-rule'), /un modérateur lit chaque question avant qu’elle soit visible/);
      const box = page.getByRole('textbox', { name: /Votre question/ });
      assert.match(await box.getAttribute('aria-describedby'), /submission-rule/);
      assert.match(await text(page, '#submission-form .hint'), /Entre 10 et 2\s000 caractères/);
      await assertAccessible(page, 'gathering form (fr)');
      await shot(page, 'submission-form-fr');
      // Too short: said next to the field.
      await box.fill('Trop');
      await page.getByRole('button', { name: 'Envoyer ma question' }).click();
      assert.equal(await box.getAttribute('aria-invalid'), 'true');
      assert.match(await text(page, '.field-error'), /trop courte : au moins 10 caractères/);
      assert.equal(await page.evaluate(() => document.activeElement.name), 'text', 'the focus is on the field');
      await assertAccessible(page, 'gathering form with an error');
      const q = `Quels soins de support aident le plus après une chirurgie du sein ? ${Date.now()}`;
      await box.fill(q);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#submission-result .notice');
      assert.match(await text(page, '#submission-result'), /attend la lecture d’un modérateur/);
      assert.match(await text(page, '#my-submissions'), new RegExp(q.replace(/[?]/g, '\\?')));
      assert.match(await text(page, '#my-submissions'), /en attente d’un modérateur/);
      const list = ok(await who.client.get(submissionsPath(c.id)), 200, 'GET submissions');
      const mine = list.submissions.find((s) => s.text === q);
      assert.ok(mine, 'the question is in GET submissions for its author');
      assert.equal(mine.mine, true);
      assert.equal(mine.status, 'pending');
      await assertAccessible(page, 'gathering form sent (fr)');
      await shot(page, 'submission-sent-fr');
    } else {
      assert.match(await text(page, '#submission-rule'), /a moderator reads each question before others can see it/);
      assert.match(await text(page, '#my-submissions'), /waiting for a moderator/);
      await assertAccessible(page, 'gathering form (en)');
      await shot(page, 'submission-form-en');
    }
    assertNoProblems(page);
    await page.context().close();
  }
});

// ---------------------------------------------------------------- ballots

test('approval ballot by keyboard: live count, the limit said, PUT with an Idempotency-Key (the same on retry after a network error), change, my ballot after reload, withdraw', async () => {
  const adm = await admin();
  const { c, ids, answered } = await votingConsultation({ adm, k: 2, priorities: 4, answered: 1, title_en: 'Approval vote' });
  const who = await participant();
  const page = await pageFor({ lang: 'fr' });
  const puts = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().endsWith(ballotPath(c.id))) puts.push({ key: r.headers()['idempotency-key'], body: r.postData() });
  });
  await signInAs(page, who, 'fr');
  await open(page, `/consultations/${c.id}`);
  await page.waitForSelector('#ballot-form');
  assert.equal(await page.locator(`#choice-${answered[0]}`).count(), 0, 'the answered question is not in the ballot');
  assert.match(await text(page, '#my-ballot'), /pas encore voté/);
  assert.equal(await page.getAttribute('#ballot-count', 'aria-live'), 'polite');
  assert.equal(await text(page, '#ballot-count'), 'Priorités choisies : 0 sur 2.');
  await assertAccessible(page, 'approval ballot, empty');

  // Tick two by keyboard: Space on the focused checkbox, Tab to the next.
  await page.locator(`#choice-${ids[0]}`).focus();
  await page.keyboard.press('Space');
  assert.equal(await text(page, '#ballot-count'), 'Priorités choisies : 1 sur 2.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await text(page, '#ballot-count'), 'Priorités choisies : 2 sur 2.');
  // A third is refused, and said.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await page.locator(`#choice-${ids[2]}`).isChecked(), false, 'a third cannot be ticked');
  assert.match(await text(page, '#ballot-limit'), /Vous ne pouvez pas en choisir plus de 2/);
  assert.match(await page.textContent('#ballot-count'), /2 sur 2\..*plus de 2/, 'the live count says it too');
  await assertAccessible(page, 'approval ballot at its limit');
  await shot(page, 'ballot-approval-limit-fr');

  // The first send meets a network error; sent again, the same key.
  let cut = true;
  await page.route(`**${ballotPath(c.id)}`, (route) => {
    if (cut && route.request().method() === 'PUT') { cut = false; return route.abort('internetdisconnected'); }
    return route.continue();
  });
  await tabTo(page, '#ballot-send');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ballot-form .form-error');
  assert.match(await text(page, '#ballot-form .form-error'), /connexion a échoué/);
  await tabTo(page, '#ballot-send');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ballot-result .notice.ok');
  assert.equal(puts.length, 2);
  assert.match(puts[0].key, /^[0-9a-f]{32}$/, 'an Idempotency-Key on the PUT');
  assert.equal(puts[1].key, puts[0].key, 'the same key for the same change sent again');
  let held = ok(await getBallot(who, c.id), 200, 'GET ballot');
  assert.deepEqual(held.choices.slice().sort((a, b) => a - b), [ids[0], ids[1]].sort((a, b) => a - b));
  assert.match(await text(page, '#my-ballot'), /Votre vote est enregistré/);
  await assertAccessible(page, 'approval ballot saved');

  // Change: untick the first, tick the third, send: a new key.
  await tabTo(page, `#choice-${ids[0]}`);
  await page.keyboard.press('Space');
  await tabTo(page, `#choice-${ids[2]}`);
  await page.keyboard.press('Space');
  await tabTo(page, '#ballot-send');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Merci/.test(document.querySelector('#ballot-result').textContent));
  assert.equal(puts.length, 3);
  assert.notEqual(puts[2].key, puts[0].key, 'a new key for a new change');
  held = ok(await getBallot(who, c.id), 200);
  assert.deepEqual(held.choices.slice().sort((a, b) => a - b), [ids[1], ids[2]].sort((a, b) => a - b));

  // After a reload, "my ballot" shows what the API holds.
  await open(page, `/consultations/${c.id}`);
  await page.waitForSelector('#my-ballot-choices');
  const shown = await page.$$eval('#my-ballot-choices li', (els) => els.map((e) => e.textContent));
  assert.deepEqual(shown.sort(), [c.priorities.find((p) => p.id === ids[1]).title_fr, c.priorities.find((p) => p.id === ids[2]).title_fr].sort());
  assert.equal(await page.locator(`#choice-${ids[1]}`).isChecked(), true);
  assert.equal(await page.locator(`#choice-${ids[0]}`).isChecked(), false);

  // Withdraw.
  await tabTo(page, '#ballot-withdraw');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /retiré/.test(document.querySelector('#ballot-result').textContent));
  const gone = await getBallot(who, c.id);
  assert.equal(gone.status, 404, 'the API holds no ballot');
  assert.match(await text(page, '#my-ballot'), /pas encore voté/);
  await assertAccessible(page, 'approval ballot withdrawn');

  // The session ends mid-ballot: the choices are kept, and a sign-in asked.
  await page.locator(`#choice-${ids[1]}`).uncheck();
  await page.locator(`#choice-${ids[2]}`).uncheck();
  await page.locator(`#choice-${ids[3]}`).check();
  await page.context().clearCookies();
  await page.locator('#ballot-send').click();
  await page.waitForSelector('#ballot-expired');
  assert.match(await text(page, '#ballot-expired'), /Vos choix sont gardés/);
  assert.equal(await page.locator('#ballot-expired a').getAttribute('href'), `/signin?next=${encodeURIComponent(`/consultations/${c.id}`)}`);
  await assertAccessible(page, 'ballot, session ended');
  await signIn(page, who);
  await open(page, `/consultations/${c.id}`);
  await page.waitForSelector('#ballot-restored');
  for (const id of [ids[1], ids[2]]) assert.equal(await page.locator(`#choice-${id}`).isChecked(), false);
  assert.equal(await page.locator(`#choice-${ids[3]}`).isChecked(), true, 'the choice made before the session ended is back');
  await shot(page, 'ballot-approval-restored-fr');
  // The network error was made above on purpose; nothing else went wrong.
  page.problems = page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p));
  await page.locator('#ballot-send').click();
  await page.waitForSelector('#ballot-result .notice.ok');
  assert.deepEqual(ok(await getBallot(who, c.id), 200).choices, [ids[3]]);
  assertNoProblems(page);
  await page.context().close();

  // English, and at 320 px and 200% zoom.
  for (const opts of [{ lang: 'en' }, { lang: 'en', width: 320, height: 640 }, { lang: 'fr', width: 1280, height: 800, zoom: 2 }]) {
    const p = await pageFor(opts);
    await signInAs(p, who, opts.lang);
    await open(p, `/consultations/${c.id}`);
    await p.waitForSelector('#ballot-form');
    if (!opts.width) {
      assert.equal(await text(p, '#ballot-count'), '1 of 2 chosen.');
      await assertAccessible(p, 'approval ballot (en)');
      await shot(p, 'ballot-approval-en');
    } else {
      await assertNoHorizontalScroll(p, `ballot at ${opts.zoom ? '200%' : '320 px'}`);
      await shot(p, `ballot-approval-${opts.zoom ? 'zoom200' : '320'}`);
    }
    assertNoProblems(p);
    await p.context().close();
  }
});

test('ranked ballot by keyboard only: add, move up and down (focus follows, position announced), the limit said; the API holds the order', async () => {
  const adm = await admin();
  const titles = ['Douleur chronique', 'Effets de l’immunothérapie', 'Alimentation pendant le traitement', 'Sommeil'];
  const { c, ids } = await votingConsultation({ adm, method: 'ranked', k: 3, priorities: 4, titles, title_en: 'Ranked vote' });
  const [A, B, C, D] = ids;
  const who = await participant();
  const page = await pageFor({ lang: 'fr' });
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT' && r.url().endsWith(ballotPath(c.id))) puts.push(r.headers()['idempotency-key']); });
  await signInAs(page, who, 'fr');
  await open(page, `/consultations/${c.id}`);
  await page.waitForSelector('#ballot-form');
  await assertAccessible(page, 'ranked ballot, empty');
  // Each button names its item.
  assert.equal(await page.getByRole('button', { name: new RegExp(`^Ajouter à mon classement\\s*: ${titles[0]}$`) }).count(), 1);

  // Add A, B, C with Enter / Space on their buttons, reached by Tab.
  await page.keyboard.press('Tab'); // into the page, keyboard from here on
  for (const [id, key] of [[A, 'Enter'], [B, 'Space'], [C, 'Enter']]) {
    await tabTo(page, `button[data-kind="add"][data-id="${id}"]`);
    await page.keyboard.press(key);
  }
  const order = () => page.$$eval('#ranking li', (els) => els.map((e) => Number(e.dataset.id)));
  assert.deepEqual(await order(), [A, B, C]);
  assert.equal(await text(page, '#ballot-count'), 'Priorités classées : 3 sur 3.');
  // Move C up twice: the focus stays on its "move up" button; the position is announced.
  await tabTo(page, `button[data-kind="up"][data-id="${C}"]`);
  await page.keyboard.press('Enter');
  assert.deepEqual(await order(), [A, C, B]);
  assert.deepEqual(await focused(page).then((f) => [f.kind, f.id]), ['up', C], 'the focus follows the moved item');
  await page.waitForFunction(() => /position 2 sur 3/.test(document.querySelector('#live').textContent));
  await page.keyboard.press('Space');
  assert.deepEqual(await order(), [C, A, B]);
  await page.waitForFunction(() => /position 1 sur 3/.test(document.querySelector('#live').textContent));
  assert.match(await text(page, '#live'), /Alimentation pendant le traitement/);
  // Move A down: C, B, A.
  await tabTo(page, `button[data-kind="down"][data-id="${A}"]`);
  await page.keyboard.press('Enter');
  assert.deepEqual(await order(), [C, B, A]);
  assert.deepEqual(await focused(page).then((f) => [f.kind, f.id]), ['down', A]);
  // A fourth is refused, and said.
  await tabTo(page, `button[data-kind="add"][data-id="${D}"]`);
  await page.keyboard.press('Enter');
  assert.match(await text(page, '#ballot-limit'), /pas en classer plus de 3/);
  assert.deepEqual(await order(), [C, B, A]);
  await assertAccessible(page, 'ranked ballot at its limit');
  await shot(page, 'ballot-ranked-fr');
  // Send by keyboard; the API holds the order shown.
  await tabTo(page, '#ballot-send');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ballot-result .notice.ok');
  assert.match(puts[0], /^[0-9a-f]{32}$/);
  assert.deepEqual(ok(await getBallot(who, c.id), 200).choices, [C, B, A]);
  // Remove B, move it back by adding: C, A, B.
  await tabTo(page, `button[data-kind="remove"][data-id="${B}"]`);
  await page.keyboard.press('Enter');
  assert.deepEqual(await focused(page).then((f) => [f.kind, f.id]), ['add', B], 'the focus follows the removed item');
  await page.keyboard.press('Enter');
  assert.deepEqual(await order(), [C, A, B]);
  await tabTo(page, '#ballot-send');
  await page.keyboard.press('Enter');
  await page.waitForFunction((second) => document.querySelectorAll('#my-ballot-choices li')[1]?.textContent === second, titles[0]);
  assert.deepEqual(ok(await getBallot(who, c.id), 200).choices, [C, A, B]);
  assert.notEqual(puts[1], puts[0], 'a new key for a new change');
  assert.deepEqual(await page.$$eval('#my-ballot-choices li', (els) => els.map((e) => e.textContent)), [titles[2], titles[0], titles[1]]);
  await assertAccessible(page, 'ranked ballot saved');
  assertNoProblems(page);
  await page.context().close();

  // English, 320 px.
  for (const opts of [{ lang: 'en' }, { lang: 'en', width: 320, height: 640 }]) {
    const p = await pageFor(opts);
    await signInAs(p, who, opts.lang);
    await open(p, `/consultations/${c.id}`);
    await p.waitForSelector('#ranking li');
    assert.equal(await p.getByRole('button', { name: new RegExp(`^Move up\\s*: ${titles[0]}$`) }).count(), 1);
    if (opts.width) await assertNoHorizontalScroll(p, 'ranked ballot at 320 px');
    else await assertAccessible(p, 'ranked ballot (en)');
    await shot(p, `ballot-ranked-en${opts.width ? '-320' : ''}`);
    assertNoProblems(p);
    await p.context().close();
  }
});

test('home and a consultation at 320 px and 200% zoom: no sideways scroll', async () => {
  const adm = await admin();
  const { c } = await richConsultation(adm);
  for (const opts of [{ width: 320, height: 640 }, { width: 1280, height: 800, zoom: 2 }]) {
    const page = await pageFor(opts);
    for (const path of ['/', `/consultations/${c.id}`]) {
      await open(page, path);
      await assertNoHorizontalScroll(page, `${path} at ${opts.zoom ? '200%' : '320 px'}`);
      await shot(page, `narrow-${path === '/' ? 'home' : 'consultation'}-${opts.zoom ? 'zoom200' : '320'}`);
    }
    assertNoProblems(page);
    await page.context().close();
  }
});
