// SPDX-License-Identifier: AGPL-3.0-or-later
// Create an account: e-mail, password (the policy said up front),
// public pseudonym, profile in words, the separate health-data consent
// for the patient and carer profiles, postcode (why it is asked),
// language, terms, declared interests.  The API answers 202 whatever the
// address: the page then says to check the e-mail.

import { $, h } from '../dom.js';
import { lang, t } from '../i18n.js';
import { api } from '../api.js';
import { announce, boot, ready } from '../layout.js';
import { field, values } from '../form.js';
import { shape, choices } from '../shapes.js';
import {
  busy, healthConsent, interestsFields, notice, passwordField, profileField, refuse, show, tieConsent,
} from '../account-parts.js';

const ROUTE = ['POST', '/api/v1/accounts'];

await boot({ titleKey: 'register.title' });
const page = $('#page');

const [pseudo, postcode, languages, profiles] = await Promise.all([
  shape(...ROUTE, 'pseudonym'), shape(...ROUTE, 'postcode'), choices(...ROUTE, 'language'),
  choices(...ROUTE, 'profile'),
]);

const consent = healthConsent();
const interests = interestsFields();
const terms = field({
  label: t('register.accept_terms'), name: 'accept_terms', type: 'checkbox', required: true,
  hint: h('a', { href: '/privacy' }, t('register.read_terms')),
});
const submit = h('button', { type: 'submit', class: 'primary' }, t('register.submit'));

const form = h('form', { novalidate: true, class: 'account-form' },
  h('p', {}, t('register.intro')),
  field({ label: t('account.email'), name: 'email', type: 'email', autocomplete: 'email', required: true, spellcheck: 'false', autocapitalize: 'off', hint: t('register.email_hint') }),
  passwordField({ label: t('account.password'), name: 'password', autocomplete: 'new-password', hint: t('account.password_policy') }),
  field({
    label: t('account.pseudonym'), name: 'pseudonym', autocomplete: 'nickname', required: true, maxlength: pseudo.max,
    hint: t('account.pseudonym_hint', { min: pseudo.min, max: pseudo.max }),
  }),
  profileField(profiles, null),
  consent,
  field({
    label: t('account.postcode'), name: 'postcode', inputmode: 'numeric', autocomplete: 'postal-code', maxlength: postcode.max,
    hint: t('account.postcode_hint', { n: postcode.max }), 'data-null-if-empty': '',
  }),
  field({
    label: t('account.language'), name: 'language', type: 'select', value: lang(),
    options: languages.map((l) => [l, t(`account.language.${l}`)]),
  }),
  interests,
  terms,
  submit);

tieConsent(form, consent);

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy(submit, async () => {
    const body = values(form);
    if (body.postcode) body.postcode = body.postcode.trim();
    const r = await api('POST', '/api/v1/accounts', body);
    if (!r.ok) { refuse(form, r); return; }
    const email = body.email;
    show(page, notice('ok', t('register.sent_title'),
      h('p', {}, t('register.sent', { email })),
      h('p', {}, t('register.sent_spam')),
      h('p', {}, h('a', { href: '/signin' }, t('register.then_sign_in')))));
    announce(t('register.sent_title'));
  });
});

page.append(form);
ready();
