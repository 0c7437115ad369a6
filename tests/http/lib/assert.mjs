// SPDX-License-Identifier: AGPL-3.0-or-later
// Assertions the whole suite shares: the JSON error contract (errorOf and the one
// assertError), a status with its body (ok, show), and common shapes and formats.
//
// Node 18: only built-in modules.

import assert from 'node:assert/strict';

export const JSON_CT = /^application\/json;\s*charset=utf-8$/i;
export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// "status text" of a response, for assertion messages.
export const show = (r) => `${r.status} ${String(r.text).slice(0, 600)}`;

// Asserts a status and returns the JSON body.
export function ok(r, status = 200, what = '') {
  assert.equal(r.status, status, `${what ? `${what}: ` : ''}expected ${status}, got ${show(r)}`);
  return r.json;
}

// The sorted keys of an object (to compare a resource's fields).
export const keys = (o) => Object.keys(o || {}).sort();

// Asserts the design §4 error shape; returns the error object.
export function errorOf(r) {
  const e = r.json && r.json.error;
  if (!e || typeof e !== 'object') throw new Error(`expected a JSON error object, got ${r.status} ${JSON.stringify(r.text.slice(0, 300))}`);
  return e;
}

// Asserts an error answer: the status, a JSON content type, the error
// object with this code and a non-empty message and, when field is given,
// the field it names. Returns the error object.
export function assertError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}${field ? ` (${field})` : ''}, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  const e = errorOf(r);
  assert.equal(e.code, code, `error code (message: ${e.message})`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, 'the error has a message');
  if (field !== undefined) assert.equal(e.field, field, `the error names the field (message: ${e.message})`);
  return e;
}
