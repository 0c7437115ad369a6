// SPDX-License-Identifier: AGPL-3.0-or-later
// Where the suite's stack is: $CONCERTO_VAR/env loaded into process.env, the
// stack's files, its URL and settings, and the API paths the tests share.
//
// The suite runs against a real stack (nginx + concerto serve + PostgreSQL)
// started by tests/run.sh, which sources $CONCERTO_VAR/env before running
// node. Only Node's built-in modules are used, so it runs on Debian's Node 18.
// Every other module of lib/ imports this one, so the environment is loaded
// before any of them reads it.

import { existsSync, readFileSync } from 'node:fs';

export const ROOT = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

// Reads `export NAME=value` lines (value optionally single- or double-quoted)
// of $CONCERTO_VAR/env into process.env, without overriding what is set.
export function loadEnv(file = `${process.env.CONCERTO_VAR || `${ROOT}/var/test`}/env`) {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/'\\''/g, "'");
    else if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    if (process.env[m[1]] === undefined) process.env[m[1]] = v;
  }
}
loadEnv();

// ------------------------------------------------------------ the stack

export const BASE = (process.env.CONCERTO_URL || `http://127.0.0.1:${process.env.PORT || 8181}`).replace(/\/$/, '');
export const PUBLIC_URL = (process.env.CONCERTO_PUBLIC_URL || process.env.CONCERTO_URL || '').replace(/\/$/, '');
export const VAR = process.env.CONCERTO_VAR || `${ROOT}/var/test`;
export const RUN_DIR = process.env.CONCERTO_RUN || `${VAR}/run`;
export const LOG_DIR = `${VAR}/log`;
export const LOG_FILE = `${LOG_DIR}/concerto.log`;
// The master's socket and pid file (serve writes the pid file into RUN_DIR).
export const SOCKET = process.env.CONCERTO_SOCKET || `${RUN_DIR}/concerto.sock`;
export const PIDFILE = `${RUN_DIR}/concerto.pid`;
export const WORKERS = Number(process.env.CONCERTO_WORKERS || 2);
export const THREADS = Number(process.env.CONCERTO_THREADS || 2);

// The sendmail that `concerto mail` runs in tests: it writes each message
// into $MAILDIR (tests copy it, to make it executable whatever the checkout did).
export const FAKE_SENDMAIL = `${ROOT}/tests/http/fake-sendmail.sh`;

// ------------------------------------------------------------ the API

export const API = '/api/v1';

// Accounts, sessions, the signed-in account.
export const ACCOUNTS = `${API}/accounts`;
export const VERIFY = `${API}/accounts/verify`;
export const RESET = `${API}/password-reset`;
export const RESET_CONFIRM = `${API}/password-reset/confirm`;
export const SESSION = `${API}/session`;
export const SECOND_FACTOR = `${API}/session/second-factor`;
export const ME = `${API}/me`;
export const ME_EXPORT = `${API}/me/export`;

// Consultations, priorities, submissions, ballots, results.
export const CONSULTATIONS = `${API}/consultations`;
export const consultationPath = (id) => `${CONSULTATIONS}/${id}`;
export const prioritiesPath = (id) => `${CONSULTATIONS}/${id}/priorities`;
export const priorityPath = (id) => `${API}/priorities/${id}`;
export const submissionsPath = (id) => `${CONSULTATIONS}/${id}/submissions`;
export const ballotPath = (id) => `${CONSULTATIONS}/${id}/ballot`;
export const assistedPath = (id) => `${CONSULTATIONS}/${id}/assisted-ballots`;
export const resultsPath = (id, q = '') => `${CONSULTATIONS}/${id}/results${q}`;
export const csvPath = (id) => `${CONSULTATIONS}/${id}/results.csv`;

// Comments, flags, moderation, notifications, support texts.
export const commentsPath = (cid, q = '') => `${CONSULTATIONS}/${cid}/comments${q}`;
export const commentPath = (id) => `${API}/comments/${id}`;
export const votePath = (id) => `${API}/comments/${id}/vote`;
export const commentFlagsPath = (id) => `${API}/comments/${id}/flags`;
export const submissionFlagsPath = (id) => `${API}/submissions/${id}/flags`;
export const QUEUE = `${API}/moderation/queue`;
export const DECISIONS = `${API}/moderation/decisions`;
export const LOG = `${API}/moderation/log`;
export const suspensionPath = (id) => `${API}/accounts/${id}/suspension`;
export const NOTIFICATIONS = `${API}/me/notifications`;
export const NOTIFICATIONS_READ = `${API}/me/notifications/read`;
export const SUPPORT_TEXTS = `${API}/support-texts`;

// A query string from an object (undefined and null values left out).
export function qs(params = {}) {
  const e = Object.entries(params).filter(([, v]) => v !== undefined && v !== null);
  return e.length ? `?${e.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
}
