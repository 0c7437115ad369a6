// SPDX-License-Identifier: AGPL-3.0-or-later
// Forms: labelled controls, errors in the page's language next to the
// field they name (aria-invalid, aria-describedby), a summary announced
// when there is no such field, and drafts kept across a session that
// ends mid-form (sessionStorage, restored when the page comes back).

import { h, uid } from './dom.js';
import { errorText, t } from './i18n.js';
import { announce } from './layout.js';

// A labelled control: field({ label, name, type, hint, ...attrs }) ->
// a <div class="field"> holding the label, the hint and the control.
// type 'textarea' and 'select' (options: [[value, label]]) are known.
export function field({ label, name, type = 'text', hint, options, value, ...attrs }) {
  const id = attrs.id || uid(name);
  const hintId = hint ? `${id}-hint` : null;
  let control;
  if (type === 'textarea') {
    control = h('textarea', { id, name, 'aria-describedby': hintId, ...attrs });
    if (value !== undefined && value !== null) control.value = value;
  } else if (type === 'select') {
    control = h('select', { id, name, 'aria-describedby': hintId, ...attrs },
      (options || []).map(([v, l]) => h('option', { value: v, selected: String(v) === String(value) }, l)));
  } else {
    control = h('input', { id, name, type, 'aria-describedby': hintId, ...attrs });
    if (type === 'checkbox' || type === 'radio') control.checked = Boolean(value);
    else if (value !== undefined && value !== null) control.value = value;
  }
  const lab = h('label', { for: id }, label, attrs.required ? h('span', { class: 'required' }, ` (${t('form.required')})`) : null);
  const parts = type === 'checkbox' ? [control, ' ', lab] : [lab, hint ? h('p', { class: 'hint', id: hintId }, hint) : null, control];
  if (type === 'checkbox' && hint) parts.push(h('p', { class: 'hint', id: hintId }, hint));
  return h('div', { class: `field field-${type}` }, ...parts);
}

// Removes the errors shown in form.
export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error, .form-error')) e.remove();
  for (const c of form.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (ids.length) c.setAttribute('aria-describedby', ids.join(' ')); else c.removeAttribute('aria-describedby');
  }
}

// Shows msg next to the control named name in form (or at the top of the
// form when there is none), announces it and moves the focus there.
export function showError(form, name, msg) {
  const control = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  if (control) {
    const id = `${control.id || uid('f')}-error`;
    const p = h('p', { class: 'field-error', id }, h('span', { 'aria-hidden': 'true' }, '⚠ '), msg);
    const box = control.closest('.field') || control.parentElement;
    box.append(p);
    control.setAttribute('aria-invalid', 'true');
    const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    control.setAttribute('aria-describedby', [...ids, id].join(' '));
    control.focus();
  } else {
    const p = h('div', { class: 'form-error', role: 'alert', tabindex: '-1' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), msg);
    form.prepend(p);
    p.focus();
  }
  announce(msg);
}

// Shows an API refusal (result of api()) in form, in the page's language.
export function showApiError(form, result) {
  clearErrors(form);
  const e = result.error || {};
  showError(form, e.field, errorText(e));
}

// The form's values as an object (checkboxes as booleans, empty text as
// null when the control says data-null-if-empty).
export function values(form) {
  const out = {};
  for (const c of form.elements) {
    if (!c.name || c.disabled) continue;
    if (c.type === 'checkbox') out[c.name] = c.checked;
    else if (c.type === 'radio') { if (c.checked) out[c.name] = c.value; }
    else if (c.value === '' && c.dataset.nullIfEmpty !== undefined) out[c.name] = null;
    else out[c.name] = c.value;
  }
  return out;
}

// Keeps what is typed in form (but passwords) under key, restores it now,
// and forgets it when forget() is called (after a success).
export function keepDraft(form, key) {
  const k = `concerto.draft:${key}`;
  const saved = sessionStorage.getItem(k);
  if (saved) {
    try {
      const v = JSON.parse(saved);
      for (const c of form.elements) {
        if (!c.name || !(c.name in v) || c.type === 'password') continue;
        if (c.type === 'checkbox') c.checked = Boolean(v[c.name]);
        else if (c.type === 'radio') c.checked = c.value === v[c.name];
        else c.value = v[c.name];
      }
    } catch { /* a draft that does not parse is dropped */ }
  }
  const save = () => {
    const v = {};
    for (const c of form.elements) {
      if (!c.name || c.type === 'password' || (c.type === 'radio' && !c.checked)) continue;
      v[c.name] = c.type === 'checkbox' ? c.checked : c.value;
    }
    sessionStorage.setItem(k, JSON.stringify(v));
  };
  form.addEventListener('input', save);
  return { forget: () => sessionStorage.removeItem(k), save };
}
