// SPDX-License-Identifier: AGPL-3.0-or-later
// Parts shared by the account pages (register, sign-in, reset, my account,
// notifications): a password field that can be shown, the profile choices
// in words with the health-data consent they need, the declared
// interests, buttons that say they are busy, and safe redirections.

import { h, uid } from './dom.js';
import { errorText, has, t, tp } from './i18n.js';
import { announce, signinLink } from './layout.js';
import { clearErrors, field, showError } from './form.js';

// The profiles that are health data (GDPR art. 9): the API asks for the
// separate consent for these two (accounts.c, me.c).
export const HEALTH_PROFILES = ['patient', 'carer'];

// A password field with a "show" button (the text stays out of drafts:
// the forms that hold one keep no draft).
export function passwordField({ label, name, autocomplete, hint, required = true }) {
  const box = field({
    label, name, type: 'password', hint, required, autocomplete,
    spellcheck: 'false', autocapitalize: 'off', maxlength: 1024,
  });
  const input = box.querySelector('input');
  const btn = h('button', { type: 'button', class: 'toggle-password', 'aria-controls': input.id }, t('account.show_password'));
  btn.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    btn.textContent = t(show ? 'account.hide_password' : 'account.show_password');
    announce(t(show ? 'account.password_shown' : 'account.password_hidden'));
  });
  input.after(btn);
  return box;
}

// The profile choices, each in words, as a group of radio buttons.
// list: the choices of the route's shape (never retyped here).
export function profileField(list, value) {
  const group = h('fieldset', { class: 'field field-radios', id: uid('profile') },
    h('legend', {}, t('account.profile'), h('span', { class: 'required' }, ` (${t('form.required')})`)),
    h('p', { class: 'hint' }, t('account.profile_hint')));
  for (const p of list) {
    const id = uid(`profile-${p}`);
    const input = h('input', { type: 'radio', name: 'profile', id, value: p, 'aria-describedby': `${id}-hint` });
    input.checked = p === value;
    group.append(h('div', { class: 'radio' },
      input, ' ',
      h('label', { for: id }, t(`account.profile.${p}`)),
      h('p', { class: 'hint', id: `${id}-hint` }, t(`account.profile.${p}.hint`))));
  }
  return group;
}

// The separate, explained consent to health data.  Shown when a health
// profile is chosen (the control is disabled, so not sent, otherwise).
export function healthConsent({ given = false } = {}) {
  const box = field({ label: t('account.health_consent'), name: 'health_data_consent', type: 'checkbox', value: given });
  const section = h('div', { class: 'consent-box', id: uid('health') },
    h('h3', {}, t('account.health_title')),
    h('p', {}, t('account.health_why')),
    h('ul', {},
      h('li', {}, t('account.health_use')),
      h('li', {}, t('account.health_never')),
      h('li', {}, t('account.health_withdraw'))),
    box);
  return section;
}

// Shows the consent only for the health profiles of form, unless it is
// given already (and keeps the control out of the sent values otherwise).
export function tieConsent(form, consentBox, { given = false } = {}) {
  const input = consentBox.querySelector('input');
  const update = () => {
    const p = form.querySelector('input[name="profile"]:checked');
    const need = !given && Boolean(p && HEALTH_PROFILES.includes(p.value));
    consentBox.hidden = !need;
    input.disabled = !need;
  };
  form.addEventListener('change', (e) => { if (e.target.name === 'profile') update(); });
  update();
  return update;
}

// The declared interests (as the James Lind Alliance method asks): a
// checkbox and, when ticked, what the links are.
export function interestsFields({ declared = false, text = '' } = {}) {
  const check = field({ label: t('account.interests_declared'), name: 'interests_declared', type: 'checkbox', value: declared, hint: t('account.interests_hint') });
  const what = field({ label: t('account.interests_text'), name: 'interests_text', type: 'textarea', value: text || '', maxlength: 2000, 'data-null-if-empty': '' });
  const box = h('fieldset', { class: 'field-group' }, h('legend', {}, t('account.interests')), check, what);
  const input = check.querySelector('input');
  const update = () => { what.hidden = !input.checked; what.querySelector('textarea').disabled = !input.checked; };
  input.addEventListener('change', update);
  update();
  box.update = update;
  return box;
}

// The button of form says it is busy while fn runs (and cannot be pressed twice).
export async function busy(button, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t('form.sending');
  try { return await fn(); } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

// Seconds of Retry-After, in words.
export function waitText(result) {
  const s = Number(result.headers?.get('retry-after') || 0);
  if (!s) return '';
  return s < 60 ? tp('account.wait_seconds', s) : tp('account.wait_minutes', Math.ceil(s / 60));
}

// Shows the refusal of result in form: in the page's language, next to
// its field; a wait when the API gives one; a session that ended keeps
// what was typed and offers to sign in again (and come back).
export function refuse(form, result, { fieldMap = {} } = {}) {
  clearErrors(form);
  const e = result.error || {};
  if (result.status === 401 && !['invalid_credentials', 'invalid_second_factor'].includes(e.code)) {
    showError(form, null, t('form.session_expired'));
    form.querySelector('.form-error')?.append(' ', h('a', { href: signinLink() }, t('account.sign_in_again')));
    return;
  }
  const name = fieldMap[e.field] || e.field;
  const wait = ['too_many_attempts', 'second_factor_locked', 'rate_limited', 'too_many_requests'].includes(e.code) ? waitText(result) : '';
  // Where the catalogue has words for this field's refusal, they say more.
  const specific = `account.error.${name}.${e.code}`;
  const msg = has(specific) ? t(specific) : errorText(e);
  showError(form, name, wait ? `${msg} ${wait}` : msg);
}

// A same-site path to go to after signing in: starts with one "/" (not
// "//" nor "/\"), else the home page.
export function safeNext(raw) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  try {
    const u = new URL(raw, location.origin);
    return u.origin === location.origin ? u.pathname + u.search + u.hash : '/';
  } catch { return '/'; }
}

// The value of key in the fragment (#verify=..., #reset=...), or null.
export function fragment(key) {
  const m = new RegExp(`^#${key}=([A-Za-z0-9_-]{1,64})$`).exec(location.hash);
  return m ? m[1] : null;
}

// Removes the fragment (a token) from the address bar and the history.
export function dropFragment() {
  history.replaceState(null, '', location.pathname + location.search);
}

// A notice that takes the focus (the result of a step: "check your e-mail").
export function notice(kind, title, ...body) {
  const id = uid('notice');
  const box = h('section', { class: `notice ${kind} account-notice`, 'aria-labelledby': id, tabindex: '-1' },
    h('h2', { id }, title), ...body);
  return box;
}

// Puts node in place of the page's content and gives it the focus.
export function show(page, node) {
  page.replaceChildren(node);
  node.focus();
}
