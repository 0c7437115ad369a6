// SPDX-License-Identifier: AGPL-3.0-or-later
// What the stack logged: the request log read from an offset, every log file,
// and the secrets, client addresses and e-mails of a test file looked for there.
//
// Every password, token and client address a test file uses is recorded here
// (secret(), and the Client, newNet and newEmail record theirs); the last
// test of a file greps the logs for them. Node 18: only built-in modules.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR, LOG_FILE } from './paths.mjs';

// ------------------------------------------------------------ the request log

// Size in bytes of the request log now (to read what comes after).
export function logSize() {
  return existsSync(LOG_FILE) ? statSync(LOG_FILE).size : 0;
}

// The JSON objects logged after byte offset `from`; other lines are skipped.
export function logLinesSince(from) {
  if (!existsSync(LOG_FILE)) return [];
  const size = statSync(LOG_FILE).size;
  if (size <= from) return [];
  const fd = openSync(LOG_FILE, 'r');
  const buf = Buffer.alloc(size - from);
  try { readSync(fd, buf, 0, buf.length, from); } finally { closeSync(fd); }
  const out = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try { out.push(JSON.parse(line)); } catch { /* a line cut by a concurrent write */ }
  }
  return out;
}

// Only the request lines (those carrying an HTTP status).
export const requestLines = (lines) => lines.filter((l) => l && typeof l.status === 'number' && 'method' in l);

// Every log the stack writes that a request's data could reach.
export function logFiles() {
  const out = [LOG_FILE];
  for (const f of ['nginx-access.log', 'nginx-error.log', 'postgres.log']) {
    if (existsSync(join(LOG_DIR, f))) out.push(join(LOG_DIR, f));
  }
  return out.filter((f) => existsSync(f));
}

// ------------------------------------------------------- what must not leak

const secrets = new Set();
const addresses = new Set();
const emails = new Set();

// Records a password or token (8 characters or more); returns it.
export function secret(s) {
  if (typeof s === 'string' && s.length >= 8) secrets.add(s);
  return s;
}

// Records a client address; returns it.
export function trackAddress(a) {
  addresses.add(a);
  return a;
}

// Records an e-mail address; returns it.
export function trackEmail(e) {
  emails.add(e);
  return e;
}

const escRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The secrets and client addresses of this file found in the service's log
// (concerto.log and nginx's logs: everything; PostgreSQL's: secrets only).
// Returns [{ file, what, value }].
export function leaksInLogs() {
  const found = [];
  for (const file of logFiles()) {
    const text = readFileSync(file, 'utf8');
    const base = file.slice(file.lastIndexOf('/') + 1);
    for (const s of secrets) if (text.includes(s)) found.push({ file: base, what: 'secret', value: s });
    if (base !== 'postgres.log') {
      for (const a of addresses) {
        if (new RegExp(`(?<![0-9A-Fa-f:.])${escRe(a)}(?![0-9A-Fa-f])`).test(text)) found.push({ file: base, what: 'address', value: a });
      }
    }
  }
  return found;
}

// The e-mail addresses of this file found in the logs: [{ file, value }].
export function emailsInLogs() {
  const found = [];
  for (const file of logFiles()) {
    const text = readFileSync(file, 'utf8').toLowerCase();
    for (const e of emails) if (text.includes(e.toLowerCase())) found.push({ file: file.slice(file.lastIndexOf('/') + 1), value: e });
  }
  return found;
}

export const usedCounts = () => ({ secrets: secrets.size, addresses: addresses.size, emails: emails.size });
