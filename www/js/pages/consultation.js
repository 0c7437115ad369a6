// SPDX-License-Identifier: AGPL-3.0-or-later
// A consultation: its title, the easy-to-read summary first, then the
// summary and the text, its calendar, whether and how the reader can take
// part, the priorities with their evidence check, the questions research
// has already answered (apart: not in the vote), and the results once out.
// One API call before the content shows (the consultation, priorities
// included); the ballot or the question form come after, for those signed
// in, as modules of their own (ballot.js, submission.js).

import { h, replace, $ } from '../dom.js';
import { date, errorText, t, tp } from '../i18n.js';
import { boot, ready, setTitle, signinLink } from '../layout.js';
import { consultationOf, loc, locEl, paragraphs, phaseTag, whenText } from '../consult.js';

const { session } = await boot({ titleKey: 'consultation.title' });
const root = $('#consultation');
const h1 = $('#page-title');
const m = /^\/consultations\/(\d+)\/?$/.exec(location.pathname);
const id = m ? m[1] : null;

const r = id ? await consultationOf(id) : { ok: false, error: { code: 'not_found' } };

function evidenceStatus(p) {
  const mark = { unanswered: '?', partly_answered: '◐', answered: '✓' }[p.evidence_status] || '';
  return h('p', { class: `evidence evidence-${p.evidence_status}` },
    h('strong', {}, `${t('consultation.evidence')} `),
    h('span', { 'aria-hidden': 'true' }, `${mark} `),
    t(`consultation.evidence.${p.evidence_status}`));
}

function links(p) {
  if (!p.evidence_links.length) return h('p', { class: 'meta' }, t('consultation.no_reviews'));
  return [
    h('p', { class: 'links-title' }, t('consultation.reviews')),
    h('ul', { class: 'evidence-links' }, p.evidence_links.map((u, i) => {
      let host = u;
      try { host = new URL(u).hostname.replace(/^www\./, ''); } catch { /* shown whole */ }
      return h('li', {}, h('a', { href: u, rel: 'noopener noreferrer' }, t('consultation.review_link', { n: i + 1, host })));
    })),
  ];
}

function sources(p) {
  if (!p.sources.length) return null;
  return h('details', { class: 'sources' },
    h('summary', {}, tp('consultation.sources', p.sources.length)),
    h('ul', {}, p.sources.map((s) => h('li', {}, h('q', {}, s.text)))));
}

function priority(p) {
  const [title, l] = loc(p, 'title');
  return h('li', { class: 'card priority', id: `priority-${p.id}` },
    h('h3', { lang: l }, title),
    ...paragraphs(p, 'description'),
    p.question ? h('p', { class: 'question' }, h('strong', {}, `${t('consultation.question')} `), p.question) : null,
    evidenceStatus(p),
    links(p),
    sources(p));
}

// Whether the reader can take part now, and why (or why not).
function takePart(c) {
  const box = h('section', { id: 'take-part', 'aria-labelledby': 'take-part-title' },
    h('h2', { id: 'take-part-title' }, t(c.phase === 'gathering' ? 'submission.title' : c.phase === 'voting' ? 'ballot.title' : 'consultation.take_part')));
  const body = h('div', { id: 'take-part-body' });
  box.append(body);
  if (c.phase === 'gathering' || c.phase === 'voting') {
    const what = c.phase === 'gathering' ? 'submission' : 'ballot';
    if (!session) {
      body.append(
        h('p', {}, t(`${what}.why_sign_in`)),
        h('p', {}, h('a', { href: signinLink(), class: 'button primary', id: 'take-part-signin' }, t(`${what}.sign_in`)),
          ' ', h('a', { href: '/register' }, t('consultation.register'))));
    } else {
      body.append(h('p', { class: 'meta', id: 'take-part-loading' }, t('layout.loading')));
    }
  } else if (c.phase === 'draft') {
    body.append(h('p', {}, t('consultation.cannot.draft')));
  } else {
    body.append(h('p', {}, t('consultation.cannot.closed', { closes: date(c.closes_at) })));
  }
  return box;
}

function results(c) {
  if (c.phase === 'published') {
    return h('p', { class: 'notice ok results-link' },
      h('a', { href: `/consultations/${c.id}/results` }, t('consultation.results_link')));
  }
  if (c.phase === 'closed') {
    const staff = session && session.role !== 'participant';
    return h('p', { class: 'notice results-link' },
      c.publish_at ? t('consultation.results_on', { publish: date(c.publish_at) }) : t('consultation.results_soon'),
      staff ? [' ', h('a', { href: `/consultations/${c.id}/results` }, t('consultation.results_staff'))] : null);
  }
  return null;
}

function calendar(c) {
  const row = (key, value) => (value ? [h('dt', {}, t(key)), h('dd', {}, value)] : []);
  return h('section', { 'aria-labelledby': 'calendar-title', class: 'calendar' },
    h('h2', { id: 'calendar-title' }, t('consultation.calendar')),
    h('p', {}, h('span', { class: 'visually-hidden' }, `${t('home.phase')} `), phaseTag(c), ' ', whenText(c)),
    h('dl', {},
      row('consultation.dates.gathering', c.gathering_at && date(c.gathering_at)),
      row('consultation.dates.voting', t('consultation.dates.range', { from: date(c.voting_at), to: date(c.closes_at) })),
      row('consultation.dates.publish', c.publish_at && date(c.publish_at))),
    c.phase === 'gathering' || c.phase === 'voting'
      ? h('p', {}, h('a', { href: '#take-part' }, t(c.phase === 'gathering' ? 'submission.goto' : 'ballot.goto')))
      : null,
    results(c));
}

function render(c) {
  const [title, l] = loc(c, 'title');
  h1.textContent = title;
  if (l) h1.setAttribute('lang', l);
  setTitle(title);
  const easy = paragraphs(c, 'easy_summary');
  const inVote = c.priorities.filter((p) => p.in_vote);
  const answered = c.priorities.filter((p) => !p.in_vote);
  replace(root,
    easy.length
      ? h('section', { class: 'easy-read', 'aria-labelledby': 'easy-title', id: 'easy-read' },
        h('h2', { id: 'easy-title' }, t('consultation.easy')), easy)
      : null,
    h('section', { 'aria-labelledby': 'about-title', id: 'about' },
      h('h2', { id: 'about-title' }, t('consultation.about')),
      locEl('p', c, 'summary', { class: 'lead' }),
      paragraphs(c, 'body')),
    calendar(c),
    h('section', { 'aria-labelledby': 'priorities-title', id: 'priorities' },
      h('h2', { id: 'priorities-title' }, t('consultation.priorities')),
      inVote.length
        ? [h('p', {}, t(c.phase === 'gathering' ? 'consultation.priorities_intro_gathering' : 'consultation.priorities_intro')),
          h('ol', { class: 'cards priorities' }, inVote.map(priority))]
        : h('p', { class: 'notice empty' }, t(c.phase === 'gathering' ? 'consultation.priorities_empty_gathering' : 'consultation.priorities_empty'))),
    answered.length
      ? h('section', { 'aria-labelledby': 'answered-title', id: 'answered' },
        h('h2', { id: 'answered-title' }, t('consultation.answered')),
        h('p', {}, t('consultation.answered_intro')),
        h('ul', { class: 'cards answered' }, answered.map(priority)))
      : null,
    takePart(c));
}

if (!r.ok) {
  h1.textContent = t(r.status === 404 || r.error.code === 'not_found' ? 'consultation.not_found' : 'consultation.unavailable');
  setTitle(h1.textContent);
  replace(root, h('p', { class: 'notice warn', role: 'alert' }, errorText(r.error)),
    h('p', {}, h('a', { href: '/' }, t('common.back_home'))));
  ready();
} else {
  const c = r.json;
  render(c);
  ready();
  // After the content, for those signed in: the form or the ballot.
  if (session && (c.phase === 'gathering' || c.phase === 'voting')) {
    const body = $('#take-part-body');
    const mod = c.phase === 'gathering' ? await import('../submission.js') : await import('../ballot.js');
    await mod.mount(body, c);
  }
}
