// SPDX-License-Identifier: AGPL-3.0-or-later
// The pages' only way to the API.  JSON in and out; the CSRF token on
// every write; an Idempotency-Key where the caller gives one (ballots), so
// that a retry after a network error is safe.  Never throws for an HTTP
// answer: the result says what happened, and the caller shows
// errorText(result.error) next to result.error.field.

import { session } from './session.js';

const listeners = new Set();

// fn(result) is called when a write meets 401: the session ended (the
// form keeps what was typed and asks to sign in again).
export function onSessionExpired(fn) { listeners.add(fn); return () => listeners.delete(fn); }

// A random key for Idempotency-Key (one per intended change, reused on retry).
export function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// api(method, path, body?, { idempotencyKey, signal }) ->
// { ok, status, json, error, headers, network }.
// network: true when no answer came (offline, timeout); error then has
// the code "network".
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const write = method !== 'GET' && method !== 'HEAD';
  const s = session.get();
  if (write && s && s.csrf) headers['X-CSRF-Token'] = s.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal || AbortSignal.timeout(20000),
    });
  } catch {
    return { ok: false, status: 0, network: true, error: { code: 'network' }, json: null, headers: new Headers() };
  }
  let json = null;
  const type = res.headers.get('content-type') || '';
  if (type.includes('json') && res.status !== 204) {
    // A body cut off (the page left, the network dropped) is no answer.
    try { json = await res.json(); } catch {
      return { ok: false, status: 0, network: true, error: { code: 'network' }, json: null, headers: res.headers };
    }
  }
  const result = {
    ok: res.ok, status: res.status, json, headers: res.headers,
    error: res.ok ? null : (json && json.error) || { code: `http_${res.status}` },
  };
  if (res.status === 401) {
    session.clear();
    if (write) for (const fn of listeners) fn(result);
  }
  return result;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
