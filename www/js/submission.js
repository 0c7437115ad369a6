// SPDX-License-Identifier: AGPL-3.0-or-later
// Proposing a research question during question gathering: the length
// limits (from the API's own field table) and the moderation rule said
// before sending, what was typed kept across a session that ends, the
// answer announced, and the questions already sent listed.

import { h, replace } from './dom.js';
import { dateTime, errorText, t } from './i18n.js';
import { api, get } from './api.js';
import { announce, signinLink } from './layout.js';
import { clearErrors, field, keepDraft, showApiError, showError } from './form.js';
import { shape } from './shapes.js';

const STATUS = ['pending', 'published', 'hidden', 'rejected'];

function item(s) {
  const status = STATUS.includes(s.status) ? s.status : 'published';
  return h('li', { class: `card submission${s.mine ? ' mine' : ''}` },
    h('p', {}, s.text),
    h('p', { class: 'meta' },
      s.mine ? h('strong', {}, `${t('submission.yours')} · `) : `${s.author} · `,
      dateTime(s.created_at),
      s.mine || status !== 'published' ? [' · ', h('span', { class: 'tag' }, t(`submission.status.${status}`))] : null));
}

async function list(box, id) {
  const r = await get(`/api/v1/consultations/${id}/submissions?limit=100`);
  if (!r.ok) { replace(box, h('p', { class: 'notice warn' }, errorText(r.error))); return; }
  const subs = r.json.submissions;
  const mine = subs.filter((s) => s.mine);
  const others = subs.filter((s) => !s.mine);
  replace(box,
    h('h3', { id: 'mine-title' }, t('submission.mine')),
    mine.length ? h('ul', { class: 'cards', 'aria-labelledby': 'mine-title', id: 'my-submissions' }, mine.map(item))
      : h('p', { class: 'empty' }, t('submission.mine_empty')),
    h('h3', { id: 'others-title' }, t('submission.others')),
    others.length ? h('ul', { class: 'cards', 'aria-labelledby': 'others-title' }, others.map(item))
      : h('p', { class: 'empty' }, t('submission.others_empty')));
}

export async function mount(body, c) {
  let min = 10;
  let max = 2000;
  try {
    const f = await shape('POST', '/api/v1/consultations/{id}/submissions', 'text');
    min = f.min; max = f.max;
  } catch { /* the server checks anyway; its error is shown */ }
  const moderation = c.moderation === 'pre' ? 'pre' : 'post';
  const result = h('div', { id: 'submission-result' });
  const form = h('form', { id: 'submission-form', novalidate: true },
    h('p', { class: 'notice moderation', id: 'submission-rule' },
      h('strong', {}, `${t('submission.rule_title')} `), t(`submission.moderation.${moderation}`)),
    field({
      label: t('submission.label'), name: 'text', type: 'textarea', required: true,
      hint: t('submission.hint', { min, max }), maxlength: max, rows: 6,
    }),
    h('button', { type: 'submit', class: 'primary' }, t('submission.send')));
  const listBox = h('div', { id: 'submissions' });
  replace(body, h('p', {}, t('submission.intro')), form, result, listBox);
  const draft = keepDraft(form, `submission:${c.id}`);
  const text = form.elements.text;
  text.setAttribute('aria-describedby', `${text.getAttribute('aria-describedby')} submission-rule`);
  const button = form.querySelector('button[type=submit]');

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    replace(result);
    const value = text.value.trim();
    if (value.length < min) { showError(form, 'text', t('submission.too_short', { min })); return; }
    button.disabled = true;
    button.textContent = t('form.sending');
    const r = await api('POST', `/api/v1/consultations/${c.id}/submissions`, { text: value });
    button.disabled = false;
    button.textContent = t('submission.send');
    if (r.ok) {
      draft.forget();
      form.reset();
      const msg = t(r.json.status === 'pending' ? 'submission.sent_pending' : 'submission.sent_published');
      replace(result, h('p', { class: 'notice ok' }, h('span', { 'aria-hidden': 'true' }, '✓ '), msg));
      announce(msg);
      await list(listBox, c.id);
    } else if (r.status === 401) {
      draft.save();
      clearErrors(form);
      const p = h('div', { class: 'form-error', role: 'alert', tabindex: '-1' },
        h('p', {}, t('form.session_expired')),
        h('p', {}, h('a', { href: signinLink() }, t('submission.sign_in_again'))));
      form.prepend(p);
      p.focus();
    } else {
      showApiError(form, r);
    }
  });
  await list(listBox, c.id);
}
