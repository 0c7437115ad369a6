// SPDX-License-Identifier: AGPL-3.0-or-later
// The results of a consultation (/consultations/ID/results): raw and
// weighted results side by side (an SVG chart with the 95% margins of
// error, and a table of the same numbers), for a ranked vote the Borda
// points, the Schulze order (ties shown as ties) and the JLA combination
// of the participant groups; with or without the ballots of people who
// declared interests; the participation of the strata (a map loaded only
// when the consultation is weighted, and its table); the downloads.

import { $, h, replace, uid } from '../dom.js';
import { dateTime, errorText, lang, num, pct, t, tp } from '../i18n.js';
import { get } from '../api.js';
import { announce, boot, ready, setTitle } from '../layout.js';
import { choices } from '../shapes.js';
import { barChart, swatch } from '../charts.js';

await boot({ titleKey: 'results.title' });

const ROUTE = '/api/v1/consultations/{id}/results';
const id = Number((/^\/consultations\/(\d+)\/results\/?$/.exec(location.pathname) || [])[1]);
const resultsPath = (view, ext = '') => `/api/v1/consultations/${id}/results${ext}?interests=${encodeURIComponent(view)}`;
const main = $('#page');
const h1 = $('#page-title');

// Text of the consultation or a priority in the page's language; French
// when there is no English (marked as French for screen readers).
function localized(obj, field) {
  const en = lang() === 'en' && obj[`${field}_en`];
  return h('span', { lang: en || lang() === 'fr' ? null : 'fr' }, en || obj[`${field}_fr`]);
}
const plainTitle = (obj) => (lang() === 'en' && obj.title_en) || obj.title_fr;

const fmt1 = (x) => num(x, { maximumFractionDigits: 1 });
const fmt2 = (x) => num(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const marginText = (m) => t('results.margin_value', { m: num(m * 100, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) });

// A rank, "=2" when shared with another priority (and said so in words).
function rankCell(rank, all) {
  const tied = all.filter((r) => r === rank).length > 1;
  return tied ? [`=${num(rank)}`, h('span', { class: 'visually-hidden' }, ` (${t('results.tie')})`)] : num(rank);
}

const th = (text, attrs = {}) => h('th', { scope: 'col', ...attrs }, text);
const td = (text, cls = 'num') => h('td', { class: cls }, text);
const table = (caption, head, rows) => h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
  h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows)));

// ------------------------------------------------------------- sections

function summary(r) {
  const parts = [tp('results.ballots', r.ballots)];
  if (r.assisted) parts.push(tp('results.assisted', r.assisted));
  return h('p', { class: 'results-summary' }, parts.join(' '), ' ',
    t(r.method === 'ranked' ? 'results.method_ranked' : 'results.method_approval'), ' ',
    t('results.computed_at', { at: dateTime(r.computed_at) }));
}

function priorityChart(r) {
  const weighted = Boolean(r.weighting && r.weighting.status === 'ok');
  const ranks = r.priorities.map((p) => p.rank);
  const items = r.priorities.map((p) => ({
    label: `${ranks.filter((x) => x === p.rank).length > 1 ? '=' : ''}${num(p.rank)}. ${plainTitle(p)}`,
    lang: lang() === 'en' && !p.title_en ? 'fr' : null,
    bars: [
      { series: 'raw', value: p.share, text: t('results.bar_raw', { share: pct(p.share), n: num(p.supporters) }) },
      weighted && p.weighted_share !== null ? {
        series: 'weighted', value: p.weighted_share, margin: p.margin_of_error,
        text: t('results.bar_weighted', { share: pct(p.weighted_share), margin: marginText(p.margin_of_error) }),
      } : null,
    ].filter(Boolean),
  }));
  const box = h('div', { class: 'chart-box' });
  const legend = h('ul', { class: 'chart-legend' },
    h('li', {}, swatch('raw'), ' ', t('results.legend_raw')),
    weighted ? [h('li', {}, swatch('weighted'), ' ', t('results.legend_weighted')),
      h('li', {}, swatch('error'), ' ', t('results.legend_margin'))] : null);
  const fig = h('figure', { class: 'chart-figure' },
    h('figcaption', {}, t(weighted ? 'results.chart_caption' : 'results.chart_caption_raw')), legend, box);
  return { fig, draw: () => barChart(box, {
    title: t(weighted ? 'results.chart_caption' : 'results.chart_caption_raw'),
    desc: t('results.chart_desc'),
    items,
  }) };
}

function priorityTable(r) {
  const weighted = Boolean(r.weighting && r.weighting.status === 'ok');
  const ranks = r.priorities.map((p) => p.rank);
  const head = [th(t('results.col_rank')), th(t('results.col_priority')), th(t('results.col_supporters'), { class: 'num' }),
    th(t('results.col_share'), { class: 'num' })];
  if (weighted) {
    head.push(th(t('results.col_weighted_supporters'), { class: 'num' }), th(t('results.col_weighted_share'), { class: 'num' }),
      th(t('results.col_margin'), { class: 'num' }));
  }
  const rows = r.priorities.map((p) => h('tr', { dataset: { priority: p.id } },
    td(rankCell(p.rank, ranks)), h('th', { scope: 'row' }, localized(p, 'title')),
    td(num(p.supporters)), td(pct(p.share)),
    weighted ? [td(fmt1(p.weighted_supporters)), td(pct(p.weighted_share)), td(marginText(p.margin_of_error))] : null));
  return table(t('results.table_caption'), head, rows);
}

function rankedSection(r) {
  const titles = Object.fromEntries(r.priorities.map((p) => [p.id, p]));
  const weighted = Boolean(r.weighting && r.weighting.status === 'ok');
  const schulze = r.priorities.map((p) => p.schulze_rank);
  const jla = r.priorities.map((p) => p.jla_rank);
  const head = [th(t('results.col_priority')), th(t('results.col_points'), { class: 'num' }),
    weighted ? th(t('results.col_weighted_points'), { class: 'num' }) : null,
    th(t('results.col_firsts'), { class: 'num' }), th(t('results.col_schulze'), { class: 'num' }),
    th(t('results.col_jla_points'), { class: 'num' }), th(t('results.col_jla_rank'), { class: 'num' })];
  const rows = r.priorities.map((p) => h('tr', { dataset: { priority: p.id } },
    h('th', { scope: 'row' }, localized(p, 'title')), td(num(p.points)),
    weighted ? td(fmt1(p.weighted_points)) : null,
    td(num(p.firsts)), td(rankCell(p.schulze_rank, schulze)),
    td(fmt1(p.jla_points)), td(rankCell(p.jla_rank, jla))));
  const tiers = (r.schulze_order || []).map((tier) => {
    const rank = titles[tier[0]] ? titles[tier[0]].schulze_rank : 0;
    const tie = tier.length > 1;
    return h('li', {},
      h('span', { class: 'tier-rank' }, tie ? `=${num(rank)}` : num(rank)), ' ',
      tie ? h('span', { class: 'tag' }, t('results.tie')) : null, ' ',
      tier.map((pid, i) => [i ? ' ; ' : '', titles[pid] ? localized(titles[pid], 'title') : String(pid)]));
  });
  const g = r.groups || {};
  const jlaOrder = r.priorities.slice().sort((a, b) => a.jla_rank - b.jla_rank || a.position - b.position);
  return h('section', { 'aria-labelledby': 'ranked-h' },
    h('h2', { id: 'ranked-h' }, t('results.ranked_heading')),
    h('p', {}, t('results.borda_explain')),
    table(t('results.ranked_caption'), head, rows),
    h('h3', {}, t('results.schulze_heading')),
    h('p', {}, t('results.schulze_explain')),
    h('ol', { class: 'tiers' }, tiers),
    h('h3', {}, t('results.jla_heading')),
    h('p', {}, t('results.jla_explain')),
    h('p', {}, t('results.jla_groups', {
      patients: num(g.patients_carers || 0), professionals: num(g.professionals_researchers || 0), citizens: num(g.citizens || 0),
    })),
    h('ol', { class: 'jla-order' }, jlaOrder.map((p) => h('li', {},
      h('span', { class: 'tier-rank' }, rankCell(p.jla_rank, jla)), ' ', localized(p, 'title'), ' — ',
      tp('results.points', p.jla_points, { n: fmt1(p.jla_points) })))));
}

// The participation of the strata: the sentences on weighting, n_eff,
// the map (loaded now), its table and the strata with no participant.
function weightingSection(r, names) {
  const w = r.weighting;
  const sec = h('section', { 'aria-labelledby': 'weighting-h' }, h('h2', { id: 'weighting-h' }, t('results.weighting_heading')));
  if (!w) {
    sec.append(h('p', {}, t('results.unweighted')));
    return { sec };
  }
  sec.append(h('p', { class: 'explain' }, t('results.weighting_what')), h('p', { class: 'explain' }, t('results.weighting_example')));
  if (w.status !== 'ok') sec.append(h('p', { class: 'notice warn' }, t(`results.status_${w.status}`)));
  const scheme = t(w.scheme === 'fr-regions' ? 'results.scheme_regions' : 'results.scheme_departements');
  sec.append(h('ul', { class: 'facts' },
    h('li', {}, t('results.scheme', { scheme })),
    h('li', {}, t('results.neff', { neff: fmt1(w.n_eff), n: fmt1(w.n) })),
    h('li', {}, t('results.neff_explain')),
    w.excluded.unknown || w.excluded.outside
      ? h('li', {}, t('results.excluded', { unknown: num(w.excluded.unknown), outside: num(w.excluded.outside) })) : null,
    h('li', {}, t('results.cap', { cap: num(w.cap) })),
    h('li', {}, t('results.population_source', { vintage: w.vintage }))));
  const mapBox = h('div', { class: 'map-box' });
  const legendBox = h('div', {});
  const noOutline = h('p', { class: 'hint', hidden: true });
  const fig = h('figure', { class: 'map-figure' },
    h('figcaption', {}, t('results.map.caption')),
    mapBox, legendBox, noOutline,
    h('p', { class: 'attribution' }, t('results.map.attribution_before'), ' ',
      h('a', { href: 'https://github.com/VictorCazanave/svg-maps', lang: 'en' }, 'svg-maps (Victor Cazanave)'), ', ',
      t('results.map.licence'), ' ',
      // The regions' outline is the package's CC BY-NC 4.0 (docs/third-party.md).
      w.scheme === 'fr-regions'
        ? h('a', { href: 'https://creativecommons.org/licenses/by-nc/4.0/deed.fr', lang: 'en' }, 'CC BY-NC 4.0')
        : h('a', { href: 'https://creativecommons.org/licenses/by/4.0/deed.fr', lang: 'en' }, 'CC BY 4.0'), ' ',
      t(w.scheme === 'fr-regions' ? 'results.map.changes_regions' : 'results.map.changes_departements')));
  sec.append(fig);
  const head = [th(t(w.scheme === 'fr-regions' ? 'results.col_region' : 'results.col_departement')),
    th(t('results.col_participants'), { class: 'num' }), th(t('results.col_population_share'), { class: 'num' }),
    th(t('results.col_sample_share'), { class: 'num' }), th(t('results.col_weight'), { class: 'num' })];
  const rows = w.strata.map((st) => h('tr', { dataset: { stratum: st.code } },
    h('th', { scope: 'row' }, `${names[st.code] || st.name} (${st.code})`),
    td(fmt1(st.participants)), td(pct(st.population_share)), td(pct(st.sample_share)),
    td(st.participants > 0 ? fmt2(st.weight) : t('results.no_weight'))));
  sec.append(table(t('results.strata_caption'), head, rows));
  const empty = w.empty_strata || [];
  sec.append(h('p', { class: 'empty-strata' }, empty.length
    ? [tp('results.empty_strata', empty.length), ' ', empty.map((c) => names[c] || (w.strata.find((x) => x.code === c) || {}).name || c).join(', '), '.']
    : t('results.no_empty_strata')));
  const drawMap = async () => {
    try {
      const map = await import('../map.js');
      const missing = await map.drawMap(mapBox, w, names);
      replace(legendBox, map.mapLegend(w));
      if (missing.length) {
        noOutline.hidden = false;
        noOutline.textContent = t('results.map.not_drawn', { list: missing.map((c) => names[c] || c).join(', ') });
      }
    } catch {
      fig.replaceChildren(h('p', { class: 'hint' }, t('results.map.unavailable')));
    }
  };
  return { sec, drawMap };
}

// The names to show for the strata: with their accents from the map's
// outlines when the API's are the same names written without them.
async function strataNames(w) {
  if (!w) return {};
  try {
    const map = await import('../map.js');
    const data = await map.outlines(w.scheme);
    const out = {};
    for (const st of w.strata) {
      const l = data.locations.find((x) => x.id === map.areaId(w.scheme, st.code));
      out[st.code] = map.displayName(st.name, l && l.name);
    }
    return out;
  } catch {
    return {};
  }
}

function downloads(view) {
  return h('section', { 'aria-labelledby': 'downloads-h' },
    h('h2', { id: 'downloads-h' }, t('results.downloads_heading')),
    h('p', {}, t('results.downloads_explain')),
    h('ul', { class: 'downloads' },
      h('li', {}, h('a', { href: resultsPath(view, '.csv'), download: `consultation-${id}-results.csv`, type: 'text/csv' },
        t('results.download_csv'))),
      h('li', {}, h('a', { href: resultsPath(view), download: `consultation-${id}-results.json`, type: 'application/json' },
        t('results.download_json')))));
}

function notInVote(r) {
  if (!r.not_in_vote || !r.not_in_vote.length) return null;
  return h('section', { 'aria-labelledby': 'answered-h' },
    h('h2', { id: 'answered-h' }, t('results.answered_heading')),
    h('p', {}, t('results.answered_explain')),
    h('ul', {}, r.not_in_vote.map((p) => h('li', {}, localized(p, 'title')))));
}

// ------------------------------------------------------------------ page

async function render(box, r) {
  const names = await strataNames(r.weighting);
  const chart = priorityChart(r);
  const ws = weightingSection(r, names);
  replace(box,
    summary(r),
    h('section', { 'aria-labelledby': 'priorities-h' },
      h('h2', { id: 'priorities-h' }, t('results.priorities_heading')),
      r.weighting && r.weighting.status === 'ok' ? h('p', {}, t('results.side_by_side')) : null,
      chart.fig, priorityTable(r)),
    r.method === 'ranked' ? rankedSection(r) : null,
    ws.sec,
    notInVote(r),
    downloads(r.interests));
  chart.draw();
  if (ws.drawMap) await ws.drawMap();
}

function interestsSwitch(views, current, onchange) {
  const name = uid('interests');
  return h('fieldset', { class: 'interests-switch' },
    h('legend', {}, t('results.interests_legend')),
    views.map((v) => {
      const cid = `${name}-${v}`;
      return h('div', { class: 'field field-radio' },
        h('input', { type: 'radio', name, id: cid, value: v, checked: v === current, onchange: () => onchange(v) }), ' ',
        h('label', { for: cid }, t(`results.interests_${v}`)));
    }),
    h('p', { class: 'hint' }, t('results.interests_hint')));
}

async function start() {
  if (!id) {
    replace(main, h('p', { class: 'notice warn' }, errorText({ code: 'not_found' })));
    return;
  }
  const views = await choices('GET', ROUTE, 'interests', 'query').catch(() => ['include', 'exclude']);
  const asked = new URLSearchParams(location.search).get('interests');
  let view = views.includes(asked) ? asked : views[0];
  const [c, r] = await Promise.all([get(`/api/v1/consultations/${id}`), get(resultsPath(view))]);
  if (c.ok) {
    const [before, after] = t('results.heading').split('{title}');
    replace(h1, before, localized(c.json, 'title'), after);
    setTitle(`${t('results.title')} — ${plainTitle(c.json)}`);
  }
  const back = h('p', {}, h('a', { href: `/consultations/${id}` }, t('results.back')));
  if (!r.ok) {
    const msg = [h('p', {}, errorText(r.error))];
    if (r.error && r.error.code === 'results_not_published' && c.ok) {
      msg.push(h('p', {}, c.json.publish_at
        ? t('results.publish_on', { at: dateTime(c.json.publish_at) })
        : t('results.publish_later')));
    }
    replace(main, h('div', { class: 'notice warn', role: 'status' }, msg), back);
    return;
  }
  const body = h('div', { id: 'results-body' });
  const sw = interestsSwitch(views, view, async (v) => {
    view = v;
    body.setAttribute('aria-busy', 'true');
    const next = await get(resultsPath(v));
    body.setAttribute('aria-busy', 'false');
    if (!next.ok) {
      announce(errorText(next.error));
      replace(body, h('p', { class: 'notice warn' }, errorText(next.error)));
      return;
    }
    const u = new URL(location.href);
    u.searchParams.set('interests', v);
    history.replaceState(null, '', u);
    await render(body, next.json);
    announce(t(`results.updated_${v}`, { n: next.json.ballots }));
  });
  replace(main, back, sw, body);
  await render(body, r.json);
}

try {
  await start();
} finally {
  ready();
}
