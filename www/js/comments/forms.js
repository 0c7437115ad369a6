// SPDX-License-Identifier: AGPL-3.0-or-later
// The forms of the comment threads: writing (a new thread, a reply, an
// edit) and flagging.  Limits and choices come from the route shapes (ctx);
// API refusals through showApiError, in the page's language.

import { h, uid } from '../dom.js';
import { num, t } from '../i18n.js';
import { api } from '../api.js';
import { signinLink } from '../layout.js';
import { clearErrors, field, keepDraft, showApiError, showError, values } from '../form.js';

const GLYPH = { for: '+', against: '−', neutral: '=' };

// "[+] For": the stance in words, with a glyph (never colour alone).
export const alignBadge = (a) => h('span', { class: `align align-${a}` },
  h('span', { class: 'align-glyph', 'aria-hidden': 'true' }, GLYPH[a] || '?'), ' ', t(`comments.align.${a}`));

function radios(name, legend, list, checked, label) {
  return h('fieldset', { class: 'field choices' }, h('legend', {}, legend),
    list.map((v) => {
      const id = uid(name);
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name, id, value: v, checked: v === checked }), ' ',
        h('label', { for: id }, label(v)));
    }));
}

function buttons(submitLabel, onCancel) {
  return h('div', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'primary' }, submitLabel),
    onCancel ? h('button', { type: 'button', onclick: onCancel }, t('comments.cancel')) : null);
}

// Closes a form with Escape (its caller puts the focus back).
const escapable = (form, onCancel) => form.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && onCancel) { e.preventDefault(); onCancel(); }
});

// Sends form's request with its button disabled meanwhile; shows the
// refusal (with a way to sign in again after a 401) and returns the result.
async function send(form, method, path, body) {
  clearErrors(form);
  const b = form.querySelector('button[type=submit]');
  const label = b.textContent;
  b.disabled = true;
  b.textContent = t('form.sending');
  const r = await api(method, path, body);
  b.disabled = false;
  b.textContent = label;
  if (!r.ok) {
    showApiError(form, r);
    if (r.status === 401) {
      const box = form.querySelector('.form-error') || form;
      box.append(' ', h('a', { href: signinLink() }, t('comments.sign_in_again')));
    }
  }
  return r;
}

// The form that writes a comment: a new thread (no parent), a reply
// (parent) or an edit (comment).  onDone(comment) gets the API's answer.
export function writeForm(ctx, { parent, comment, onDone, onCancel }) {
  const editing = Boolean(comment);
  const idBase = uid('write');
  const form = h('form', { class: 'comment-form', novalidate: true, 'aria-labelledby': `${idBase}-title` });
  const title = editing ? t('comments.edit_title') : parent ? t('comments.reply_title', { author: parent.author || t('comments.deleted_author') }) : t('comments.new_title');
  form.append(
    h(parent || editing ? 'p' : 'h3', { id: `${idBase}-title`, class: parent || editing ? 'form-title' : null }, title),
    h('p', { class: 'notice moderation-rule', id: `${idBase}-rule` }, t(ctx.pre ? 'comments.rule_pre' : 'comments.rule_post')),
    field({
      label: t('comments.body_label'), name: 'body', type: 'textarea', required: true,
      hint: t('comments.body_hint', { max: num(ctx.bodyMax) }), maxlength: ctx.bodyMax, value: comment ? comment.body : '',
    }),
    radios('alignment', t('comments.your_position'), ctx.alignments, comment ? comment.alignment : 'neutral', alignBadge),
    buttons(editing ? t('comments.save') : t('comments.send'), onCancel));
  const area = form.querySelector('textarea');
  area.setAttribute('aria-describedby', `${area.getAttribute('aria-describedby')} ${idBase}-rule`);
  escapable(form, onCancel);
  const draft = editing ? null : keepDraft(form, parent ? `reply:${parent.id}` : `comment:${ctx.cid}`);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = values(form);
    if (!v.body || !v.body.trim()) { clearErrors(form); showError(form, 'body', t('comments.body_needed')); return; }
    const body = editing ? {} : { body: v.body, alignment: v.alignment };
    if (editing) {
      if (v.body !== comment.body) body.body = v.body;
      if (v.alignment !== comment.alignment) body.alignment = v.alignment;
    } else if (parent) body.parent_id = parent.id;
    const r = editing
      ? await send(form, 'PATCH', `/api/v1/comments/${comment.id}`, body)
      : await send(form, 'POST', `/api/v1/consultations/${ctx.cid}/comments`, body);
    if (!r.ok) return;
    if (draft) draft.forget();
    form.reset();
    onDone(r.json);
  });
  return form;
}

// The flag form: a reason (from the shapes), an optional note.
export function flagForm(ctx, c, { onDone, onCancel }) {
  const id = uid('flag');
  const form = h('form', { class: 'flag-form', novalidate: true, 'aria-labelledby': `${id}-title` },
    h('p', { id: `${id}-title`, class: 'form-title' }, t('comments.flag_title')),
    radios('reason', t('comments.flag_reason'), ctx.reasons, null, (r) => t(`comments.reason.${r}`)),
    field({ label: t('comments.flag_note'), name: 'note', type: 'textarea', maxlength: ctx.noteMax, class: 'short', 'data-null-if-empty': '' }),
    buttons(t('comments.flag_send'), onCancel));
  escapable(form, onCancel);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = values(form);
    if (!v.reason) { clearErrors(form); showError(form, 'reason', t('comments.flag_reason_needed')); return; }
    const r = await send(form, 'POST', `/api/v1/comments/${c.id}/flags`, { reason: v.reason, note: v.note });
    if (r.ok) onDone(r.json);
  });
  return form;
}

// "Delete this comment?" with Yes / No; Escape is No.
export function confirmDelete(c, { onDone, onCancel }) {
  const form = h('form', { class: 'confirm-form', novalidate: true },
    h('p', { class: 'form-title' }, t('comments.delete_confirm')),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary danger' }, t('comments.delete_yes')),
      h('button', { type: 'button', onclick: onCancel }, t('comments.cancel'))));
  escapable(form, onCancel);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await send(form, 'DELETE', `/api/v1/comments/${c.id}`);
    if (r.ok) onDone();
  });
  return form;
}
