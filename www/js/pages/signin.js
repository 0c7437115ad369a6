// SPDX-License-Identifier: AGPL-3.0-or-later
// Sign in: e-mail and password; for the team, the second factor (a code
// of the authenticator app, or a recovery code), with the enrolment shown
// once at the first sign-in.  Then back to ?next= (a path of this site
// only) or home.

import { $, h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { announce, boot, ready } from '../layout.js';
import { field, values } from '../form.js';
import { busy, notice, passwordField, refuse, safeNext, show } from '../account-parts.js';

await boot({ titleKey: 'signin.title' });
const page = $('#page');
const next = safeNext(new URLSearchParams(location.search).get('next') || '/');

function done() {
  location.assign(next);
}

// The second step of a team account: the code, or a recovery code.
function secondFactor(answer) {
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.verify'));
  const recovery = field({ label: t('signin.recovery_code'), name: 'recovery_code', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', maxlength: 32, hint: t('signin.recovery_hint') });
  const lost = h('details', { class: 'recovery' }, h('summary', {}, t('signin.lost_phone')), recovery);
  const form = h('form', { novalidate: true, class: 'account-form' },
    field({
      label: t('signin.totp'), name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6,
      hint: t('signin.totp_hint'), spellcheck: 'false',
    }),
    lost,
    submit);
  const parts = [];
  if (answer.second_factor === 'enrol' && answer.enrolment) {
    const e = answer.enrolment;
    parts.push(h('section', { class: 'enrolment', 'aria-labelledby': 'enrol-title' },
      h('h2', { id: 'enrol-title' }, t('signin.enrol_title')),
      h('p', {}, t('signin.enrol_intro')),
      h('p', {}, t('signin.enrol_key'), ' ', h('code', { class: 'secret' }, e.secret.replace(/(.{4})/g, '$1 ').trim())),
      h('p', {}, h('a', { href: e.otpauth_uri }, t('signin.enrol_link'))),
      h('div', { class: 'notice warn' },
        h('h3', {}, t('signin.codes_title')),
        h('p', {}, t('signin.codes_intro')),
        h('ol', { class: 'codes' }, e.recovery_codes.map((c) => h('li', {}, h('code', {}, c))))),
      h('p', {}, t('signin.enrol_then'))));
  } else {
    parts.push(h('p', {}, t('signin.second_intro')));
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const v = values(form);
      const useRecovery = lost.open && v.recovery_code.trim() !== '';
      const body = useRecovery ? { recovery_code: v.recovery_code.trim() } : { totp: v.totp.trim() };
      const r = await api('POST', '/api/v1/session/second-factor', body);
      if (!r.ok) {
        // A wrong code is a 401 that leaves the session as it was: api.js
        // dropped the hint, which comes back (its CSRF token still holds).
        if (r.error?.code === 'invalid_second_factor') session.set(answer);
        refuse(form, r, { fieldMap: useRecovery ? { totp: 'recovery_code' } : {} });
        return;
      }
      session.set(r.json);
      done();
    });
  });
  const box = h('div', { tabindex: '-1', class: 'step' }, h('h2', {}, t('signin.second_title')), ...parts, form);
  show(page, box);
  announce(t('signin.second_title'));
}

const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
const form = h('form', { novalidate: true, class: 'account-form' },
  field({ label: t('account.email'), name: 'email', type: 'email', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'off' }),
  passwordField({ label: t('account.password'), name: 'password', autocomplete: 'current-password' }),
  submit,
  h('p', {}, h('a', { href: '/reset' }, t('signin.forgot'))),
  h('p', {}, t('signin.no_account'), ' ', h('a', { href: '/register' }, t('signin.register'))));

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy(submit, async () => {
    const { email, password } = values(form);
    const r = await api('POST', '/api/v1/session', { email: email.trim(), password });
    if (!r.ok) { refuse(form, r); return; }
    session.set(r.json);
    if (r.json.second_factor === 'required' || r.json.second_factor === 'enrol') secondFactor(r.json);
    else done();
  });
});

const s = session.get();
if (s) page.append(notice('', t('signin.already', { name: s.pseudonym || '' }), h('p', {}, h('a', { href: '/account' }, t('layout.my_account')))));
page.append(form);
ready();
