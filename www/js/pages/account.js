// SPDX-License-Identifier: AGPL-3.0-or-later
// My account, and the landing of the e-mails' links: #verify=TOKEN
// confirms the address; #reset=TOKEN goes on to the reset page.  Without
// a fragment: the profile, the consents (the health-data consent given,
// withdrawn, given again), declared interests, the password, signing out
// everywhere, the data export and deleting the account.

import { $, h, replace } from '../dom.js';
import { date, dateTime, errorText, lang, rememberLanguage, t } from '../i18n.js';
import { api, get } from '../api.js';
import { session } from '../session.js';
import { announce, boot, flash, ready, setTitle, signinLink } from '../layout.js';
import { clearErrors, field, keepDraft, values } from '../form.js';
import { shape, choices } from '../shapes.js';
import {
  HEALTH_PROFILES, busy, dropFragment, fragment, healthConsent, interestsFields, notice, passwordField,
  profileField, refuse, show, tieConsent,
} from '../account-parts.js';

const ME = ['PATCH', '/api/v1/me'];
const NOTE = 'concerto.account.note';

// The token leaves the address bar before anything is drawn (the header's
// sign-in link carries the address of the page).
const resetToken = fragment('reset');
const verifyToken = fragment('verify');
if (verifyToken) dropFragment();
const page = $('#page');

if (resetToken) {
  location.replace(`/reset#reset=${resetToken}`);
} else {
  await boot({ titleKey: 'account.title' });
  if (verifyToken) await verify(verifyToken);
  else await myAccount();
  ready();
}

// ------------------------------------------------------------- verification

async function verify(token) {
  const title = t('account.verify_title');
  $('h1').textContent = title;
  setTitle(title);
  const r = await api('POST', '/api/v1/accounts/verify', { token });
  if (r.ok) {
    show(page, notice('ok', t('account.verified_title'), h('p', {}, t('account.verified')),
      h('p', {}, h('a', { href: '/signin', class: 'button primary' }, t('account.verified_sign_in')))));
    announce(t('account.verified_title'));
  } else {
    show(page, notice('warn', t('account.verify_failed'), h('p', {}, errorText(r.error)),
      r.error?.code === 'invalid_token' ? h('p', {}, t('account.verify_again'), ' ', h('a', { href: '/reset' }, t('account.verify_again_link'))) : null));
  }
}

// --------------------------------------------------------------- my account

function signedOut() {
  page.replaceChildren(h('p', {}, t('account.signed_out')),
    h('p', {}, h('a', { href: signinLink(), class: 'button primary' }, t('layout.sign_in'))),
    h('p', {}, t('account.no_account'), ' ', h('a', { href: '/register' }, t('layout.register'))));
}

async function myAccount() {
  if (!session.get()) { signedOut(); return; }
  const r = await get('/api/v1/me');
  if (r.status === 401) { signedOut(); return; }
  if (!r.ok) {
    page.replaceChildren(notice('warn', errorText(r.error), h('p', {}, h('a', { href: '/account' }, t('account.retry')))));
    return;
  }
  const limits = await Promise.all([shape(...ME, 'pseudonym'), shape(...ME, 'postcode'), choices(...ME, 'language'), choices(...ME, 'profile')]);
  render(r.json, limits);
  const note = sessionStorage.getItem(NOTE);
  if (note) {
    sessionStorage.removeItem(NOTE);
    say($('#profile-status'), t(note));
  }
}

// A status line of a section: the result of its action, read aloud.
function status(id) {
  return h('p', { class: 'status', id, role: 'status' });
}

function say(el, msg) {
  if (!el) return;
  el.textContent = msg;
}

function section(id, title, ...body) {
  return h('section', { class: 'account-section', 'aria-labelledby': `${id}-title`, id },
    h('h2', { id: `${id}-title`, tabindex: '-1' }, title), ...body);
}

function render(me, limits) {
  const sections = [
    ['profile', t('account.profile_title'), profileSection],
    ['consents', t('account.consents_title'), consentsSection],
    ['password', t('account.password_title'), passwordSection],
    ['data', t('account.data_title'), dataSection],
    ['sessions', t('account.sessions_title'), sessionsSection],
    ['delete', t('account.delete_title'), deleteSection],
  ];
  const toc = h('nav', { class: 'toc', 'aria-label': t('account.toc') },
    h('ul', {}, sections.map(([id, title]) => h('li', {}, h('a', { href: `#${id}` }, title)))));
  page.replaceChildren(
    h('p', { class: 'lead' }, t('account.signed_in_as', { name: me.pseudonym, email: me.email })),
    toc,
    ...sections.map(([id, title, make]) => section(id, title, ...make(me, limits))));
}

// After a change: the page drawn again from the API's answer, the focus
// and the message in the section that changed.
function again(me, limits, id, msg) {
  render(me, limits);
  const st = $(`#${id}-status`);
  say(st, msg);
  $(`#${id}-title`)?.focus();
}

function profileSection(me, limits) {
  const [pseudo, postcode, languages, profiles] = limits;
  const given = me.consents.health_data.given;
  const consent = healthConsent();
  const interests = interestsFields({ declared: me.interests.declared, text: me.interests.text });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('account.save'));
  const form = h('form', { novalidate: true, class: 'account-form', id: 'profile-form' },
    field({
      label: t('account.pseudonym'), name: 'pseudonym', autocomplete: 'nickname', required: true, maxlength: pseudo.max,
      value: me.pseudonym, hint: t('account.pseudonym_hint', { min: pseudo.min, max: pseudo.max }),
    }),
    profileField(profiles, me.profile),
    consent,
    field({
      label: t('account.postcode'), name: 'postcode', inputmode: 'numeric', autocomplete: 'postal-code', maxlength: postcode.max,
      value: me.postcode || '', hint: t('account.postcode_hint', { n: postcode.max }), 'data-null-if-empty': '',
    }),
    field({
      label: t('account.language'), name: 'language', type: 'select', value: me.language,
      options: languages.map((l) => [l, t(`account.language.${l}`)]), hint: t('account.language_hint'),
    }),
    interests,
    submit,
    status('profile-status'));
  // What was typed before a session ended comes back (then the parts
  // that depend on it follow).
  const draft = keepDraft(form, `account-${me.id}`);
  tieConsent(form, consent, { given });
  interests.update();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const v = values(form);
      const body = {
        pseudonym: v.pseudonym.trim(), profile: v.profile, postcode: v.postcode ? v.postcode.trim() : null,
        language: v.language, interests_declared: v.interests_declared,
        interests_text: v.interests_declared ? (v.interests_text ?? null) : null,
      };
      if (v.health_data_consent) body.health_data_consent = true;
      else if (HEALTH_PROFILES.includes(v.profile) && !given) body.health_data_consent = false;
      const r = await api('PATCH', '/api/v1/me', body);
      if (!r.ok) { refuse(form, r); return; }
      draft.forget();
      session.update({ pseudonym: r.json.pseudonym, language: r.json.language });
      if (r.json.language !== lang()) {
        // The page's language follows: drawn again in the new one.
        rememberLanguage(r.json.language);
        sessionStorage.setItem(NOTE, 'form.saved');
        location.reload();
        return;
      }
      again(r.json, limits, 'profile', t('form.saved'));
      announce(t('form.saved'));
    });
  });
  return [form];
}

function consentsSection(me, limits) {
  const c = me.consents;
  const hd = c.health_data;
  const out = [
    h('h3', {}, t('account.terms_title')),
    h('p', {}, c.terms.accepted_at ? t('account.terms_accepted', { date: date(c.terms.accepted_at) }) : t('account.terms_none'),
      ' ', h('a', { href: '/privacy' }, t('register.read_terms'))),
    h('h3', {}, t('account.health_title')),
    h('p', { class: 'consent-state' }, h('strong', {}, hd.given ? t('account.health_given', { date: dateTime(hd.given_at) })
      : hd.revoked_at ? t('account.health_revoked', { date: dateTime(hd.revoked_at) }) : t('account.health_none'))),
    h('p', {}, t('account.health_why')),
    h('ul', {}, h('li', {}, t('account.health_use')), h('li', {}, t('account.health_never'))),
  ];
  const form = h('form', { novalidate: true, class: 'account-form' });
  let button;
  if (hd.given) {
    form.append(h('p', {}, HEALTH_PROFILES.includes(me.profile)
      ? t('account.withdraw_moves', { profile: t(`account.profile.${me.profile}`), other: t('account.profile.other') })
      : t('account.withdraw_plain')));
    button = h('button', { type: 'submit', class: 'danger' }, t('account.withdraw'));
  } else {
    form.append(h('p', {}, t('account.give_intro')));
    button = h('button', { type: 'submit' }, hd.revoked_at ? t('account.give_again') : t('account.give'));
  }
  form.append(button, status('consents-status'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(button, async () => {
      const r = await api('PATCH', '/api/v1/me', { health_data_consent: !hd.given });
      if (!r.ok) { refuse(form, r); return; }
      const msg = hd.given ? t('account.withdrawn_done') : t('account.given_done');
      again(r.json, limits, 'consents', msg);
      announce(msg);
    });
  });
  return [...out, form];
}

function passwordSection() {
  const submit = h('button', { type: 'submit', class: 'primary' }, t('account.change_password'));
  const form = h('form', { novalidate: true, class: 'account-form' },
    passwordField({ label: t('account.current_password'), name: 'current_password', autocomplete: 'current-password' }),
    passwordField({ label: t('account.new_password'), name: 'new_password', autocomplete: 'new-password', hint: t('account.password_policy') }),
    submit, status('password-status'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      clearErrors(form);
      const v = values(form);
      const r = await api('PATCH', '/api/v1/me', { current_password: v.current_password, new_password: v.new_password });
      if (!r.ok) { refuse(form, r); return; }
      form.reset();
      say($('#password-status'), t('account.password_changed'));
      announce(t('account.password_changed'));
    });
  });
  return [form];
}

function dataSection() {
  const button = h('button', { type: 'button' }, t('account.export'));
  const st = status('data-status');
  const box = h('div', { class: 'account-form' }, h('p', {}, t('account.export_intro')), button, st);
  button.addEventListener('click', () => busy(button, async () => {
    st.replaceChildren();
    const r = await get('/api/v1/me/export');
    if (!r.ok) {
      const reauth = r.error?.code === 'reauthentication_required' || r.status === 401;
      replace(st, h('span', { class: 'field-error' }, reauth ? t('account.export_reauth') : errorText(r.error)),
        reauth ? [' ', h('a', { href: signinLink() }, t('account.sign_in_again'))] : null);
      return;
    }
    const blob = new Blob([JSON.stringify(r.json, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `concerto-export-${new Date().toISOString().slice(0, 10)}.json`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(st, t('account.export_done'));
  }));
  return [box];
}

function sessionsSection() {
  const button = h('button', { type: 'button' }, t('account.sign_out_everywhere'));
  const st = status('sessions-status');
  button.addEventListener('click', () => busy(button, async () => {
    const r = await api('DELETE', '/api/v1/me/sessions');
    if (!r.ok && r.status !== 401) { st.textContent = errorText(r.error); return; }
    session.clear();
    flash('account.signed_out_everywhere_done');
    location.assign('/signin');
  }));
  return [h('div', { class: 'account-form' }, h('p', {}, t('account.sessions_intro')), button, st)];
}

function deleteSection() {
  const submit = h('button', { type: 'submit', class: 'primary danger' }, t('account.delete'));
  const form = h('form', { novalidate: true, class: 'account-form danger-zone' },
    h('p', {}, h('strong', {}, t('account.delete_warning'))),
    h('h3', {}, t('account.delete_erased_title')),
    h('ul', {}, h('li', {}, t('account.delete_erased_1')), h('li', {}, t('account.delete_erased_2')), h('li', {}, t('account.delete_erased_3'))),
    h('h3', {}, t('account.delete_kept_title')),
    h('ul', {}, h('li', {}, t('account.delete_kept_1')), h('li', {}, t('account.delete_kept_2'))),
    h('p', {}, t('account.delete_export_first')),
    passwordField({ label: t('account.delete_password'), name: 'password', autocomplete: 'current-password' }),
    submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const { password } = values(form);
      const r = await api('DELETE', '/api/v1/me', { password });
      if (!r.ok) { refuse(form, r); return; }
      session.clear();
      flash('account.deleted_done');
      location.assign('/');
    });
  });
  return [form];
}
