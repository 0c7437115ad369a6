// SPDX-License-Identifier: AGPL-3.0-or-later
// A new password: ask for a link by e-mail (the API answers 202 whatever
// the address), or, with the link's #reset=TOKEN, choose the new password.

import { $, h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { announce, boot, ready } from '../layout.js';
import { field, values } from '../form.js';
import {
  busy, dropFragment, fragment, notice, passwordField, refuse, show,
} from '../account-parts.js';

// The token leaves the address bar before anything is drawn (the header's
// sign-in link carries the address of the page).
const token = fragment('reset');
if (token) dropFragment();
await boot({ titleKey: 'reset.title' });
const page = $('#page');

function askForLink() {
  const submit = h('button', { type: 'submit', class: 'primary' }, t('reset.send'));
  const form = h('form', { novalidate: true, class: 'account-form' },
    h('p', {}, t('reset.intro')),
    field({ label: t('account.email'), name: 'email', type: 'email', autocomplete: 'email', required: true, spellcheck: 'false', autocapitalize: 'off' }),
    submit,
    h('p', {}, h('a', { href: '/signin' }, t('reset.back_sign_in'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const { email } = values(form);
      const r = await api('POST', '/api/v1/password-reset', { email: email.trim() });
      if (!r.ok) { refuse(form, r); return; }
      show(page, notice('ok', t('reset.sent_title'), h('p', {}, t('reset.sent')), h('p', {}, t('register.sent_spam'))));
      announce(t('reset.sent_title'));
    });
  });
  return form;
}

function choosePassword() {
  const submit = h('button', { type: 'submit', class: 'primary' }, t('reset.save'));
  const form = h('form', { novalidate: true, class: 'account-form' },
    h('p', {}, t('reset.choose_intro')),
    passwordField({ label: t('account.new_password'), name: 'password', autocomplete: 'new-password', hint: t('account.password_policy') }),
    submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const { password } = values(form);
      const r = await api('POST', '/api/v1/password-reset/confirm', { token, password });
      if (!r.ok) {
        refuse(form, r);
        if (r.error?.code === 'invalid_token') {
          form.querySelector('.form-error')?.append(' ', h('a', { href: '/reset' }, t('reset.ask_again')));
        }
        return;
      }
      // Every session of the account ended: the hint goes too.
      session.clear();
      show(page, notice('ok', t('reset.done_title'), h('p', {}, t('reset.done')),
        h('p', {}, h('a', { href: '/signin', class: 'button primary' }, t('reset.sign_in')))));
      announce(t('reset.done_title'));
    });
  });
  return form;
}

page.append(token ? choosePassword() : askForLink());
ready();
