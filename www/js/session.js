// SPDX-License-Identifier: AGPL-3.0-or-later
// What the page knows of the session without asking the API: the CSRF
// token given at sign-in and the account's pseudonym, role and language.
// The session itself is the HttpOnly cookie; this is only a hint, dropped
// as soon as the API answers 401.

const KEY = 'concerto.session';

export const session = {
  get() {
    try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch { return null; }
  },
  // From a sign-in answer: { csrf_token, account: { id, pseudonym, role, language }, second_factor }.
  set(signin) {
    const prev = this.get() || {};
    const a = signin.account || {};
    localStorage.setItem(KEY, JSON.stringify({
      csrf: signin.csrf_token || prev.csrf,
      id: a.id ?? prev.id,
      pseudonym: a.pseudonym ?? prev.pseudonym,
      role: a.role ?? prev.role,
      language: a.language ?? prev.language,
      second_factor: signin.second_factor ?? prev.second_factor,
    }));
  },
  update(fields) {
    const prev = this.get();
    if (prev) localStorage.setItem(KEY, JSON.stringify({ ...prev, ...fields }));
  },
  clear() { localStorage.removeItem(KEY); },
};
