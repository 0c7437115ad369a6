// SPDX-License-Identifier: AGPL-3.0-or-later
// Languages: French by default, English complete.  Every string comes from
// one catalogue per language (/i18n/fr.json, /i18n/en.json: the same keys,
// a test checks); numbers, percentages, dates and plurals through Intl in
// the page's language.  The language follows the account, else the
// visitor's own choice (the switch), else the browser's languages.

import { session } from './session.js';

export const LANGS = ['fr', 'en'];
const CHOICE = 'concerto.lang';
let current = 'fr';
let catalogue = {};

export function chosenLanguage() {
  const s = session.get();
  if (s && LANGS.includes(s.language)) return s.language;
  const c = localStorage.getItem(CHOICE);
  if (LANGS.includes(c)) return c;
  for (const l of navigator.languages || [navigator.language || '']) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (LANGS.includes(base)) return base;
  }
  return 'fr';
}

// Loads the catalogue of lang (default: chosenLanguage()) and sets <html lang>.
export async function loadLanguage(lang = chosenLanguage()) {
  const r = await fetch(`/i18n/${lang}.json`);
  if (!r.ok) throw new Error(`catalogue ${lang}: ${r.status}`);
  catalogue = await r.json();
  current = lang;
  document.documentElement.lang = lang;
  return lang;
}

// Remembers a choice made with the switch (the account's, if signed in,
// is changed by the caller through the API).
export function rememberLanguage(lang) {
  localStorage.setItem(CHOICE, lang);
}

export const lang = () => current;

function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (m, k) => {
    if (!(k in vars)) return m;
    const v = vars[k];
    return typeof v === 'number' ? num(v) : String(v);
  });
}

// The text of key, with {name} placeholders filled.  A missing key shows
// as the key itself (the catalogue test makes that a test failure).
export function t(key, vars = {}) {
  const text = catalogue[key];
  if (typeof text !== 'string') {
    console.warn(`i18n: no "${key}" in ${current}`);
    return key;
  }
  return fill(text, vars);
}

export const has = (key) => typeof catalogue[key] === 'string';

// Plural: key.one, key.other (key.zero/.many/... where the language has
// them), chosen by Intl.PluralRules; {n} is the count.
export function tp(key, n, vars = {}) {
  const cat = new Intl.PluralRules(current).select(n);
  const k = has(`${key}.${cat}`) ? `${key}.${cat}` : `${key}.other`;
  return t(k, { n, ...vars });
}

export const num = (n, opts = {}) => new Intl.NumberFormat(current, opts).format(n);
export const pct = (x, digits = 1) => new Intl.NumberFormat(current, {
  style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits,
}).format(x);
export const date = (iso, opts = { dateStyle: 'long' }) => (iso ? new Intl.DateTimeFormat(current, opts).format(new Date(iso)) : '');
export const dateTime = (iso) => date(iso, { dateStyle: 'long', timeStyle: 'short' });

// Translates the static text of root: data-i18n="key" sets the text;
// data-i18n-attr="attr:key attr2:key2" sets attributes.
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(/\s+/).filter(Boolean)) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
}

// An API error in the page's language, from its code (never the server's
// English message).
export function errorText(error) {
  const code = error && error.code;
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  return t('error.unknown');
}
