// SPDX-License-Identifier: AGPL-3.0-or-later
// What the home page and the consultation page both say of a consultation:
// its text in the page's language (French, marked as such, where there is
// no English), its phase in words, and its dates.

import { h } from './dom.js';
import { date, lang, t } from './i18n.js';
import { get } from './api.js';

// The text of field (title, summary...) of o in the page's language:
// [text, langAttr]; langAttr is 'fr' when the English is missing on an
// English page (screen readers then read it in French), else null.
export function loc(o, field) {
  const en = lang() === 'en' && o[`${field}_en`];
  if (en) return [o[`${field}_en`], null];
  const fr = o[`${field}_fr`];
  if (fr === null || fr === undefined || fr === '') return [null, null];
  return [fr, lang() === 'fr' ? null : 'fr'];
}

// An element tag holding the localized field, or null when it is empty.
export function locEl(tag, o, field, attrs = {}) {
  const [text, l] = loc(o, field);
  if (!text) return null;
  return h(tag, { ...attrs, lang: l }, text);
}

// Text with line breaks as paragraphs.
export function paragraphs(o, field) {
  const [text, l] = loc(o, field);
  if (!text) return [];
  return text.split(/\n\s*\n|\n/).filter((x) => x.trim()).map((p) => h('p', { lang: l }, p));
}

export const isOpen = (c) => c.phase === 'gathering' || c.phase === 'voting';

// The phase in words, with a symbol that is only decoration.
const MARK = { draft: '✎', gathering: '✚', voting: '☑', closed: '■', published: '★' };
export function phaseTag(c) {
  return h('span', { class: `tag phase phase-${c.phase}` },
    h('span', { 'aria-hidden': 'true' }, `${MARK[c.phase] || ''} `),
    t(`consultation.phase.${c.phase}`));
}

// The sentence saying where the consultation stands in time.
export function whenText(c) {
  switch (c.phase) {
    case 'draft': return t('consultation.when.draft', { voting: date(c.voting_at) });
    case 'gathering': return t('consultation.when.gathering', { voting: date(c.voting_at) });
    case 'voting': return t('consultation.when.voting', { closes: date(c.closes_at) });
    case 'closed': return c.publish_at
      ? t('consultation.when.closed_publish', { closes: date(c.closes_at), publish: date(c.publish_at) })
      : t('consultation.when.closed', { closes: date(c.closes_at) });
    default: return t('consultation.when.published', { closes: date(c.closes_at) });
  }
}

// GET /api/v1/consultations/ID, once per page: the page's modules (the
// consultation, its comment threads) share one request.
const fetched = new Map();
export function consultationOf(id) {
  const key = String(id);
  if (!fetched.has(key)) fetched.set(key, get(`/api/v1/consultations/${key}`));
  return fetched.get(key);
}
