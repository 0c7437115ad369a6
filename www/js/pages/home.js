// SPDX-License-Identifier: AGPL-3.0-or-later
// The home page: the consultations open now (question gathering or vote)
// first, then those closed and published, each with its phase in words,
// its dates and, once its results are out, how many people took part.

import { h, replace, $ } from '../dom.js';
import { errorText, t, tp } from '../i18n.js';
import { get } from '../api.js';
import { boot, ready } from '../layout.js';
import { isOpen, loc, phaseTag, whenText } from '../consult.js';

await boot({ titleKey: 'home.title' });
const root = $('#page');

// Every consultation, page after page (a few pages at most).
async function all() {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 5; i++) {
    const r = await get(`/api/v1/consultations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!r.ok) return { error: r.error };
    out.push(...r.json.consultations);
    cursor = r.json.next_cursor;
    if (!cursor) break;
  }
  return { list: out };
}

// The first deadline ahead: when the current phase ends.
const deadline = (c) => Date.parse(c.phase === 'gathering' ? c.voting_at : c.closes_at);

function card(c) {
  const [title, l] = loc(c, 'title');
  const [summary, sl] = loc(c, 'summary');
  const count = h('p', { class: 'meta participants' },
    c.phase === 'gathering' ? t('home.participants_later') : tp('home.participants', c.participants));
  const li = h('li', { class: 'card consultation-card', dataset: { id: c.id } },
    h('h3', {}, h('a', { href: `/consultations/${c.id}`, lang: l }, title)),
    h('p', { class: 'meta' }, h('span', { class: 'visually-hidden' }, `${t('home.phase')} `), phaseTag(c)),
    h('p', { class: 'meta when' }, whenText(c)),
    summary ? h('p', { lang: sl }, summary) : null,
    count);
  return li;
}

function section(id, titleKey, emptyKey, items) {
  return h('section', { 'aria-labelledby': id },
    h('h2', { id }, t(titleKey)),
    items.length
      ? h('ul', { class: 'cards' }, items)
      : h('p', { class: 'notice empty' }, t(emptyKey)));
}

const { list, error } = await all();
if (error) {
  replace(root, h('p', { class: 'notice warn', role: 'alert' }, errorText(error)));
  ready();
} else {
  const open = list.filter(isOpen).sort((a, b) => deadline(a) - deadline(b));
  const done = list.filter((c) => c.phase === 'closed' || c.phase === 'published')
    .sort((a, b) => Date.parse(b.closes_at) - Date.parse(a.closes_at));
  const openCards = open.map(card);
  const doneCards = done.map(card);
  replace(root,
    h('p', { class: 'lead' }, t('home.intro')),
    section('open-title', 'home.open', 'home.open_empty', openCards),
    section('done-title', 'home.done', 'home.done_empty', doneCards));
  ready();
}
