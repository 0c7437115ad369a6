// SPDX-License-Identifier: AGPL-3.0-or-later
// Small tools any test uses: waiting (sleep, waitFor, waitUntil), unique names,
// bounded concurrency (pool), a seeded generator, times to the second, CSV rows.
//
// Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn() until it returns a truthy value or ms pass; returns the last value.
export async function waitFor(fn, ms = 3000, step = 100) {
  const end = Date.now() + ms;
  let v;
  while (!(v = await fn()) && Date.now() < end) await sleep(step);
  return v;
}

// Polls fn() (sync or async) every `step` ms until it returns a truthy
// value, which it returns; fails the test ("timed out waiting") after ms.
export async function waitUntil(fn, ms = 3000, step = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail('timed out waiting');
    await sleep(step);
  }
}

// Ten hex digits nobody else uses (names, titles, bodies).
export const suffix = () => randomBytes(5).toString('hex');

// Runs fn over items with at most `limit` calls at once; resolves to the
// results in the order of items.
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ------------------------------------------------------------------ time

export const MINUTE = 60e3;
export const HOUR = 3600e3;
export const DAY = 86400e3;

// An RFC 3339 UTC time offset ms from now, to the second.
export const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ------------------------------------------------------------------ data

// A small seeded generator (mulberry32), to replay a random workload.
export function rng(seed = randomBytes(4).readUInt32LE(0)) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const shuffle = (xs) => {
    const a2 = xs.slice();
    for (let i = a2.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [a2[i], a2[j]] = [a2[j], a2[i]];
    }
    return a2;
  };
  return { seed, next, int, shuffle, pick: (xs) => xs[int(xs.length)] };
}

// RFC 4180 rows (quoted fields may hold commas, quotes, line breaks).
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { /* CRLF */ } else if (ch === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
