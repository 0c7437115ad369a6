// SPDX-License-Identifier: AGPL-3.0-or-later
// Bar charts drawn as SVG by the page: for each priority, its title and
// one bar per series (raw, weighted), each bar with its value written
// above it and, for the weighted one, the 95% margin of error drawn as an
// error bar.  The series differ by pattern and label, never by colour
// alone.  The chart is drawn at the width of its box in CSS pixels (so its
// text keeps the page's size at 320 px and 200% zoom) and drawn again when
// that width changes.  It is an image (role="img") with a short text
// alternative; the table beside it carries the same numbers.

import { s, uid } from './dom.js';

const FONT = 16;      // px, the text of the chart
const LINE = 22;      // px between lines of text
const BAR = 18;       // px, the height of a bar
const GAP = 18;       // px between priorities

// Splits text into lines of at most max characters, at spaces.
export function wrap(text, max) {
  const lines = [];
  let line = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && (line.length + 1 + word.length) > max) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

const clamp01 = (x) => Math.max(0, Math.min(1, x));

// The hatching of the raw series (its pattern tells it apart in
// greyscale and in forced colours).
function hatch(id) {
  return s('pattern', { id, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    s('rect', { width: 8, height: 8, class: 'bar-raw-bg' }),
    s('line', { x1: 0, y1: 0, x2: 0, y2: 8, class: 'bar-raw-line', 'stroke-width': 4 }));
}

// Draws the chart of spec at width px:
// spec = { title, desc, items: [{ label, lang, bars: [{ series: 'raw'|'weighted', value (0..1), margin, text }] }] }
function draw(spec, width) {
  const w = Math.max(200, Math.floor(width));
  const plot = w - 2;
  const maxChars = Math.max(12, Math.floor(w / (FONT * 0.58)));
  const tid = uid('chart-title');
  const did = uid('chart-desc');
  const pid = uid('hatch');
  const body = [];
  let y = 4;
  for (const item of spec.items) {
    const g = s('g', { class: 'chart-item' });
    for (const line of wrap(item.label, maxChars)) {
      y += LINE;
      g.append(s('text', { x: 0, y, class: 'chart-label', lang: item.lang || null }, line));
    }
    for (const bar of item.bars) {
      y += LINE;
      g.append(s('text', { x: 0, y, class: `chart-value chart-value-${bar.series}` }, bar.text));
      y += 6;
      const x1 = 1 + plot * clamp01(bar.value || 0);
      g.append(s('rect', { x: 1, y, width: plot, height: BAR, class: 'bar-track' }));
      g.append(s('rect', {
        x: 1, y, width: Math.max(0, x1 - 1), height: BAR,
        class: `bar bar-${bar.series}`, fill: bar.series === 'raw' ? `url(#${pid})` : null,
      }));
      y += BAR;
      if (bar.margin !== null && bar.margin !== undefined) {
        // The margin of error, just under its bar: from p - m to p + m,
        // with a tick at p.
        const lo = 1 + plot * clamp01(bar.value - bar.margin);
        const hi = 1 + plot * clamp01(bar.value + bar.margin);
        const mid = y + 9;
        g.append(s('path', {
          d: `M${lo},${mid}H${hi}M${lo},${mid - 5}V${mid + 5}M${hi},${mid - 5}V${mid + 5}M${x1},${y}V${mid + 5}`,
          class: 'error-bar',
        }));
        y += 16;
      }
    }
    y += GAP;
    body.push(g);
  }
  const height = Math.ceil(y);
  return s('svg', {
    class: 'chart', role: 'img', 'aria-labelledby': tid, 'aria-describedby': did,
    viewBox: `0 0 ${w} ${height}`, width: w, height, focusable: 'false',
  },
  s('title', { id: tid }, spec.title),
  s('desc', { id: did }, spec.desc),
  s('defs', {}, hatch(pid)),
  body);
}

// Draws spec into box (an element) and again whenever its width changes.
export function barChart(box, spec) {
  let drawn = 0;
  const redraw = () => {
    const width = box.clientWidth;
    if (!width || Math.abs(width - drawn) < 2) return;
    drawn = width;
    box.replaceChildren(draw(spec, width));
  };
  redraw();
  if ('ResizeObserver' in window) new ResizeObserver(redraw).observe(box);
  return box;
}

// A small swatch for a legend (decorative: the legend's text says it all).
export function swatch(series) {
  const pid = uid('hatch');
  return s('svg', { class: 'swatch', viewBox: '0 0 24 16', width: 24, height: 16, 'aria-hidden': 'true', focusable: 'false' },
    series === 'raw' ? s('defs', {}, hatch(pid)) : null,
    series === 'error'
      ? [s('path', { d: 'M2,8H22M2,2V14M22,2V14', class: 'error-bar' })]
      : s('rect', { x: 1, y: 1, width: 22, height: 14, class: `bar bar-${series}`, fill: series === 'raw' ? `url(#${pid})` : null }));
}
