// SPDX-License-Identifier: AGPL-3.0-or-later
// The frame of every page: the header and footer are in each page's HTML
// (skip link, site name, navigation, the language switch, the footer's
// links); here they get the page's language, the account's links and
// unread notifications, and a polite live region for the results of
// actions.  A page module
// calls boot() first, then renders into <main id="main">.

import { h, $ } from './dom.js';
import { lang, loadLanguage, rememberLanguage, t, translate, tp } from './i18n.js';
import { api, get } from './api.js';
import { session } from './session.js';

let live;
let bootDone;
const bootP = new Promise((resolve) => { bootDone = resolve; });

// Resolves once boot() has run (language, frame): a second module of the
// same page (the comment threads) waits for it instead of booting again.
export const booted = () => bootP;

// Announces msg to screen readers (and shows it in the status line).
export function announce(msg) {
  if (!live) return;
  live.textContent = '';
  // A new text node after a tick, so that the same message is read again.
  setTimeout(() => { live.textContent = msg; }, 50);
}

// A message for the next page, after a redirection (an account deleted,
// signed out everywhere): flash(key) before leaving; the next boot()
// shows t(key) under the h1 and announces it.
const FLASH = 'concerto.flash';
export function flash(key) { sessionStorage.setItem(FLASH, key); }

function showFlash() {
  const key = sessionStorage.getItem(FLASH);
  if (!key) return;
  sessionStorage.removeItem(FLASH);
  const msg = t(key);
  const p = h('p', { class: 'notice ok flash' }, msg);
  const h1 = $('main h1');
  if (h1) h1.after(p); else $('#main')?.prepend(p);
  announce(msg);
}

// Where a sign-in should send the person back to: this page.
export const here = () => location.pathname + location.search + location.hash;
export const signinLink = () => `/signin?next=${encodeURIComponent(here())}`;

// Changes the page's language, and the account's when signed in; the page
// stays where it is (it is reloaded in the new language).
export async function switchLanguage(l) {
  if (l === lang()) return;
  rememberLanguage(l);
  if (session.get()) {
    const r = await api('PATCH', '/api/v1/me', { language: l });
    if (r.ok) session.update({ language: l });
  }
  location.reload();
}

// The header is in every page's HTML, its text set by translate(); here
// it learns the session: the sign-in link comes back to this page, a
// signed-in visitor gets notifications, my account and sign-out instead,
// and the language buttons work.
function adaptHeader(top) {
  const nav = top.querySelector('.site-nav');
  const signin = nav && nav.querySelector('a[href="/signin"]');
  const register = nav && nav.querySelector('a[href="/register"]');
  if (session.get() && signin) {
    const badge = h('span', { class: 'badge', id: 'unread', hidden: true });
    signin.closest('li').remove();
    if (register) register.closest('li').remove();
    nav.append(
      h('li', {}, h('a', { href: '/notifications', id: 'notifications-link' }, t('layout.notifications'), ' ', badge)),
      h('li', {}, h('a', { href: '/account' }, t('layout.my_account'))),
      h('li', {}, h('button', { type: 'button', class: 'link', onclick: signOut }, t('layout.sign_out'))));
  } else if (signin) {
    signin.setAttribute('href', signinLink());
  }
  for (const b of top.querySelectorAll('.lang-switch button')) {
    b.setAttribute('aria-pressed', b.lang === lang() ? 'true' : 'false');
    b.addEventListener('click', () => switchLanguage(b.lang));
  }
}

async function signOut() {
  await api('DELETE', '/api/v1/session');
  session.clear();
  location.href = '/';
}

// The unread count in the header, fetched after the page's own content.
export async function refreshUnread() {
  const badge = $('#unread');
  if (!badge) return;
  const r = await get('/api/v1/me/notifications?limit=1');
  if (!r.ok) return;
  const n = r.json.unread || 0;
  badge.hidden = n === 0;
  badge.textContent = n === 0 ? '' : String(n);
  const link = $('#notifications-link');
  if (link) link.setAttribute('aria-label', n ? `${t('layout.notifications')} (${tp('layout.unread', n)})` : t('layout.notifications'));
}

// Loads the language, translates the page's static text, draws the frame.
// titleKey names the page's title in the catalogue (document.title).
export async function boot({ titleKey } = {}) {
  await loadLanguage();
  translate();
  if (titleKey) setTitle(t(titleKey));
  const top = $('#site-header');
  if (top) adaptHeader(top);
  live = $('#live');
  if (!live) {
    live = h('div', { id: 'live', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    document.body.append(live);
  }
  showFlash();
  if (session.get()) setTimeout(refreshUnread, 0);
  bootDone({ session: session.get(), lang: lang() });
  return { session: session.get(), lang: lang() };
}

// Says the page has drawn its content: <main aria-busy="false"> (the
// browser tests wait for it).
export function ready() {
  const main = $('#main');
  if (main) main.setAttribute('aria-busy', 'false');
}

// "Page — Concerto"
export function setTitle(text) {
  document.title = `${text} — Concerto`;
}
