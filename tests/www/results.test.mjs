// SPDX-License-Identifier: AGPL-3.0-or-later
// The results page (/consultations/ID/results): raw and weighted results
// side by side (a chart with its margins of error and a table whose cells
// are the API's numbers), the participation map of the 8 départements of
// Île-de-France with the number of participants written on it, the table
// of the strata, n_eff, the sentences on weighting, the downloads; for a
// ranked vote the Borda points, the Schulze order with its tie and the JLA
// combination; the switch without the ballots of people who declared
// interests gives the API's numbers of that view; results not published
// say so plainly; accessible in French and English, no horizontal scroll
// at 320 px and at 200% zoom.
//
// Ballots come from several départements: each voter speaks from an
// address of the test GeoIP ranges (design §5) through X-Forwarded-For.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { consultationPath, resultsPath } from '../http/lib/paths.mjs';
import { DAY, HOUR, at, parseCsv } from '../http/lib/util.mjs';
import { anon } from '../http/lib/client.mjs';
import { ok } from '../http/lib/assert.mjs';
import { admin, participants } from '../http/lib/accounts.mjs';
import { newConsultation, newPriority, publish, vote } from '../http/lib/consultations.mjs';
import {
  I18N, SHOTS, assertAccessible, assertNoHorizontalScroll, assertNoProblems, closeBrowser, newPage, open, shot,
} from './lib.mjs';

after(closeBrowser);

const { fr, en } = I18N;
const CAT = I18N;

const IDF = ['75', '77', '78', '91', '92', '93', '94', '95'];
const BLOCK = { 75: 0, 77: 16, 78: 32, 91: 48, 92: 64, 93: 80, 94: 96, 95: 112 };
let seq = 0;
// An address of département d: IPv4 of its /28 block or IPv6 of its /48.
function addrOf(d) {
  seq += 1;
  return seq % 2 ? `192.0.2.${BLOCK[d] + 2 + (seq % 13)}` : `2001:db8:${d}::${(seq + 0x10).toString(16)}`;
}
const UNKNOWN = '203.0.113.9';

async function voteFrom(p, addr, cid, choices) {
  p.client.addr = addr;
  return vote(p, cid, choices);
}

// Ten voters, made once: patients, citizens, a health professional, and
// two citizens who declared interests (the last two).
let votersP;
const voters = () => (votersP ||= participants(10, (i) => {
  if (i < 3) return { profile: 'patient', postcode: null };
  if (i < 7) return { profile: 'citizen', postcode: null };
  if (i < 8) return { profile: 'health_professional', postcode: null };
  return { profile: 'citizen', postcode: null, interests_declared: true };
}));

const TITLES = ['Mieux soulager la douleur après une chirurgie', 'Réduire la fatigue pendant la chimiothérapie',
  'Aider les proches aidants au quotidien'];
const TITLES_EN = ['Better relief of pain after surgery', 'Less fatigue during chemotherapy', 'Help for carers every day'];

// A consultation weighted by the IDF départements, in its voting phase,
// with the three priorities of TITLES (French and English); then
// cast(cid, ids) votes and, unless published is false, it is published.
async function consultation({ method = 'approval', k = 2, cast, published = true }) {
  const a = await admin();
  const c = await newConsultation(a, {
    method, ...(method === 'approval' ? { max_choices: k } : { max_ranks: k }),
    weighting: 'idf-departements', voting_at: at(-HOUR), closes_at: at(DAY),
    title_fr: `Priorités contre la douleur ${Math.random().toString(36).slice(2, 7)}`, title_en: 'Priorities against pain',
  });
  const ids = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await newPriority(a, c.id, { position: i + 1, title_fr: TITLES[i], title_en: TITLES_EN[i] })).id);
  }
  ok(await a.client.patch(consultationPath(c.id), { phase: 'voting' }), 200, 'open the vote');
  if (cast) await cast(c.id, ids);
  if (published) await publish(a, c.id);
  return { c, ids };
}

// The approval consultation: 3 ballots from Paris, 2 from 93, 1 from 92,
// 1 from 77, 2 from 94 by the people who declared interests, 1 from an
// unknown place; nobody from 78, 91 or 95.
let approvalP;
const approval = () => (approvalP ||= (async () => {
  const v = await voters();
  return consultation({
    cast: async (cid, [A, B, C]) => {
      const ballots = [
        [v[0], '75', [A, B]], [v[1], '75', [A]], [v[2], '75', [B]],
        [v[3], '93', [A, C]], [v[4], '93', [C]], [v[5], '92', [A]], [v[6], '77', [B, C]],
        [v[8], '94', [C]], [v[9], '94', [C, B]],
      ];
      for (const [p, d, ch] of ballots) await voteFrom(p, addrOf(d), cid, ch);
      await voteFrom(v[7], UNKNOWN, cid, [A]);
    },
  });
})());

// Published results, read anonymously.
const apiResults = async (id, q = '') => ok(await anon().get(resultsPath(id, q)), 200, `results of ${id}${q}`);

const sp = (x) => String(x).replace(/[\s\u00a0\u202f]+/g, ' ').trim();

// The numbers as the page should write them, formatted here on their own.
const F = (lang) => ({
  int: (x) => sp(new Intl.NumberFormat(lang).format(x)),
  one: (x) => sp(new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(x)),
  two: (x) => sp(new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x)),
  pct: (x) => sp(new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x)),
  margin: (m) => sp(`± ${new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(m * 100)} points`),
});

// The tables of the page: [{ caption, head: [...], rows: [[th, td...]] }],
// spaces normalised (Intl writes narrow no-break spaces).
async function tables(page) {
  return page.evaluate(() => [...document.querySelectorAll('main table')].map((tb) => {
    const norm = (x) => x.textContent.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
    return {
      caption: norm(tb.caption),
      head: [...tb.tHead.rows[0].cells].map(norm),
      scopes: [...tb.tHead.rows[0].cells].map((c) => c.getAttribute('scope')),
      rows: [...tb.tBodies[0].rows].map((r) => [...r.cells].map(norm)),
      rowScopes: [...tb.tBodies[0].rows].map((r) => [...r.cells].filter((x) => x.tagName === 'TH').map((x) => x.getAttribute('scope')).join()),
    };
  }));
}
const tableBy = (all, caption) => {
  const tb = all.find((x) => x.caption === sp(caption));
  assert.ok(tb, `a table captioned "${caption}" among ${JSON.stringify(all.map((x) => x.caption))}`);
  assert.ok(tb.scopes.every((s) => s === 'col'), `column headers of "${caption}" have scope="col"`);
  assert.ok(tb.rowScopes.every((s) => s === 'row'), `row headers of "${caption}" have scope="row"`);
  return tb;
};
const rowOf = (tb, title) => {
  const row = tb.rows.find((r) => r[0] === sp(title) || r[1] === sp(title));
  assert.ok(row, `a row for "${title}" in "${tb.caption}": ${JSON.stringify(tb.rows)}`);
  return row;
};

// Asserts that the priorities table and the strata table hold the API's
// numbers of res, as a reader of lang sees them.
async function assertNumbers(page, res, lang) {
  const f = F(lang);
  const c = CAT[lang];
  const all = await tables(page);
  const main = tableBy(all, c['results.table_caption']);
  assert.deepEqual(main.head, [c['results.col_rank'], c['results.col_priority'], c['results.col_supporters'], c['results.col_share'],
    c['results.col_weighted_supporters'], c['results.col_weighted_share'], c['results.col_margin']].map(sp));
  for (const p of res.priorities) {
    const title = lang === 'en' ? p.title_en : p.title_fr;
    const row = rowOf(main, title);
    const tied = res.priorities.filter((q) => q.rank === p.rank).length > 1;
    assert.equal(row[0], tied ? `=${p.rank} (${c['results.tie']})` : String(p.rank), `rank of ${title}`);
    assert.deepEqual(row.slice(2), [f.int(p.supporters), f.pct(p.share), f.one(p.weighted_supporters), f.pct(p.weighted_share),
      f.margin(p.margin_of_error)], `raw and weighted numbers of "${title}" (${JSON.stringify(p)})`);
  }
  const strata = tableBy(all, c['results.strata_caption']);
  assert.equal(strata.rows.length, IDF.length, 'one row per département');
  for (const st of res.weighting.strata) {
    const row = strata.rows.find((r) => r[0].endsWith(`(${st.code})`));
    assert.ok(row, `a row for ${st.code}`);
    assert.deepEqual(row.slice(1), [f.one(st.participants), f.pct(st.population_share), f.pct(st.sample_share),
      st.participants > 0 ? f.two(st.weight) : c['results.no_weight']], `stratum ${st.code} (${JSON.stringify(st)})`);
  }
  const text = sp(await page.locator('main').innerText());
  assert.ok(text.includes(sp(c['results.neff'].replace('{neff}', f.one(res.weighting.n_eff)).replace('{n}', f.one(res.weighting.n)))),
    `n_eff ${res.weighting.n_eff} is written`);
  // The map: the 8 départements, each with its number of participants.
  const map = page.locator('svg.map');
  await map.waitFor();
  assert.equal(await map.getAttribute('role'), 'img');
  assert.ok(sp(await map.locator('title').textContent()).length > 20, 'the map has a text alternative');
  assert.deepEqual((await map.locator('path.map-area').evaluateAll((ps) => ps.map((p) => p.dataset.code))).sort(), IDF,
    'the map draws the 8 départements of Île-de-France');
  const labels = (await map.locator('text').allTextContents()).map(sp);
  for (const st of res.weighting.strata) {
    const want = sp(c['results.map.label'].replace('{code}', st.code).replace('{n}', f.int(st.participants)));
    assert.ok(labels.includes(want), `the map writes "${want}": ${JSON.stringify(labels)}`);
  }
  return text;
}

// ------------------------------------------------------------------ tests

test('approval: raw and weighted numbers as the API gives them, margins drawn, the map of the 8 départements, strata, n_eff, downloads', async () => {
  const { c } = await approval();
  const res = await apiResults(c.id);
  assert.equal(res.weighting.status, 'ok', `weighted: ${JSON.stringify(res.weighting)}`);
  assert.deepEqual(res.weighting.excluded, { unknown: 1, outside: 0 });

  const page = await newPage({ lang: 'fr', width: 1024 });
  await open(page, `/consultations/${c.id}/results`);
  assert.equal(sp(await page.locator('h1').textContent()), sp(`Résultats : ${c.title_fr}`));
  const text = await assertNumbers(page, res, 'fr');
  assert.ok(text.includes(sp(fr['results.weighting_what'])), 'the sentence on what weighting does');
  assert.ok(text.includes(sp(fr['results.weighting_example'])), 'the sentence on what a weight means');
  assert.ok(text.includes('Yvelines, Essonne, Val-d\'Oise'), `the strata with no participant are named: ${text}`);
  assert.ok(text.includes(sp(fr['results.excluded'].replace('{unknown}', '1').replace('{outside}', '0'))), 'the unknown place is reported apart');
  assert.ok(text.includes('10 personnes ont voté.'), 'the number of ballots');

  // The chart: an image with a text alternative, a bar per series and
  // per priority, and an error bar per weighted bar.
  const chart = page.locator('svg.chart');
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.equal(await chart.locator('rect.bar-raw').count(), 3);
  assert.equal(await chart.locator('rect.bar-weighted').count(), 3);
  assert.equal(await chart.locator('path.error-bar').count(), 3, 'the 95% margins of error are drawn');
  const chartText = (await chart.locator('text').allTextContents()).map(sp);
  for (const p of res.priorities) {
    assert.ok(chartText.includes(sp(`Pondéré : ${F('fr').pct(p.weighted_share)}, ${F('fr').margin(p.margin_of_error)}`)), `the chart writes the weighted share of ${p.id}: ${chartText}`);
  }
  // The licence of the outlines, attributed with its links.
  assert.equal(await page.locator('a[href="https://creativecommons.org/licenses/by/4.0/deed.fr"]').count(), 1);
  assert.equal(await page.locator('a[href="https://github.com/VictorCazanave/svg-maps"]').count(), 1);

  // The downloads answer with the CSV and the JSON of the same results.
  const csvHref = await page.getByRole('link', { name: fr['results.download_csv'] }).getAttribute('href');
  const jsonHref = await page.getByRole('link', { name: fr['results.download_json'] }).getAttribute('href');
  const csv = await page.request.get(csvHref);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /^text\/csv/);
  const rows = parseCsv(await csv.text());
  assert.deepEqual(rows[0].slice(0, 5), ['rank', 'priority_id', 'title', 'supporters', 'share'], 'the CSV header');
  assert.deepEqual(rows.slice(1).map((r) => [Number(r[1]), Number(r[3])]), res.priorities.map((p) => [p.id, p.supporters]), 'the CSV rows');
  const json = await page.request.get(jsonHref);
  assert.equal(json.status(), 200);
  assert.match(json.headers()['content-type'], /^application\/json/);
  const body = await json.json();
  assert.equal(body.consultation_id, c.id);
  assert.deepEqual(body.priorities.map((p) => p.weighted_share), res.priorities.map((p) => p.weighted_share));

  await assertAccessible(page, 'results (fr)');
  await shot(page, 'results-fr');
  await page.locator('.chart-figure').screenshot({ path: `${SHOTS}/results-chart-fr.png` });
  await page.locator('.map-figure').screenshot({ path: `${SHOTS}/results-map-fr.png` });
  assertNoProblems(page);
  await page.context().close();

  const pe = await newPage({ lang: 'en', width: 1024 });
  await open(pe, `/consultations/${c.id}/results`);
  assert.equal(sp(await pe.locator('h1').textContent()), 'Results: Priorities against pain');
  const textEn = await assertNumbers(pe, res, 'en');
  assert.ok(textEn.includes(en['results.weighting_what']), 'the sentence on weighting, in English');
  await assertAccessible(pe, 'results (en)');
  await shot(pe, 'results-en');
  assertNoProblems(pe);
  await pe.context().close();
});

test('the switch without declared interests gives the numbers of the API\'s view, the URL and the downloads follow', async () => {
  const { c } = await approval();
  const inc = await apiResults(c.id, '?interests=include');
  const exc = await apiResults(c.id, '?interests=exclude');
  assert.equal(exc.ballots, inc.ballots - 2, 'the two ballots with declared interests are left out by the API');
  const page = await newPage({ lang: 'fr' });
  await open(page, `/consultations/${c.id}/results`);
  assert.equal(await page.getByLabel(fr['results.interests_include']).isChecked(), true, 'all ballots by default');
  await page.getByLabel(fr['results.interests_exclude']).check();
  await page.waitForFunction(() => /8 personnes ont voté/.test(document.querySelector('.results-summary')?.textContent || '')
    && document.querySelector('#results-body')?.getAttribute('aria-busy') === 'false');
  await page.locator('svg.map text').first().waitFor();
  const text = await assertNumbers(page, exc, 'fr');
  assert.ok(text.includes('Yvelines, Essonne, Val-de-Marne, Val-d\'Oise'), `Val-de-Marne has nobody left: ${text}`);
  assert.match(page.url(), /\?interests=exclude$/);
  assert.match(await page.getByRole('link', { name: fr['results.download_csv'] }).getAttribute('href'), /interests=exclude/);
  assert.equal(await page.evaluate(() => document.activeElement.value), 'exclude', 'the focus stays on the switch');
  await page.waitForFunction((msg) => document.getElementById('live')?.textContent === msg, fr['results.updated_exclude']);
  await assertAccessible(page, 'results without interests');
  await shot(page, 'results-fr-without-interests');
  // A reload keeps the view.
  await open(page, page.url());
  assert.equal(await page.getByLabel(fr['results.interests_exclude']).isChecked(), true);
  assertNoProblems(page);
  await page.context().close();
});

test('ranked: Borda points, the Schulze order with a tie shown as a tie, the JLA combination', async () => {
  const v = await voters();
  // A first on every ballot but two; B and C beat each other twice: tied.
  const { c } = await consultation({
    method: 'ranked', k: 3,
    cast: async (cid, [A, B, C]) => {
      await voteFrom(v[0], addrOf('75'), cid, [A, B, C]);
      await voteFrom(v[3], addrOf('93'), cid, [A, C, B]);
      await voteFrom(v[7], addrOf('92'), cid, [B, A, C]);
      await voteFrom(v[4], addrOf('75'), cid, [C, A, B]);
    },
  });
  const res = await apiResults(c.id);
  const by = Object.fromEntries(res.priorities.map((p) => [p.title_fr, p]));
  assert.deepEqual(res.schulze_order.map((t) => t.length), [1, 2], `Schulze: A, then B = C: ${JSON.stringify(res.schulze_order)}`);
  for (const lang of ['fr', 'en']) {
    const c2 = CAT[lang];
    const f = F(lang);
    const page = await newPage({ lang });
    await open(page, `/consultations/${c.id}/results`);
    const all = await tables(page);
    const ranked = tableBy(all, c2['results.ranked_caption']);
    for (const p of res.priorities) {
      const title = lang === 'en' ? p.title_en : p.title_fr;
      const row = rowOf(ranked, title);
      const tie = (x, key) => (res.priorities.filter((q) => q[key] === x).length > 1 ? `=${x} (${c2['results.tie']})` : String(x));
      assert.deepEqual(row, [sp(title), f.int(p.points), f.one(p.weighted_points), f.int(p.firsts), tie(p.schulze_rank, 'schulze_rank'),
        f.one(p.jla_points), tie(p.jla_rank, 'jla_rank')], `ranked numbers of ${title}`);
    }
    assert.equal(by[TITLES[0]].points, 10);
    assert.ok(rowOf(ranked, lang === 'en' ? TITLES_EN[1] : TITLES[1])[4].startsWith('=2'), 'B is =2 in the Schulze order');
    assert.ok(rowOf(ranked, lang === 'en' ? TITLES_EN[2] : TITLES[2])[4].startsWith('=2'), 'C is =2 in the Schulze order');
    // The Schulze order as a list of tiers: B and C together at "=2".
    const tiers = (await page.locator('ol.tiers > li').allTextContents()).map(sp);
    assert.equal(tiers.length, 2);
    assert.ok(tiers[0].startsWith('1') && tiers[0].includes(lang === 'en' ? TITLES_EN[0] : TITLES[0]), tiers[0]);
    assert.ok(tiers[1].startsWith('=2') && tiers[1].includes(c2['results.tie']), `the tie is said: ${tiers[1]}`);
    for (const i of [1, 2]) assert.ok(tiers[1].includes(lang === 'en' ? TITLES_EN[i] : TITLES[i]), tiers[1]);
    const text = sp(await page.locator('main').innerText());
    assert.ok(text.includes(sp(c2['results.jla_explain'])), 'the JLA combination is explained');
    const g = res.groups;
    assert.ok(text.includes(sp(c2['results.jla_groups'].replace('{patients}', g.patients_carers)
      .replace('{professionals}', g.professionals_researchers).replace('{citizens}', g.citizens))), 'the ballots by group');
    assert.equal(await page.locator('ol.jla-order > li').count(), 3);
    await assertAccessible(page, `ranked results (${lang})`);
    await shot(page, `results-ranked-${lang}`);
    await page.locator('.map-figure').screenshot({ path: `${SHOTS}/results-ranked-${lang}-map.png` });
    assertNoProblems(page);
    await page.context().close();
  }
});

test('results not published yet: the plain message, in French and English', async () => {
  const v = await voters();
  const { c } = await consultation({ published: false, cast: (cid, [A]) => voteFrom(v[1], addrOf('77'), cid, [A]) });
  assert.equal((await anon().get(resultsPath(c.id))).status, 403);
  for (const lang of ['fr', 'en']) {
    const page = await newPage({ lang });
    await open(page, `/consultations/${c.id}/results`);
    const text = sp(await page.locator('main').innerText());
    assert.ok(text.includes(CAT[lang]['error.results_not_published']), `the message: ${text}`);
    assert.equal(await page.locator('main table').count(), 0, 'no table of results');
    assert.equal(await page.getByRole('link', { name: CAT[lang]['results.back'] }).getAttribute('href'), `/consultations/${c.id}`);
    await assertAccessible(page, `not published (${lang})`);
    await shot(page, `results-not-published-${lang}`);
    assertNoProblems(page);
    await page.context().close();
  }
});

test('320 px and 200% zoom: no horizontal scroll (the tables scroll in their own box)', async () => {
  const { c } = await approval();
  for (const [lang, width, zoom, name] of [['fr', 320, 1, 'results-fr-320'], ['en', 1280, 2, 'results-en-zoom200'], ['fr', 640, 2, 'results-fr-320-zoom200']]) {
    const page = await newPage({ lang, width, zoom });
    await open(page, `/consultations/${c.id}/results`);
    await page.locator('svg.map text').first().waitFor();
    await assertNoHorizontalScroll(page, `${name}`);
    // The chart is drawn at the page's width, its text at its full size.
    const { chartW, boxW } = await page.evaluate(() => ({
      chartW: document.querySelector('svg.chart').getBoundingClientRect().width,
      boxW: document.querySelector('.chart-box').clientWidth,
    }));
    assert.ok(Math.abs(chartW - boxW) < 3, `the chart fits its box (${chartW} in ${boxW})`);
    await assertAccessible(page, name);
    await shot(page, name);
    await page.locator('.map-figure').screenshot({ path: `${SHOTS}/${name}-map.png` });
    await page.locator('.chart-figure').screenshot({ path: `${SHOTS}/${name}-chart.png` });
    assertNoProblems(page);
    await page.context().close();
  }
});
