// SPDX-License-Identifier: AGPL-3.0-or-later
// Recorded responses (issue 13): one fixed scenario calls every route of the
// route table, as anonymous visitors, participants, moderators and an admin,
// with each route's success and its main refusals, and compares every
// exchange with tests/http/recorded/responses.txt: the status, the headers
// that are API, and the response body as the raw text the server wrote (key
// order, spacing, escaping, null or missing, number or string all count).
// A refactor of the handlers or of their SQL functions must leave this file
// passing without re-recording.
//
//   TEST_FILES=tests/http/recorded.test.mjs make test            compares
//   RECORD=1 TEST_FILES=tests/http/recorded.test.mjs make test   rewrites it
//
// Re-record only for a change of the API that is meant, and read the diff of
// responses.txt: it is that change.  A second test checks that every route
// of `concerto routes` has a recorded exchange, and a success among them, so
// a new route fails until the scenario calls it.
//
// The database is shared with the other test files, so what changes from run
// to run is replaced, as text, before the comparison:
//   - ids: a number at an id position (the "id" of an object whose kind its
//     key or its route tells, "consultation_id", "priority_ids", "choices",
//     "target_id" after "target_type", the segment after /consultations/ in a
//     path, an id query parameter, an id column of the CSV) is <kind#n>, n
//     counted per kind in order of first appearance; a number anywhere else is
//     kept, so a count, a rank or a score that changes shows; ids from
//     2147483000 up are no row's and kept;
//   - cursors: their id parts as ids, the queue's time part as <epoch>;
//   - times in the server's form (RFC 3339 UTC, to the second): <time>; any
//     other form keeps its shape with its digits as d;
//   - the run's prefix in e-mail addresses, pseudonyms, passwords and titles:
//     <run> (<RUN> upper-cased); secrets by their key (csrf_token, token,
//     totp, recovery codes, an enrolment's secret and URI): <key>;
//   - "computation_us" of the results (a duration): <computation_us>;
//   - Set-Cookie: the cookie's value (<value>; nothing when cleared);
//   - Retry-After of a 429 (the wait left, to the second): <seconds>;
//   - /metrics: its # HELP and # TYPE lines only (the samples count the
//     whole suite's traffic).
// Lists are read where only this file's rows are: within its consultations,
// one account's, or the newest page right after this file made its rows
// (with more of its own rows after the page, so that next_cursor is never
// null because the database happens to be fresh).  Repetitions that only
// lead up to a limit (the 429s) and the registrations of the participants
// after the first are sent but not recorded.
//
// Node 18: only built-in modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { API, CONSULTATIONS } from './lib/paths.mjs';
import { DAY, HOUR, at, suffix, waitFor } from './lib/util.mjs';
import { Client, newNet } from './lib/client.mjs';
import { concerto, outboxToken, sql, sqlExec } from './lib/db.mjs';
import { totp, userAdd } from './lib/accounts.mjs';
import { COMMENTS_PER_MINUTE, FLAG_THRESHOLD } from './lib/comments.mjs';

const RECORDING = new URL('./recorded/responses.txt', import.meta.url).pathname;
const RECORD = process.env.RECORD === '1';
// Ids this large are no row's: constants of the scenario, kept as they are.
const UNKNOWN = 2147483000;

// The run's prefix: in every e-mail address, pseudonym and password of the
// scenario, so that they are new in a shared database and fixed once replaced.
const RUN = `r${suffix()}`;

// ------------------------------------------------------------ route table

// `concerto routes`: [{ method, pattern, role, csrf, fields, ... }].
function routeTable() {
  const r = concerto(['routes']);
  assert.equal(r.status, 0, `concerto routes: ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}
const ROUTES = routeTable();

function patternRe(pattern, placeholders = false) {
  const seg = { '{id}': placeholders ? '(?:[1-9][0-9]{0,17}|<[a-z_]+#\\d+>)' : '[1-9][0-9]{0,17}', '{slug}': '[a-z0-9-]{1,64}' };
  const src = pattern.split('/').map((s) => seg[s] || (/^\{.*\}$/.test(s) ? '[^/]{1,256}' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${src}$`);
}
const ROUTE_RES = ROUTES.map((r) => ({ ...r, re: patternRe(r.pattern), reRecorded: patternRe(r.pattern, true) }));

// The route a request matches (HEAD as GET), or undefined.
function routeOf(method, path) {
  const m = method === 'HEAD' ? 'GET' : method;
  return ROUTE_RES.find((r) => r.method === m && r.re.test(path.split('?')[0]));
}

// ---------------------------------------------------------------- ids

// The kind of an object by the key that holds it (or the list holding it).
const CHILD_KINDS = {
  consultations: 'consultation', priorities: 'priority', sources: 'submission', submissions: 'submission',
  comments: 'comment', replies: 'comment', notifications: 'notification', entries: 'log', account: 'account',
  author: 'account', moderator: 'account', not_in_vote: 'priority',
};
// The kind of the top object of a response (and of a request body) by route.
const TOP_KINDS = {
  'POST /api/v1/consultations': 'consultation', 'GET /api/v1/consultations/{id}': 'consultation',
  'PATCH /api/v1/consultations/{id}': 'consultation',
  'POST /api/v1/consultations/{id}/priorities': 'priority', 'PATCH /api/v1/priorities/{id}': 'priority',
  'POST /api/v1/consultations/{id}/submissions': 'submission',
  'POST /api/v1/consultations/{id}/assisted-ballots': 'ballot',
  'POST /api/v1/consultations/{id}/comments': 'comment', 'PATCH /api/v1/comments/{id}': 'comment',
  'PUT /api/v1/comments/{id}/vote': 'comment',
  'GET /api/v1/me': 'account', 'PATCH /api/v1/me': 'account', 'GET /api/v1/me/export': 'account',
  'POST /api/v1/accounts/{id}/suspension': 'account',
};
// Keys whose number is an id of a kind, and keys whose list holds ids.
const ID_KEYS = {
  consultation_id: 'consultation', priority_id: 'priority', parent_id: 'comment', author_id: 'account',
  account_id: 'account', log_id: 'log', submission_id: 'submission', comment_id: 'comment', up_to: 'notification',
};
const ID_LIST_KEYS = { priority_ids: 'priority', choices: 'priority', sources: 'submission', schulze_order: 'priority' };
const TARGET_KINDS = { comment: 'comment', submission: 'submission', account: 'account', ballot: 'ballot' };
// Path segments followed by an id, and query parameters that are ids.
const PATH_KINDS = {
  consultations: 'consultation', priorities: 'priority', comments: 'comment', submissions: 'submission', accounts: 'account',
};
// Strings that are secrets or change every run, by key.
const TOKEN_KEYS = new Set(['csrf_token', 'token', 'totp', 'recovery_code', 'secret', 'otpauth_uri']);
// Numbers that measure the run, not the data, by key.
const MEASURE_KEYS = new Set(['computation_us']);

const ids = new Map(); // kind -> Map(value -> placeholder)
function idName(kind, value) {
  const v = String(value);
  if (!/^[1-9][0-9]*$/.test(v) || Number(v) >= UNKNOWN) return v;
  if (!ids.has(kind)) ids.set(kind, new Map());
  const m = ids.get(kind);
  if (!m.has(v)) m.set(v, `<${kind}#${m.size + 1}>`);
  return m.get(v);
}

// Cursors by route: what each comma-separated part is.
const CURSOR_PARTS = {
  'GET /api/v1/consultations': ['consultation'],
  'GET /api/v1/consultations/{id}/submissions': ['submission'],
  'GET /api/v1/consultations/{id}/comments': ['comment'],
  'GET /api/v1/consultations/{id}/comments best': ['score', 'comment'],
  'GET /api/v1/moderation/queue': ['distress', 'epoch', 'target', 'target_id'],
  'GET /api/v1/moderation/log': ['log'],
  'GET /api/v1/me/notifications': ['notification'],
};
// The queue's sort_kind part: which kind of target its id is.
const QUEUE_KINDS = { 0: 'comment', 1: 'submission' };

function cursorName(routeKey, sort, raw) {
  const parts = CURSOR_PARTS[sort === 'best' ? `${routeKey} best` : routeKey];
  if (!parts) return raw;
  const xs = String(raw).split(',');
  if (xs.length !== parts.length) return raw;
  return xs.map((x, i) => {
    const p = parts[i];
    if (p === 'epoch') return '<epoch>';
    if (p === 'score' || p === 'distress' || p === 'target') return x;
    if (p === 'target_id') return QUEUE_KINDS[xs[2]] ? idName(QUEUE_KINDS[xs[2]], x) : x;
    return idName(p, x);
  }).join(',');
}

// ------------------------------------------------------------ JSON spans

// A JSON parser that keeps where each value is in the text: objects
// { t: 'o', s, e, members: [{ key, v }] }, arrays { t: 'a', s, e, items },
// scalars { t: 's'|'n'|'l', s, e, value }.  Returns undefined when the text
// is not one JSON value.
function parseSpans(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const fail = () => { throw new SyntaxError(`at ${i}`); };
  function str() {
    const s = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') fail();
    i++;
    return { t: 's', s, e: i, value: JSON.parse(text.slice(s, i)) };
  }
  function value() {
    ws();
    const s = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members = [];
      ws();
      if (text[i] === '}') { i++; return { t: 'o', s, e: i, members }; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = str().value;
        ws();
        if (text[i++] !== ':') fail();
        members.push({ key, v: value() });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') fail();
        return { t: 'o', s, e: i, members };
      }
    }
    if (c === '[') {
      i++;
      const items = [];
      ws();
      if (text[i] === ']') { i++; return { t: 'a', s, e: i, items }; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== ']') fail();
        return { t: 'a', s, e: i, items };
      }
    }
    if (c === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 40));
    if (m) { i += m[0].length; return { t: 'n', s, e: i, value: m[0] }; }
    for (const w of ['true', 'false', 'null']) {
      if (text.startsWith(w, i)) { i += w.length; return { t: 'l', s, e: i, value: w }; }
    }
    return fail();
  }
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

// The replacements [start, end, text] that normalise the ids, cursors and
// tokens of a JSON value of kind `kind`.
function jsonEdits(node, kind, ctx, out = []) {
  if (node.t === 'a') {
    for (const it of node.items) jsonEdits(it, kind, ctx, out);
    return out;
  }
  if (node.t !== 'o') return out;
  const targetType = node.members.find((m) => m.key === 'target_type' && m.v.t === 's')?.v.value;
  for (const { key, v } of node.members) {
    const idKind = key === 'id' ? kind : key === 'target_id' ? TARGET_KINDS[targetType] : ID_KEYS[key];
    if (v.t === 'n' && idKind) out.push([v.s, v.e, idName(idKind, v.value)]);
    else if (v.t === 'n' && MEASURE_KEYS.has(key)) out.push([v.s, v.e, `<${key}>`]);
    else if (v.t === 'a' && ID_LIST_KEYS[key] && numbersOnly(v)) idsIn(v, ID_LIST_KEYS[key], out);
    else if (v.t === 's' && TOKEN_KEYS.has(key)) out.push([v.s, v.e, `"<${key}>"`]);
    else if (v.t === 'a' && key === 'recovery_codes') {
      for (const x of v.items) if (x.t === 's') out.push([x.s, x.e, '"<recovery_code>"']);
    } else if (v.t === 's' && key === 'next_cursor') out.push([v.s, v.e, JSON.stringify(cursorName(ctx.routeKey, ctx.sort, v.value))]);
    else if (v.t === 'o' || v.t === 'a') jsonEdits(v, CHILD_KINDS[key], ctx, out);
  }
  return out;
}

// A list of ids, or of lists of ids (the Schulze order's tied ranks).
const numbersOnly = (v) => v.items.every((x) => x.t === 'n' || (x.t === 'a' && numbersOnly(x)));
function idsIn(v, kind, out) {
  for (const x of v.items) {
    if (x.t === 'n') out.push([x.s, x.e, idName(kind, x.value)]);
    else idsIn(x, kind, out);
  }
}

function applyEdits(text, edits) {
  let out = '';
  let at0 = 0;
  for (const [s, e, r] of edits.sort((x, y) => x[0] - y[0])) {
    out += text.slice(at0, s) + r;
    at0 = e;
  }
  return out + text.slice(at0);
}

// Times: the server writes RFC 3339 UTC to the second (SQL iso()), and so
// does the scenario; that form is <time>.  Another form keeps its shape,
// digits as d (<time dddd-dd-dd dd:dd:dd.dddddd+dd>), so that a change of
// format shows.
const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?/g;
const timeName = (t) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(t) ? '<time>' : `<time ${t.replace(/\d/g, 'd')}>`);
const text = (s) => s.split(RUN).join('<run>').split(RUN.toUpperCase()).join('<RUN>').replace(TIME, timeName);

// The replacements of the id columns of a CSV text (RFC 4180: quoted fields
// may hold commas, quotes and line breaks), by the names of its header row.
function csvEdits(raw) {
  const out = [];
  let header = null;
  let row = [];
  let i = 0;
  while (i <= raw.length) {
    const s = i;
    if (raw[i] === '"') {
      i++;
      while (i < raw.length && !(raw[i] === '"' && raw[i + 1] !== '"')) i += raw[i] === '"' ? 2 : 1;
      i++;
    } else {
      while (i < raw.length && raw[i] !== ',' && raw[i] !== '\r' && raw[i] !== '\n') i++;
    }
    row.push([s, i]);
    if (raw[i] === ',') { i++; continue; }
    if (header === null) header = row.map(([a, b]) => raw.slice(a, b).replace(/^"|"$/g, ''));
    else {
      row.forEach(([a, b], k) => {
        const kind = ID_KEYS[header[k]];
        const v = raw.slice(a, b).replace(/^"|"$/g, '');
        if (kind && /^\d+$/.test(v)) out.push([a, b, `"${idName(kind, v)}"`]);
      });
    }
    row = [];
    if (raw[i] === '\r') i++;
    i++;
  }
  return out;
}

// A body (request or response) as recorded.
function normBody(raw, kind, ctx, contentType = '') {
  if (raw === undefined || raw === null || raw === '') return '';
  if (/^text\/csv/.test(contentType)) return text(applyEdits(raw, csvEdits(raw)));
  const tree = parseSpans(raw);
  return text(tree ? applyEdits(raw, jsonEdits(tree, kind, ctx)) : raw);
}

// A path with its ids, and its query's ids and cursor, as recorded.
function normPath(path, routeKey) {
  const [p, q] = path.split('?');
  const segs = p.split('/');
  const outP = segs.map((s, i) => (PATH_KINDS[segs[i - 1]] && /^\d+$/.test(s) ? idName(PATH_KINDS[segs[i - 1]], s) : s)).join('/');
  if (q === undefined) return text(outP);
  const params = q.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv, undefined] : [kv.slice(0, eq), kv.slice(eq + 1)];
  });
  const get = (k) => params.find(([x]) => x === k)?.[1];
  const outQ = params.map(([k, v]) => {
    if (v === undefined) return k;
    const d = decodeURIComponent(v);
    if (k === 'cursor') return `${k}=${cursorName(routeKey, get('sort'), d)}`;
    if (k === 'target_id' && TARGET_KINDS[get('target_type')]) return `${k}=${idName(TARGET_KINDS[get('target_type')], d)}`;
    if (ID_KEYS[k]) return `${k}=${idName(ID_KEYS[k], d)}`;
    return `${k}=${v}`;
  }).join('&');
  return text(`${outP}?${outQ}`);
}

// The headers of a response that are API, as recorded (lower-case names).
const API_HEADERS = ['content-type', 'cache-control', 'location', 'allow', 'retry-after', 'content-disposition', 'www-authenticate'];
function normHeaders(r) {
  const out = [];
  for (const h of API_HEADERS) {
    let v = r.headers.get(h);
    if (v === null) continue;
    if (h === 'retry-after' && r.status === 429 && /^[1-9][0-9]*$/.test(v)) v = '<seconds>';
    if (h === 'content-disposition') v = v.replace(/consultation-(\d+)-/, (m, id) => `consultation-${idName('consultation', id)}-`);
    out.push(`${h}: ${text(v)}`);
  }
  if (r.headers.get('etag') !== null) out.push('etag: <present>');
  const cookies = r.headers.get('set-cookie');
  if (cookies) {
    // fetch joins Set-Cookie lines with ", "; ours hold no comma but in Expires.
    for (const c of cookies.split(/,\s*(?=[^;=\s]+=)/)) out.push(`set-cookie: ${c.replace(/^([^=]+)=([^;]*)/, (m, n, val) => `${n}=${val ? '<value>' : ''}`)}`);
  }
  return out;
}

// /metrics: its HELP and TYPE lines (the samples count the suite's traffic).
const metricsBody = (raw) => `${raw.split('\n').filter((l) => l.startsWith('#')).join('\n')}\n# (samples left out)\n`;

// ------------------------------------------------------------ recording

// A body as lines "| ...": split at each \n, so that a final newline shows
// as a last "|" line.  Control characters but \n and \t are shown as their
// Unicode pictures, so that the file stays text; a body holding such a
// picture already could not be told apart, and is refused.
function renderBody(b) {
  if (b === '') return ['(no body)'];
  if (/[\u2400-\u2421]/.test(b)) throw new Error(`a body holds a control picture: ${b.slice(0, 200)}`);
  // eslint-disable-next-line no-control-regex
  const shown = b.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
  return shown.split('\n').map((l) => (l === '' ? '|' : `| ${l}`));
}

const exchanges = []; // rendered blocks, in order

function renderExchange(x) {
  const lines = [`### ${exchanges.length + 1} ${x.as}: ${x.method} ${x.path}`];
  for (const h of x.reqHeaders) lines.push(`> ${h}`);
  if (x.reqBody !== '') lines.push(`> body: ${x.reqBody.replace(/\n/g, '\u240a')}`);
  lines.push(`< ${x.status}`);
  for (const h of x.headers) lines.push(`< ${h}`);
  lines.push(...renderBody(x.body));
  return lines.join('\n');
}

// One actor of the scenario: a label and a Client (cookie, CSRF token,
// client address of its own network).
function actor(as, client = new Client(newNet().addr())) {
  return { as, client };
}

// Sends a request as `who` and records the exchange.  opts: { csrf: false,
// headers: {...}, raw: 'body as is', shown: what to record instead of the
// body, quiet: true (not recorded: the repetitions that lead to a limit) }.
// Returns the response ({ status, headers, text, json }).
async function ex(who, method, target, body, opts = {}) {
  const { quiet, shown, ...sendOpts } = opts;
  const route = routeOf(method, target);
  const routeKey = route ? `${route.method} ${route.pattern}` : undefined;
  const sort = /[?&]sort=([a-z]+)/.exec(target)?.[1];
  const ctx = { routeKey, sort };
  const kind = TOP_KINDS[routeKey];
  const reqHeaders = [];
  if (opts.csrf === false && who.client.csrf) reqHeaders.push('x-csrf-token: (none)');
  for (const [k, v] of Object.entries(opts.headers || {})) {
    reqHeaders.push(`${k.toLowerCase()}: ${v === null ? '(none)' : text(k.toLowerCase() === 'x-csrf-token' && v === who.client.csrf ? '<csrf_token>' : String(v))}`);
  }
  const r = await who.client.send(method, target, body, sendOpts);
  if (quiet) return r;
  const reqRaw = opts.raw !== undefined ? opts.raw : body === undefined ? '' : JSON.stringify(body);
  const x = {
    as: who.as,
    method,
    path: normPath(target, routeKey),
    reqHeaders,
    reqBody: shown ?? (opts.raw !== undefined ? text(reqRaw) : normBody(reqRaw, kind, ctx)),
    status: r.status,
    headers: normHeaders(r),
    body: target === '/metrics' ? metricsBody(r.text) : normBody(r.text, kind, ctx, r.headers.get('content-type') || ''),
  };
  exchanges.push(renderExchange(x));
  return r;
}

// Expects a status of an exchange that the scenario builds on (a session,
// an id): the scenario cannot go on without it.
function need(r, status, what) {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${String(r.text).slice(0, 400)}`);
  return r.json;
}

// ------------------------------------------------------------ the scenario

const P = (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)} ${RUN}`;
const EMAIL = (name) => `${name}-${RUN}@example.org`;
const PASSWORD = (name) => `Pw-${RUN}-${name}-é`;
const path = {
  consultation: (id) => `${CONSULTATIONS}/${id}`,
  priorities: (id) => `${CONSULTATIONS}/${id}/priorities`,
  priority: (id) => `${API}/priorities/${id}`,
  submissions: (id) => `${CONSULTATIONS}/${id}/submissions`,
  ballot: (id) => `${CONSULTATIONS}/${id}/ballot`,
  assisted: (id) => `${CONSULTATIONS}/${id}/assisted-ballots`,
  results: (id) => `${CONSULTATIONS}/${id}/results`,
  csv: (id) => `${CONSULTATIONS}/${id}/results.csv`,
  comments: (id) => `${CONSULTATIONS}/${id}/comments`,
  comment: (id) => `${API}/comments/${id}`,
  vote: (id) => `${API}/comments/${id}/vote`,
  commentFlags: (id) => `${API}/comments/${id}/flags`,
  submissionFlags: (id) => `${API}/submissions/${id}/flags`,
  suspension: (id) => `${API}/accounts/${id}/suspension`,
};
const SESSION = `${API}/session`;
const ME = `${API}/me`;
const QUEUE = `${API}/moderation/queue`;
const DECISIONS = `${API}/moderation/decisions`;
const LOG = `${API}/moderation/log`;
const NOTIFICATIONS = `${API}/me/notifications`;
const SUPPORT = `${API}/support-texts`;
const EVIL = 'https://evil.example';

// A registration body of `name` (fixed but for the run's prefix).
function registration(name, overrides = {}) {
  return {
    email: EMAIL(name), password: PASSWORD(name), pseudonym: P(name), profile: 'citizen', postcode: '75011',
    interests_declared: false, interests_text: null, language: 'fr', accept_terms: true, ...overrides,
  };
}

// Registers, verifies (unless verified: false) and signs in a participant,
// unrecorded: the scenario records alice's registration, verification and
// sign-in in full; the others' would be the same exchanges again.
async function join(name, overrides = {}, { verified = true } = {}) {
  const who = actor(`${name} (signed out)`);
  const body = registration(name, overrides);
  const quiet = { quiet: true };
  need(await ex(who, 'POST', `${API}/accounts`, body, quiet), 202, `registration of ${name}`);
  if (verified) {
    need(await ex(who, 'POST', `${API}/accounts/verify`, { token: outboxToken(body.email, 'verify') }, quiet), 200, `verification of ${name}`);
  }
  const s = await signIn(who, { email: body.email, password: body.password }, `sign-in of ${name}`, 200, quiet);
  who.as = `${name} (participant${verified ? '' : ', unverified'})`;
  return Object.assign(who, { name, id: s.account.id, body });
}

// POST /api/v1/session as `who`, recorded; a 200 gives `who` its session.
async function signIn(who, body, what, status = 200, opts = {}) {
  const r = await ex(who, 'POST', SESSION, body, opts);
  const s = need(r, status, what);
  if (r.status === 200) {
    who.client.cookie = cookieOf(r);
    who.client.csrf = s.csrf_token;
  }
  return s;
}

// The session cookie a response sets.
function cookieOf(r) {
  const m = /__Host-concerto=([^;]*)/.exec(r.headers.get('set-cookie') || '');
  assert.ok(m && m[1], `a session cookie: ${r.headers.get('set-cookie')}`);
  return m[1];
}

// A staff account made with `concerto user add`: { totpSecret, codes, ... }.
function staffAccount(name, role) {
  const out = userAdd({ email: EMAIL(name), role, pseudonym: P(name), password: PASSWORD(name) });
  assert.equal(out.status, 0, `user add ${role}: ${out.stdout}\n${out.stderr}`);
  assert.ok(out.totpSecret, `user add prints an otpauth URI:\n${out.stdout}`);
  return { name, role, ...out };
}

// A TOTP code that is not the one of now (nor of the steps around it).
function wrongCode(secret) {
  const near = [-30, 0, 30].map((d) => totp(secret, Date.now() / 1000 + d));
  for (let n = 0; ; n++) {
    const c = String((Number(near[1]) + 500000 + n) % 1e6).padStart(6, '0');
    if (!near.includes(c)) return c;
  }
}

async function scenario() {
  const anon = actor('anonymous');
  const lookup = () => new Client(newNet().addr()); // for reads that are not recorded

  // ---------------------------------------------------------- the service
  await ex(anon, 'GET', '/api/health');
  await ex(anon, 'HEAD', '/api/health');
  await ex(anon, 'POST', '/api/health', {});
  await ex(anon, 'PUT', CONSULTATIONS, {});
  await ex(anon, 'GET', `${API}/nothing-here`);
  await ex(anon, 'GET', `${CONSULTATIONS}/abc`);
  // /metrics answers loopback only: this request carries no forwarded address.
  await ex(anon, 'GET', '/metrics', undefined, { headers: { 'x-forwarded-for': null } });

  // ------------------------------------------------------- registration
  const alice = actor('alice (signed out)');
  const aliceBody = registration('alice');
  await ex(alice, 'POST', `${API}/accounts`, aliceBody);
  // A taken address gets the same answer as a new one.
  await ex(alice, 'POST', `${API}/accounts`, { ...aliceBody, pseudonym: P('alias') });
  const refused = actor('anonymous registrant');
  const reg = (o) => registration('mallory', o);
  await ex(refused, 'POST', `${API}/accounts`, reg({ email: undefined }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ email: 'not-an-address' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ password: 'short' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ password: 'motdepasse123' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ password: EMAIL('mallory') }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ accept_terms: false }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ profile: 'patient' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ profile: 'robot' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ postcode: '96000' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ language: 'de' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ pseudonym: 'ab' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ pseudonym: 'Admin Concerto' }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ pseudonym: P('ALICE') }));
  await ex(refused, 'POST', `${API}/accounts`, reg({ newsletter: true }));
  await ex(refused, 'POST', `${API}/accounts`, undefined, { raw: '{"email":' });
  await ex(refused, 'POST', `${API}/accounts`, undefined, { raw: '[]' });
  await ex(refused, 'POST', `${API}/accounts`, undefined, { raw: JSON.stringify(reg()), headers: { 'content-type': 'text/plain' } });
  await ex(refused, 'POST', `${API}/accounts`, reg(), { headers: { origin: EVIL } });

  await ex(alice, 'POST', `${API}/accounts/verify`, { token: 'A'.repeat(43) });
  await ex(alice, 'POST', `${API}/accounts/verify`, {});
  const aliceToken = outboxToken(aliceBody.email, 'verify');
  await ex(alice, 'POST', `${API}/accounts/verify`, { token: aliceToken });
  await ex(alice, 'POST', `${API}/accounts/verify`, { token: aliceToken });

  // ------------------------------------------------------------ sessions
  await ex(alice, 'POST', SESSION, { email: aliceBody.email, password: `${aliceBody.password}x` });
  await ex(alice, 'POST', SESSION, { email: EMAIL('nobody'), password: aliceBody.password });
  await ex(alice, 'POST', SESSION, { email: aliceBody.email });
  await ex(alice, 'POST', SESSION, { email: aliceBody.email, password: aliceBody.password, remember: true });
  await ex(alice, 'POST', SESSION, { email: aliceBody.email, password: aliceBody.password }, { headers: { 'sec-fetch-site': 'cross-site' } });
  await ex(alice, 'GET', ME);
  const s = await signIn(alice, { email: aliceBody.email, password: aliceBody.password }, 'sign-in of alice');
  alice.as = 'alice (participant)';
  Object.assign(alice, { name: 'alice', id: s.account.id, body: aliceBody });
  await ex(alice, 'GET', ME);
  await ex(anon, 'GET', ME);

  const bob = await join('bob', { profile: 'patient', health_data_consent: true, postcode: '93200', language: 'en' });
  const carol = await join('carol', { profile: 'carer', health_data_consent: true, postcode: '92100' });
  const dave = await join('dave', {
    profile: 'health_professional', postcode: '94000', interests_declared: true, interests_text: 'Consultant pour un laboratoire',
  });
  const erin = await join('erin', {}, { verified: false });
  const frank = await join('frank', { postcode: null });
  const grace = await join('grace', { postcode: '77000' });
  const heidi = await join('heidi', { profile: 'researcher', postcode: '91000' });

  // The pair (address, network) is held back from its 5th failure.
  const guesser = actor('guesser (signed out)');
  for (let i = 1; i <= 6; i++) await ex(guesser, 'POST', SESSION, { email: frank.body.email, password: `wrong password ${i}` }, { quiet: i < 5 });

  // --------------------------------------------------------------- staff
  const modAcct = staffAccount('mod', 'moderator');
  const adminAcct = staffAccount('admin', 'admin');
  const mod2Acct = staffAccount('facilitator', 'moderator');
  const mod = actor('moderator (password only)');
  await signIn(mod, { email: EMAIL('mod'), password: PASSWORD('mod') }, 'moderator sign-in');
  await ex(mod, 'GET', QUEUE);
  await ex(mod, 'POST', `${API}/session/second-factor`, { totp: wrongCode(modAcct.totpSecret) });
  await ex(mod, 'POST', `${API}/session/second-factor`, { totp: totp(modAcct.totpSecret) }, { csrf: false });
  await ex(mod, 'POST', `${API}/session/second-factor`, { code: '123456' });
  {
    const r = await ex(mod, 'POST', `${API}/session/second-factor`, { totp: totp(modAcct.totpSecret) });
    need(r, 200, 'the moderator\u2019s second factor');
    mod.client.cookie = cookieOf(r);
    mod.client.csrf = r.json.csrf_token;
    mod.as = 'moderator';
  }
  await ex(alice, 'POST', `${API}/session/second-factor`, { totp: '123456' });
  await ex(anon, 'POST', `${API}/session/second-factor`, { totp: '123456' });
  const adm = actor('admin (signed out)');
  await ex(adm, 'POST', SESSION, { email: EMAIL('admin'), password: PASSWORD('admin'), totp: wrongCode(adminAcct.totpSecret) });
  adm.id = (await signIn(adm, { email: EMAIL('admin'), password: PASSWORD('admin'), totp: totp(adminAcct.totpSecret) }, 'admin sign-in')).account.id;
  adm.as = 'admin';
  // A participant promoted to moderator enrols at the next sign-in.
  const ivan = await join('ivan');
  const role = concerto(['user', 'role', '--email', ivan.body.email, '--role', 'moderator']);
  assert.equal(role.status, 0, `user role: ${role.stdout}\n${role.stderr}`);
  ivan.as = 'ivan (promoted to moderator)';
  const enrol = await signIn(ivan, { email: ivan.body.email, password: ivan.body.password }, 'sign-in of a new moderator');
  assert.ok(enrol.enrolment?.secret, `an enrolment: ${JSON.stringify(enrol)}`);
  await ex(ivan, 'POST', `${API}/session/second-factor`, { totp: totp(enrol.enrolment.secret) });
  const fac = actor('facilitator (signed out)');
  await signIn(fac, { email: EMAIL('facilitator'), password: PASSWORD('facilitator'), recovery_code: mod2Acct.codes[0] }, 'facilitator sign-in');
  fac.as = 'facilitator (moderator)';

  // ----------------------------------------------------- support texts
  // Set both languages, so that distress answers do not depend on what
  // another file left; put back at the end.
  const supportBefore = need(await lookup().get(SUPPORT), 200, 'support texts').support_texts;
  restoreSupport = async () => {
    for (const t of supportBefore) await adm.client.send('PUT', `${SUPPORT}/${t.language}`, { title: t.title, body: t.body, contacts: t.contacts });
  };
  const support = {
    fr: { title: `Soutien ${RUN}`, body: 'Appelez Cancer info au 0 805 123 124.\nGratuit.', contacts: ['Cancer info : 0 805 123 124', 'Ligue contre le cancer : 0 800 940 939'] },
    en: { title: `Support ${RUN}`, body: 'Call Cancer info on 0 805 123 124.\nFree of charge.', contacts: ['Cancer info: 0 805 123 124'] },
  };
  await ex(anon, 'PUT', `${SUPPORT}/fr`, support.fr);
  await ex(alice, 'PUT', `${SUPPORT}/fr`, support.fr);
  await ex(mod, 'PUT', `${SUPPORT}/fr`, support.fr);
  await ex(adm, 'PUT', `${SUPPORT}/de`, support.fr);
  await ex(adm, 'PUT', `${SUPPORT}/fr`, { ...support.fr, title: 'ab' });
  await ex(adm, 'PUT', `${SUPPORT}/fr`, { ...support.fr, contacts: 'Cancer info' });
  await ex(adm, 'PUT', `${SUPPORT}/fr`, { ...support.fr, contacts: ['deux\nlignes'] });
  await ex(adm, 'PUT', `${SUPPORT}/fr`, { title: support.fr.title, body: support.fr.body });
  await ex(adm, 'PUT', `${SUPPORT}/fr`, support.fr, { csrf: false });
  await ex(adm, 'PUT', `${SUPPORT}/fr`, support.fr);
  await ex(adm, 'PUT', `${SUPPORT}/en`, support.en);
  await ex(anon, 'GET', SUPPORT);

  const st = { anon, alice, bob, carol, dave, erin, frank, grace, heidi, mod, adm, fac, lookup };
  await consultations(st);
  await submissionsAndPriorities(st);
  await ballots(st);
  await comments(st);
  await moderation(st);
  await results(st);
  await account(st);
  return st;
}

// ------------------------------------------------------------ the tests

const HEADER = [
  '# Recorded exchanges of tests/http/recorded.test.mjs (RECORD=1 rewrites this file).',
  '# ### n viewer: METHOD path, > request headers and body, < status and API headers, | response body.',
  '',
].join('\n');

// The blocks of a recording ("### " lines start one).
function blocks(recording) {
  const out = [];
  for (const line of recording.split('\n')) {
    if (line.startsWith('### ')) out.push([line]);
    else if (out.length) out[out.length - 1].push(line);
  }
  return out.map((b) => b.join('\n').replace(/\n+$/, ''));
}

// Where two lines first differ, shown with some context.
function lineDiff(e, a) {
  let i = 0;
  while (i < e.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - 60);
  return `at character ${i + 1}:\n      expected: …${e.slice(from, i + 120)}\n      actual:   …${a.slice(from, i + 120)}`;
}

function blockDiff(e, a) {
  const el = e.split('\n');
  const al = a.split('\n');
  const out = [];
  for (let i = 0; i < Math.max(el.length, al.length) && out.length < 6; i++) {
    if (el[i] === al[i]) continue;
    if (el[i] === undefined) out.push(`  + ${al[i]}`);
    else if (al[i] === undefined) out.push(`  - ${el[i]}`);
    else out.push(`  line ${i + 1} ${lineDiff(el[i], al[i])}`);
  }
  return out.join('\n');
}

let played;
let restoreSupport;

test('the scenario answers exchange by exchange as recorded', { timeout: 280e3 }, async () => {
  try {
    await scenario();
  } finally {
    played = `${HEADER}${exchanges.join('\n\n')}\n`;
    // Leave the support texts as they were (not recorded).
    if (restoreSupport) await restoreSupport();
  }
  if (RECORD) {
    mkdirSync(dirname(RECORDING), { recursive: true });
    writeFileSync(RECORDING, played);
    process.stderr.write(`# recorded ${exchanges.length} exchanges in ${RECORDING}\n`);
    return;
  }
  assert.ok(existsSync(RECORDING), `no recording at ${RECORDING}: run with RECORD=1 once (see the header of this file)`);
  const want = blocks(readFileSync(RECORDING, 'utf8'));
  const got = blocks(played);
  const diffs = [];
  for (let i = 0; i < Math.max(want.length, got.length) && diffs.length < 3; i++) {
    if (want[i] === got[i]) continue;
    const head = (b) => (b ? b.split('\n')[0] : '(none)');
    diffs.push(`exchange ${i + 1}:\n  expected ${head(want[i])}\n  actual   ${head(got[i])}\n${want[i] && got[i] ? blockDiff(want[i], got[i]) : ''}`);
  }
  assert.ok(diffs.length === 0,
    `${diffs.length >= 3 ? 'the first 3' : diffs.length} differing exchanges (recorded ${want.length}, played ${got.length}):\n\n${diffs.join('\n\n')}`);
});

// A consultation body: approval, K = 2, voting in 10 days, closing in 20.
function consultationBody(title, overrides = {}) {
  const method = overrides.method || 'approval';
  return {
    title_fr: title,
    summary_fr: 'Quelles questions la recherche sur les cancers doit-elle traiter en premier ?',
    body_fr: 'Les personnes concernées, les proches et les soignants choisissent ensemble.\nDeuxième ligne.',
    voting_at: at(10 * DAY), closes_at: at(20 * DAY), method,
    ...(method === 'approval' ? { max_choices: 2 } : { max_ranks: 2 }),
    ...overrides,
  };
}

async function create(st, title, overrides, phase) {
  const c = need(await ex(st.adm, 'POST', CONSULTATIONS, consultationBody(title, overrides)), 201, `create ${title}`);
  if (phase) return need(await ex(st.adm, 'PATCH', path.consultation(c.id), { phase }), 200, `${title}: ${phase}`);
  return c;
}

async function priority(st, cid, title, overrides = {}) {
  return need(await ex(st.mod, 'POST', path.priorities(cid), {
    title_fr: title, description_fr: 'Pourquoi cette question compte pour les personnes concernées.', ...overrides,
  }), 201, `priority ${title}`);
}

async function consultations(st) {
  const { anon, alice, mod, adm } = st;
  const body = consultationBody('Consultation refusée');
  await ex(anon, 'POST', CONSULTATIONS, body);
  await ex(alice, 'POST', CONSULTATIONS, body);
  await ex(mod, 'POST', CONSULTATIONS, body);
  await ex(adm, 'POST', CONSULTATIONS, body, { csrf: false });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, title_fr: undefined });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, title_fr: 'ab' });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, method: 'borda' });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, voting_at: 'demain matin' });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, colour: 'bleu' });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, max_choices: undefined });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, max_ranks: 3 });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, closes_at: at(9 * DAY) });
  await ex(adm, 'POST', CONSULTATIONS, { ...body, profile_targets: { patient: 0.5, citizen: 0.6 } });

  const c0 = await create(st, 'Brouillon de validation');
  const c1 = await create(st, 'Recueil des questions', {
    title_en: 'Gathering research questions', summary_en: 'Which questions first?',
    easy_summary_fr: 'On vous demande quelles questions étudier.', body_en: 'People affected choose together.',
    gathering_at: at(-HOUR), weighting: 'idf-departements',
  }, 'gathering');
  const c2 = await create(st, 'Vote par approbation', {
    voting_at: at(-HOUR), closes_at: at(DAY), weighting: 'idf-departements', publish_at: at(30 * DAY),
  });
  const c3 = await create(st, 'Vote classé', {
    method: 'ranked', voting_at: at(-HOUR), closes_at: at(DAY), weighting: 'fr-regions',
    profile_targets: { patient: 0.2, carer: 0.2, citizen: 0.3, health_professional: 0.3 },
  });
  const c4 = await create(st, 'Recueil prémodéré', { moderation: 'pre' }, 'gathering');
  const c6 = await create(st, 'Recueil des limites', {}, 'gathering');
  const c7 = await create(st, 'Vote assisté', { voting_at: at(-HOUR), closes_at: at(DAY) });
  const c5 = await create(st, 'Brouillon récent');
  Object.assign(st, { c0, c1, c2, c3, c4, c5, c6, c7 });

  // The priorities of the votes, added before the vote opens.
  st.p2 = [];
  for (const [i, t] of ['Fatigue après les traitements', 'Retour au travail', 'Effets tardifs chez l\u2019enfant'].entries()) {
    st.p2.push(await priority(st, c2.id, t, { position: i + 1, title_en: i === 0 ? 'Fatigue after treatment' : null }));
  }
  st.p2answered = await priority(st, c2.id, 'Activité physique pendant la chimiothérapie', {
    position: 4, question: 'L\u2019activité physique réduit-elle la fatigue ?', evidence_status: 'answered',
    evidence_links: ['https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD006145'],
  });
  st.p3 = [];
  for (const [i, t] of ['Dépistage', 'Soins de support', 'Essais cliniques'].entries()) st.p3.push(await priority(st, c3.id, t, { position: i + 1 }));
  st.p7 = await priority(st, c7.id, 'Une seule question');
  await ex(mod, 'PATCH', path.priority(st.p2[1].id), { description_fr: 'Reprendre son emploi après un cancer.', evidence_status: 'partly_answered' });
  await ex(mod, 'PATCH', path.priority(st.p2[1].id), { evidence_links: ['pas une adresse'] });
  await ex(mod, 'PATCH', path.priority(UNKNOWN), { title_fr: 'Personne ici' });
  await ex(mod, 'POST', path.priorities(UNKNOWN), { title_fr: 'Personne ici' });
  await ex(mod, 'POST', path.priorities(c2.id), { description_fr: 'Sans titre' });
  await ex(alice, 'POST', path.priorities(c2.id), { title_fr: 'Par une participante' });
  await ex(anon, 'PATCH', path.priority(st.p2[0].id), { title_fr: 'Par un anonyme' });
  for (const c of [c2, c3, c7]) need(await ex(adm, 'PATCH', path.consultation(c.id), { phase: 'voting' }), 200, 'open the vote');
  await ex(mod, 'POST', path.priorities(c2.id), { title_fr: 'Ajoutée pendant le vote' });
  await ex(mod, 'PATCH', path.priority(st.p2[0].id), { title_fr: 'Changée pendant le vote' });

  // Reading, as each viewer.
  await ex(anon, 'GET', path.consultation(c1.id));
  await ex(anon, 'GET', path.consultation(c2.id));
  await ex(anon, 'GET', path.consultation(c5.id));
  await ex(alice, 'GET', path.consultation(c5.id));
  await ex(mod, 'GET', path.consultation(c5.id));
  await ex(anon, 'GET', path.consultation(UNKNOWN));
  await ex(anon, 'GET', path.priorities(c2.id));
  await ex(anon, 'GET', path.priorities(c5.id));
  await ex(mod, 'GET', path.priorities(c5.id));
  // The newest first: this file's consultations are the newest there are.
  await ex(anon, 'GET', `${CONSULTATIONS}?limit=2`);
  await ex(anon, 'GET', `${CONSULTATIONS}?limit=1&cursor=${c6.id}`);
  await ex(anon, 'GET', `${CONSULTATIONS}?phase=gathering&limit=2`);
  await ex(anon, 'GET', `${CONSULTATIONS}?phase=draft&limit=1`);
  await ex(adm, 'GET', `${CONSULTATIONS}?phase=draft&limit=1`);
  await ex(anon, 'GET', `${CONSULTATIONS}?phase=finished`);
  await ex(anon, 'GET', `${CONSULTATIONS}?limit=0`);
  await ex(anon, 'GET', `${CONSULTATIONS}?cursor=abc`);

  // Changes, and the rules of phases.
  await ex(anon, 'PATCH', path.consultation(c0.id), { title_fr: 'Par un anonyme' });
  await ex(alice, 'PATCH', path.consultation(c0.id), { title_fr: 'Par une participante' });
  await ex(mod, 'PATCH', path.consultation(c0.id), { title_fr: 'Par un modérateur' });
  await ex(adm, 'PATCH', path.consultation(c0.id), { title_fr: 'Sans jeton' }, { csrf: false });
  await ex(adm, 'PATCH', path.consultation(c0.id), { title_fr: 'Brouillon corrigé', summary_en: 'Now in English', max_choices: 3 });
  await ex(adm, 'PATCH', path.consultation(c0.id), { title_fr: 'no' });
  await ex(adm, 'PATCH', path.consultation(c0.id), { phase: 'finished' });
  await ex(adm, 'PATCH', path.consultation(c0.id), { colour: 'rouge' });
  await ex(adm, 'PATCH', path.consultation(c0.id), { closes_at: at(5 * DAY) });
  await ex(adm, 'PATCH', path.consultation(c0.id), { max_ranks: 4 });
  await ex(adm, 'PATCH', path.consultation(UNKNOWN), { title_fr: 'Personne ici' });
  await ex(adm, 'PATCH', path.consultation(c1.id), { phase: 'draft' });
  await ex(adm, 'PATCH', path.consultation(c2.id), { max_choices: 3 });
  await ex(adm, 'PATCH', path.consultation(c2.id), { title_fr: 'Autre titre', method: 'ranked' });
  await ex(adm, 'PATCH', path.consultation(c2.id), { title_en: 'Approval vote', closes_at: at(2 * DAY) });
}

async function submissionsAndPriorities(st) {
  const { anon, alice, bob, carol, dave, erin, mod, c1, c2, c4, c6 } = st;
  const text = 'Comment mieux accompagner le retour au travail après un cancer du sein ?\nEt pour les indépendants ?';
  st.s1 = need(await ex(alice, 'POST', path.submissions(c1.id), { text }), 201, 'submission of alice');
  st.s2 = need(await ex(bob, 'POST', path.submissions(c1.id), { text: 'How to reduce fatigue after chemotherapy?' }), 201, 'submission of bob');
  await ex(alice, 'POST', path.submissions(c1.id), { text });
  await ex(alice, 'POST', path.submissions(c1.id), { text: 'Neuf car.' });
  await ex(alice, 'POST', path.submissions(c1.id), {});
  await ex(alice, 'POST', path.submissions(c1.id), { text, author: 'moi' });
  await ex(alice, 'POST', path.submissions(c1.id), { text: `${text} (sans jeton)` }, { csrf: false });
  await ex(anon, 'POST', path.submissions(c1.id), { text: 'Une question anonyme sur le suivi ?' });
  await ex(erin, 'POST', path.submissions(c1.id), { text: 'Une question d\u2019un compte non vérifié ?' });
  await ex(alice, 'POST', path.submissions(c2.id), { text: 'Une question pendant le vote ?' });
  await ex(alice, 'POST', path.submissions(st.c5.id), { text: 'Une question sur un brouillon ?' });
  st.s4 = need(await ex(carol, 'POST', path.submissions(c4.id), { text: 'Quels soins de support après une greffe ?' }), 201, 'pending submission');

  await ex(anon, 'GET', path.submissions(c1.id));
  await ex(alice, 'GET', path.submissions(c1.id));
  await ex(anon, 'GET', `${path.submissions(c1.id)}?limit=1`);
  await ex(anon, 'GET', `${path.submissions(c1.id)}?limit=1&cursor=${st.s1.id}`);
  await ex(anon, 'GET', `${path.submissions(c1.id)}?limit=500`);
  await ex(anon, 'GET', path.submissions(c4.id));
  await ex(carol, 'GET', path.submissions(c4.id));
  await ex(mod, 'GET', path.submissions(c4.id));

  // Moderators merge submissions into a priority that shows its sources.
  st.p1 = need(await ex(mod, 'POST', path.priorities(c1.id), { title_fr: 'Retour au travail et fatigue', sources: [st.s1.id, st.s2.id] }), 201, 'merge');
  await ex(mod, 'POST', path.priorities(c1.id), { title_fr: 'Avec une source d\u2019ailleurs', sources: [st.s4.id] });
  await ex(mod, 'PATCH', path.priority(st.p1.id), { sources: [st.s2.id, st.s2.id] });
  await ex(mod, 'PATCH', path.priority(st.p1.id), { sources: [st.s2.id] });
  await ex(anon, 'GET', path.priorities(c1.id));
  await ex(anon, 'GET', path.submissions(c1.id));
  await ex(mod, 'PATCH', path.priority(st.p1.id), { sources: [st.s1.id, st.s2.id], question: 'Comment reprendre le travail malgré la fatigue ?' });

  // Ten submissions an hour per account (in a consultation of their own).
  for (let i = 1; i <= 11; i++) await ex(dave, 'POST', path.submissions(c6.id), { text: `Question de recherche numéro ${i} sur le suivi ?` }, { quiet: i < 10 });
  st.s6 = need(await st.lookup().get(`${path.submissions(c6.id)}?limit=1`), 200, 'submissions of c6').submissions[0];
}

async function ballots(st) {
  const { anon, alice, bob, carol, dave, erin, heidi, mod, adm, fac, c1, c2, c3, c7, p2, p3 } = st;
  const b = path.ballot(c2.id);
  const [x, y, z] = p2.map((p) => p.id);
  await ex(anon, 'PUT', b, { choices: [x] });
  await ex(erin, 'PUT', b, { choices: [x] });
  await ex(alice, 'PUT', b, { choices: [x] }, { csrf: false });
  await ex(alice, 'PUT', b, {});
  await ex(alice, 'PUT', b, { choices: [x, x] });
  await ex(alice, 'PUT', b, { choices: 'x' });
  await ex(alice, 'PUT', b, { choices: [] });
  await ex(alice, 'PUT', b, { choices: [x, y, z] });
  await ex(alice, 'PUT', b, { choices: [UNKNOWN] });
  await ex(alice, 'PUT', b, { choices: [st.p2answered.id] });
  await ex(alice, 'PUT', b, { choices: [p3[0].id] });
  await ex(alice, 'PUT', path.ballot(c1.id), { choices: [st.p1.id] });
  await ex(alice, 'PUT', path.ballot(UNKNOWN), { choices: [x] });
  await ex(alice, 'GET', b);
  await ex(alice, 'DELETE', b);
  await ex(anon, 'GET', b);

  // Idempotency-Key: a retry gets the first answer; another body with the key 422.
  const key = { 'idempotency-key': `ballot-${RUN}` };
  await ex(alice, 'PUT', b, { choices: [x, y] }, { headers: key });
  await ex(alice, 'PUT', b, { choices: [x, y] }, { headers: key });
  await ex(alice, 'PUT', b, { choices: [z] }, { headers: key });
  await ex(alice, 'PUT', b, { choices: [z] }, { headers: { 'idempotency-key': 'two words' } });
  await ex(alice, 'GET', b);
  await ex(alice, 'PUT', b, { choices: [y, x] });
  await ex(alice, 'GET', b);
  await ex(bob, 'PUT', b, { choices: [x] });
  await ex(bob, 'DELETE', b);
  await ex(bob, 'GET', b);
  await ex(bob, 'DELETE', b);
  await ex(bob, 'PUT', b, { choices: [x, z] });
  await ex(carol, 'PUT', b, { choices: [z] });
  await ex(dave, 'PUT', b, { choices: [x] });
  await ex(heidi, 'PUT', b, { choices: [y] });
  // The same key by another account is that account's own.
  await ex(carol, 'PUT', b, { choices: [x, z] }, { headers: key });
  await ex(mod, 'GET', b);

  // Assisted ballots, entered by a facilitator.
  const a = path.assisted(c2.id);
  const paper = { choices: [x, z], profile: 'patient', postcode: '75012', interests_declared: false, note: 'Bulletin papier reçu à l\u2019hôpital de jour' };
  await ex(mod, 'POST', a, paper);
  const pkey = { 'idempotency-key': `paper-${RUN}` };
  await ex(mod, 'POST', a, { ...paper, profile: 'citizen', postcode: null, note: null, choices: [y] }, { headers: pkey });
  await ex(mod, 'POST', a, { ...paper, profile: 'citizen', postcode: null, note: null, choices: [y] }, { headers: pkey });
  await ex(mod, 'POST', a, { ...paper, choices: [x] }, { headers: pkey });
  await ex(adm, 'POST', a, { ...paper, profile: 'researcher', postcode: '95000', choices: [y, z] });
  await ex(mod, 'POST', a, { choices: [x] });
  await ex(mod, 'POST', a, { ...paper, profile: 'robot' });
  await ex(mod, 'POST', a, { ...paper, choices: [x, y, z] });
  await ex(mod, 'POST', a, { ...paper, choices: [UNKNOWN] });
  await ex(mod, 'POST', a, { ...paper, choices: [st.p2answered.id] });
  await ex(mod, 'POST', path.assisted(c1.id), { ...paper, choices: [st.p1.id] });
  await ex(alice, 'POST', a, paper);
  await ex(anon, 'POST', a, paper);
  await ex(mod, 'POST', a, paper, { csrf: false });

  // Ranked: the order counts.
  const r = path.ballot(c3.id);
  const [q1, q2, q3] = p3.map((p) => p.id);
  await ex(alice, 'PUT', r, { choices: [q2, q1] });
  await ex(bob, 'PUT', r, { choices: [q1, q3] });
  await ex(carol, 'PUT', r, { choices: [q3, q2] });
  await ex(dave, 'PUT', r, { choices: [q2, q3] });
  await ex(heidi, 'PUT', r, { choices: [q1, q2, q3] });
  await ex(alice, 'GET', r);
  await ex(mod, 'POST', path.assisted(c3.id), { choices: [q1, q2], profile: 'carer', postcode: '13001' });

  // CONCERTO_ASSISTED_PER_MINUTE (20) a minute per facilitator, then 429.
  const per = Number(process.env.CONCERTO_ASSISTED_PER_MINUTE || 20);
  for (let i = 1; i <= per + 1; i++) await ex(fac, 'POST', path.assisted(c7.id), { choices: [st.p7.id], profile: 'other', postcode: '75020' }, { quiet: i < per });
}

async function comments(st) {
  const { anon, alice, bob, carol, dave, erin, heidi, mod, c1, c2, c4, c6 } = st;
  const list = path.comments(c1.id);
  const first = 'Premier paragraphe.\n\nAccents éàçœ — guillemets « » et un ruban 🎗️ ; <script>alert(1)</script> "cité" \\ fin.\n';
  st.a1 = need(await ex(alice, 'POST', list, { body: first, alignment: 'for' }), 201, 'comment of alice');
  st.b1 = need(await ex(bob, 'POST', list, { body: 'I agree, and carers too.', parent_id: st.a1.id }), 201, 'reply of bob');
  st.c1c = need(await ex(carol, 'POST', list, { body: 'Sur cette question précise, il faut les aidants.', priority_id: st.p1.id, alignment: 'against' }), 201, 'comment of carol');
  st.d1 = need(await ex(dave, 'POST', list, { body: 'Les données de santé des patients doivent rester confidentielles : Jean Dupont, 12 rue X.' }), 201, 'comment of dave');
  st.r1 = need(await ex(carol, 'POST', list, { body: 'Une réponse à la réponse.', parent_id: st.b1.id, alignment: 'neutral' }), 201, 'reply of carol');
  await ex(alice, 'POST', list, { body: first.toUpperCase().replace(/\s+/g, '  ') });
  await ex(alice, 'POST', list, {});
  await ex(alice, 'POST', list, { body: '' });
  await ex(alice, 'POST', list, { body: 'Un avis', alignment: 'maybe' });
  await ex(alice, 'POST', list, { body: 'Un avis', parent_id: UNKNOWN });
  await ex(alice, 'POST', list, { body: 'Un avis', priority_id: st.p2[0].id });
  await ex(alice, 'POST', list, { body: 'Un avis', parent_id: 'un' });
  await ex(alice, 'POST', list, { body: 'Un avis sans jeton' }, { csrf: false });
  await ex(anon, 'POST', list, { body: 'Un avis anonyme' });
  await ex(erin, 'POST', list, { body: 'Un avis non vérifié' });
  await ex(alice, 'POST', path.comments(UNKNOWN), { body: 'Un avis nulle part' });
  await ex(alice, 'POST', path.comments(st.c5.id), { body: 'Un avis sur un brouillon' });

  // Reading: trees, sorts, pages, filters.
  await ex(anon, 'GET', list);
  await ex(alice, 'GET', list);
  await ex(mod, 'GET', list);
  await ex(anon, 'GET', `${list}?sort=newest`);
  await ex(anon, 'GET', `${list}?limit=1`);
  await ex(anon, 'GET', `${list}?limit=1&cursor=${st.a1.id}`);
  await ex(anon, 'GET', `${list}?sort=newest&limit=2&cursor=${st.r1.id}`);
  await ex(anon, 'GET', `${list}?parent_id=${st.a1.id}`);
  await ex(anon, 'GET', `${list}?priority_id=${st.p1.id}`);
  await ex(anon, 'GET', `${list}?sort=worst`);
  await ex(anon, 'GET', `${list}?cursor=abc`);
  await ex(anon, 'GET', `${list}?cursor=1,2`);
  await ex(anon, 'GET', `${list}?limit=101`);
  await ex(anon, 'GET', path.comments(UNKNOWN));
  await ex(anon, 'GET', path.comments(st.c5.id));

  // Edits: by the author, within the window; staff see the history.
  await ex(alice, 'PATCH', path.comment(st.a1.id), { body: `${first}Complété.`, alignment: 'neutral' });
  await ex(bob, 'PATCH', path.comment(st.a1.id), { body: 'Pas mon commentaire' });
  await ex(alice, 'PATCH', path.comment(st.a1.id), { body: '' });
  await ex(alice, 'PATCH', path.comment(st.a1.id), { parent_id: st.b1.id });
  await ex(alice, 'PATCH', path.comment(st.a1.id), {});
  await ex(alice, 'PATCH', path.comment(UNKNOWN), { body: 'Personne ici' });
  await ex(anon, 'PATCH', path.comment(st.a1.id), { body: 'Anonyme' });
  sqlExec('UPDATE comments SET created_at = created_at - interval \'1 hour\' WHERE id = :id', { id: st.c1c.id });
  await ex(carol, 'PATCH', path.comment(st.c1c.id), { body: 'Trop tard pour changer' });
  await ex(mod, 'GET', `${list}?parent_id=${st.b1.id}`);

  // Votes: one per account, replaced or removed; the Wilson score.
  await ex(bob, 'PUT', path.vote(st.a1.id), { value: 1 });
  await ex(carol, 'PUT', path.vote(st.a1.id), { value: -1 });
  await ex(dave, 'PUT', path.vote(st.a1.id), { value: 1 });
  await ex(heidi, 'PUT', path.vote(st.a1.id), { value: 1 });
  await ex(carol, 'PUT', path.vote(st.a1.id), { value: 0 });
  await ex(alice, 'PUT', path.vote(st.a1.id), { value: 1 });
  await ex(bob, 'PUT', path.vote(st.a1.id), { value: 2 });
  await ex(bob, 'PUT', path.vote(st.a1.id), {});
  await ex(bob, 'PUT', path.vote(UNKNOWN), { value: 1 });
  await ex(anon, 'PUT', path.vote(st.a1.id), { value: 1 });
  await ex(alice, 'PUT', path.vote(st.d1.id), { value: -1 });
  await ex(anon, 'GET', `${list}?sort=best`);
  await ex(anon, 'GET', `${list}?sort=best&limit=1`);
  const best = need(await st.lookup().get(`${list}?sort=best&limit=1`), 200, 'best page').next_cursor;
  await ex(anon, 'GET', `${list}?sort=best&limit=1&cursor=${encodeURIComponent(best)}`);

  // Flags: one per account and target; the threshold hides until a decision.
  await ex(bob, 'POST', path.commentFlags(st.a1.id), { reason: 'spam' });
  await ex(bob, 'POST', path.commentFlags(st.a1.id), { reason: 'abuse' });
  await ex(alice, 'POST', path.commentFlags(st.a1.id), { reason: 'spam' });
  await ex(bob, 'POST', path.commentFlags(UNKNOWN), { reason: 'spam' });
  await ex(bob, 'POST', path.commentFlags(st.d1.id), { reason: 'boring' });
  await ex(bob, 'POST', path.commentFlags(st.d1.id), { reason: 'spam', severity: 'high' });
  await ex(bob, 'POST', path.commentFlags(st.d1.id), {});
  await ex(anon, 'POST', path.commentFlags(st.d1.id), { reason: 'spam' });
  await ex(carol, 'POST', path.commentFlags(st.a1.id), { reason: 'off_topic', note: 'Parle d\u2019autre chose.\nDeuxième ligne.' });
  assert.ok(FLAG_THRESHOLD === 3, 'the stack hides a contribution at its 3rd flag');
  await ex(dave, 'POST', path.commentFlags(st.a1.id), { reason: 'misinformation', note: null });
  await ex(anon, 'GET', list);
  await ex(alice, 'GET', list);
  await ex(bob, 'PUT', path.vote(st.a1.id), { value: -1 });
  await ex(carol, 'POST', path.submissionFlags(st.s1.id), { reason: 'off_topic' });
  await ex(carol, 'POST', path.submissionFlags(st.s1.id), { reason: 'spam' });
  await ex(alice, 'POST', path.submissionFlags(st.s1.id), { reason: 'spam' });
  await ex(carol, 'POST', path.submissionFlags(UNKNOWN), { reason: 'spam' });
  await ex(carol, 'POST', path.submissionFlags(st.s4.id), { reason: 'spam' });
  await ex(st.adm, 'PATCH', path.consultation(c6.id), { phase: 'voting' });
  await ex(carol, 'POST', path.submissionFlags(st.s6.id), { reason: 'spam' });

  // Deletion: a tombstone that keeps its replies.
  await ex(alice, 'DELETE', path.comment(st.b1.id));
  await ex(bob, 'DELETE', path.comment(st.b1.id), undefined, { csrf: false });
  await ex(bob, 'DELETE', path.comment(st.b1.id));
  await ex(bob, 'DELETE', path.comment(st.b1.id));
  await ex(bob, 'PATCH', path.comment(st.b1.id), { body: 'Revenu' });
  await ex(carol, 'PUT', path.vote(st.b1.id), { value: 1 });
  await ex(carol, 'POST', path.commentFlags(st.b1.id), { reason: 'spam' });
  await ex(carol, 'POST', list, { body: 'Une réponse à un commentaire supprimé.', parent_id: st.b1.id });
  await ex(bob, 'DELETE', path.comment(UNKNOWN));
  await ex(mod, 'GET', `${list}?parent_id=${st.a1.id}`);

  // Distress words: held back, and the author is answered with support in
  // their language (bob's is English).
  st.b2 = need(await ex(bob, 'POST', list, { body: 'Some days I want to die, the treatment is so hard.' }), 201, 'distress');
  st.a2 = need(await ex(alice, 'POST', list, { body: 'Je n\u2019ai plus la force de vivre parfois.' }), 201, 'distress fr');

  // Pre-moderation: pending until approved, seen by its author and staff.
  st.c4c = need(await ex(carol, 'POST', path.comments(c4.id), { body: 'Un avis en attente de modération.' }), 201, 'pending comment');
  await ex(anon, 'GET', path.comments(c4.id));
  await ex(carol, 'GET', path.comments(c4.id));
  await ex(mod, 'GET', path.comments(c4.id));
  await ex(dave, 'PUT', path.vote(st.c4c.id), { value: 1 });
  await ex(dave, 'POST', path.commentFlags(st.c4c.id), { reason: 'spam' });

  // Closed to comments once the vote is over (c2 closes in the results part).
  await ex(alice, 'POST', path.comments(c2.id), { body: 'Un avis pendant le vote.' });

  // CONCERTO_COMMENTS_PER_MINUTE (5) a minute per account, then 429.
  for (let i = 1; i <= COMMENTS_PER_MINUTE + 1; i++) await ex(heidi, 'POST', path.comments(c6.id), { body: `Avis numéro ${i} sur le suivi.` }, { quiet: i < COMMENTS_PER_MINUTE });
}

async function moderation(st) {
  const { anon, alice, bob, carol, dave, heidi, mod, adm, c1, c4 } = st;
  const why = 'Décision de modération motivée';
  const decide = (who, fields) => ex(who, 'POST', DECISIONS, { reason: why, ...fields });
  await ex(anon, 'GET', QUEUE);
  await ex(alice, 'GET', QUEUE);
  await ex(mod, 'GET', `${QUEUE}?consultation_id=${c1.id}`);
  await ex(mod, 'GET', `${QUEUE}?consultation_id=${c1.id}&reason=off_topic`);
  await ex(mod, 'GET', `${QUEUE}?consultation_id=${c1.id}&limit=1`);
  const q = need(await mod.client.get(`${QUEUE}?consultation_id=${c1.id}&limit=1`), 200, 'queue page').next_cursor;
  await ex(mod, 'GET', `${QUEUE}?consultation_id=${c1.id}&limit=1&cursor=${encodeURIComponent(q)}`);
  await ex(mod, 'GET', `${QUEUE}?consultation_id=${c4.id}`);
  await ex(mod, 'GET', `${QUEUE}?reason=boring`);
  await ex(mod, 'GET', `${QUEUE}?cursor=1,2`);

  // Decisions: each allowed transition once, and refusals.
  await decide(anon, { target_type: 'comment', target_id: st.a1.id, action: 'approve' });
  await decide(alice, { target_type: 'comment', target_id: st.a1.id, action: 'approve' });
  await ex(mod, 'POST', DECISIONS, { reason: why, target_type: 'comment', target_id: st.a1.id, action: 'approve' }, { csrf: false });
  await decide(mod, { target_type: 'comment', target_id: st.a1.id, action: 'approve', reason: 'Propos acceptables' });
  await decide(mod, { target_type: 'comment', target_id: st.a1.id, action: 'approve' });
  await decide(mod, { target_type: 'comment', target_id: st.a2.id, action: 'hide' });
  await decide(mod, { target_type: 'comment', target_id: st.a2.id, action: 'restore' });
  await decide(mod, { target_type: 'comment', target_id: st.b2.id, action: 'reject', reason: 'Redirigé vers le soutien' });
  await decide(mod, { target_type: 'comment', target_id: st.b2.id, action: 'reject' });
  await decide(mod, { target_type: 'comment', target_id: st.d1.id, action: 'redact', passage: 'Jean Dupont, 12 rue X' });
  await decide(mod, { target_type: 'comment', target_id: st.d1.id, action: 'redact' });
  await decide(mod, { target_type: 'comment', target_id: st.d1.id, action: 'redact', passage: 'absent du texte' });
  await ex(dave, 'PATCH', path.comment(st.d1.id), { body: 'Jean Dupont, 12 rue X' });
  await decide(mod, { target_type: 'comment', target_id: st.b1.id, action: 'hide' });
  await decide(mod, { target_type: 'comment', target_id: UNKNOWN, action: 'hide' });
  await decide(mod, { target_type: 'ballot', target_id: st.a1.id, action: 'hide' });
  await decide(mod, { target_type: 'comment', target_id: st.a1.id, action: 'delete' });
  await decide(mod, { target_type: 'comment', target_id: st.a1.id, action: 'hide', reason: 'no' });
  await ex(mod, 'POST', DECISIONS, { target_type: 'comment', target_id: st.a1.id, action: 'hide' });
  await decide(mod, { target_type: 'submission', target_id: st.s4.id, action: 'approve' });
  await decide(mod, { target_type: 'submission', target_id: st.s1.id, action: 'hide' });
  await decide(mod, { target_type: 'submission', target_id: st.s1.id, action: 'restore' });
  await decide(mod, { target_type: 'comment', target_id: st.c4c.id, action: 'approve' });
  await decide(adm, { target_type: 'comment', target_id: st.r1.id, action: 'hide', reason: 'Par un administrateur' });
  await ex(anon, 'GET', path.comments(c1.id));
  await ex(mod, 'GET', path.comments(c1.id));
  await ex(anon, 'GET', path.submissions(c4.id));
  await ex(mod, 'GET', `${QUEUE}?consultation_id=${c1.id}`);

  // The log of decisions.
  await ex(anon, 'GET', LOG);
  await ex(alice, 'GET', LOG);
  await ex(mod, 'GET', `${LOG}?consultation_id=${c1.id}`);
  await ex(mod, 'GET', `${LOG}?consultation_id=${c1.id}&limit=2`);
  const l = need(await mod.client.get(`${LOG}?consultation_id=${c1.id}&limit=2`), 200, 'log page').next_cursor;
  await ex(mod, 'GET', `${LOG}?consultation_id=${c1.id}&limit=2&cursor=${l}`);
  await ex(mod, 'GET', `${LOG}?target_type=comment&target_id=${st.a2.id}`);
  await ex(mod, 'GET', `${LOG}?target_type=ballot&consultation_id=${st.c2.id}&limit=3`);
  await ex(mod, 'GET', `${LOG}?target_type=vote`);
  await ex(mod, 'GET', `${LOG}?limit=0`);

  // Suspensions stop contributions, not reading; 0 days lifts one.
  const sus = path.suspension(heidi.id);
  await ex(anon, 'POST', sus, { days: 3, reason: 'Propos répétés hors sujet' });
  await ex(alice, 'POST', sus, { days: 3, reason: 'Propos répétés hors sujet' });
  await ex(mod, 'POST', sus, { days: 3, reason: 'Propos répétés hors sujet' }, { csrf: false });
  await ex(mod, 'POST', sus, { days: -1, reason: 'Durée négative' });
  await ex(mod, 'POST', sus, { days: 3651, reason: 'Trop long' });
  await ex(mod, 'POST', sus, { days: 3 });
  await ex(mod, 'POST', path.suspension(UNKNOWN), { days: 3, reason: 'Personne ici' });
  await ex(mod, 'POST', path.suspension(adm.id), { days: 3, reason: 'Un membre de l\u2019équipe' });
  await ex(mod, 'POST', sus, { days: 3, reason: 'Propos répétés hors sujet' });
  await ex(heidi, 'POST', path.comments(c1.id), { body: 'Un avis pendant la suspension.' });
  await ex(heidi, 'PUT', path.vote(st.a1.id), { value: -1 });
  await ex(heidi, 'POST', path.commentFlags(st.a1.id), { reason: 'spam' });
  await ex(heidi, 'POST', path.submissions(c1.id), { text: 'Une question pendant la suspension ?' });
  await ex(heidi, 'PUT', path.ballot(st.c2.id), { choices: [st.p2[0].id] });
  await ex(heidi, 'PATCH', ME, { pseudonym: P('heidi2') });
  await ex(heidi, 'PATCH', ME, { language: 'en' });
  await ex(heidi, 'GET', ME);
  await ex(heidi, 'GET', path.comments(c1.id));
  await ex(mod, 'POST', sus, { days: 0, reason: 'Levée de la suspension' });
  await ex(heidi, 'PUT', path.vote(st.a1.id), { value: -1 });

  // Notifications of decisions and support.
  const n = NOTIFICATIONS;
  await ex(anon, 'GET', n);
  await ex(alice, 'GET', n);
  await ex(alice, 'GET', `${n}?limit=2`);
  const nc = need(await alice.client.get(`${n}?limit=2`), 200, 'notifications page').next_cursor;
  await ex(alice, 'GET', `${n}?limit=2&cursor=${nc}`);
  await ex(alice, 'GET', `${n}?limit=0`);
  await ex(bob, 'GET', n);
  await ex(heidi, 'GET', n);
  await ex(carol, 'GET', n);
  await ex(alice, 'POST', `${n}/read`, {});
  await ex(alice, 'POST', `${n}/read`, { up_to: 'all' });
  await ex(alice, 'POST', `${n}/read`, { up_to: UNKNOWN, all: true });
  await ex(alice, 'POST', `${n}/read`, { up_to: Number(nc) }, { csrf: false });
  await ex(alice, 'POST', `${n}/read`, { up_to: Number(nc) });
  await ex(alice, 'GET', n);
  await ex(bob, 'POST', `${n}/read`, { up_to: UNKNOWN });
  await ex(bob, 'GET', n);
  await ex(anon, 'POST', `${n}/read`, { up_to: UNKNOWN });
}

async function results(st) {
  const { anon, alice, mod, adm, c2, c3, c5 } = st;
  await ex(anon, 'GET', path.results(c2.id));
  await ex(alice, 'GET', path.csv(c2.id));
  await ex(mod, 'GET', path.results(c2.id));
  await ex(adm, 'GET', path.results(c2.id));
  await ex(anon, 'GET', path.results(c5.id));
  await ex(mod, 'GET', path.results(c5.id));
  await ex(anon, 'GET', path.results(UNKNOWN));
  await ex(anon, 'GET', path.csv(UNKNOWN));
  await ex(adm, 'PATCH', path.consultation(c2.id), { phase: 'closed' });
  await ex(alice, 'PUT', path.ballot(c2.id), { choices: [st.p2[2].id] });
  await ex(alice, 'DELETE', path.ballot(c2.id));
  await ex(alice, 'GET', path.ballot(c2.id));
  await ex(mod, 'POST', path.assisted(c2.id), { choices: [st.p2[0].id], profile: 'citizen' });
  await ex(adm, 'PATCH', path.consultation(c2.id), { closes_at: at(3 * DAY) });
  await ex(adm, 'PATCH', path.consultation(c2.id), { title_en: 'Approval vote, closed' });
  await ex(anon, 'GET', path.results(c2.id));
  await ex(adm, 'PATCH', path.consultation(c2.id), { phase: 'published' });
  await ex(adm, 'PATCH', path.consultation(c2.id), { title_fr: 'Trop tard pour changer' });
  await ex(adm, 'PATCH', path.consultation(c2.id), { phase: 'closed' });
  await ex(alice, 'POST', path.comments(c2.id), { body: 'Un avis après la publication.' });
  await ex(anon, 'GET', path.results(c2.id));
  await ex(anon, 'GET', `${path.results(c2.id)}?weighting=none`);
  await ex(anon, 'GET', `${path.results(c2.id)}?interests=exclude`);
  await ex(anon, 'GET', `${path.results(c2.id)}?weighting=raking`);
  await ex(anon, 'GET', `${path.results(c2.id)}?colour=red`);
  await ex(anon, 'GET', path.csv(c2.id));
  await ex(anon, 'GET', `${path.csv(c2.id)}?interests=exclude&weighting=none`);
  await ex(anon, 'GET', `${path.csv(c2.id)}?interests=all`);
  await ex(anon, 'GET', path.consultation(c2.id));
  await ex(anon, 'GET', path.comments(c2.id));
  await ex(adm, 'PATCH', path.consultation(c3.id), { phase: 'published' });
  await ex(anon, 'GET', path.results(c3.id));
  await ex(anon, 'GET', path.csv(c3.id));
  await ex(anon, 'GET', `${path.results(c3.id)}?weighting=none`);
}

async function account(st) {
  const { anon, alice, bob, carol, frank, grace, heidi } = st;
  // PATCH /me: each field, and its refusals.
  await ex(alice, 'PATCH', ME, { language: 'en', postcode: null, interests_declared: true, interests_text: 'Membre d\u2019une association' });
  await ex(alice, 'PATCH', ME, { postcode: 'ABCDE' });
  await ex(alice, 'PATCH', ME, { pseudonym: P('bob').toLowerCase() });
  await ex(alice, 'PATCH', ME, { pseudonym: 'Modération' });
  await ex(alice, 'PATCH', ME, { pseudonym: 'a\u0007b c' });
  await ex(alice, 'PATCH', ME, { profile: 'patient' });
  await ex(alice, 'PATCH', ME, { new_password: PASSWORD('alice2') });
  await ex(alice, 'PATCH', ME, { current_password: 'not the password', new_password: PASSWORD('alice2') });
  await ex(alice, 'PATCH', ME, { current_password: alice.body.password, new_password: 'motdepasse123' });
  await ex(alice, 'PATCH', ME, { email: 'new@example.org' });
  await ex(alice, 'PATCH', ME, { language: 'fr' }, { csrf: false });
  await ex(alice, 'PATCH', ME, { language: 'fr' }, { headers: { origin: EVIL } });
  await ex(alice, 'PATCH', ME, { language: 'fr', pseudonym: P('alice2'), postcode: '75011', interests_declared: false, interests_text: null });
  await ex(carol, 'PATCH', ME, { health_data_consent: false });
  await ex(bob, 'PATCH', ME, { profile: 'carer' });
  await ex(anon, 'PATCH', ME, { language: 'en' });

  // The export, and the recent sign-in it needs.
  await ex(alice, 'GET', `${ME}/export`);
  await ex(bob, 'GET', `${ME}/export`);
  sqlExec('UPDATE sessions SET authenticated_at = now() - interval \'1 hour\' WHERE account_id = :id', { id: heidi.id });
  await ex(heidi, 'GET', `${ME}/export`);
  await ex(anon, 'GET', `${ME}/export`);

  // A password change keeps this session and ends the others.
  const grace2 = actor('grace (second session)');
  await signIn(grace2, { email: grace.body.email, password: grace.body.password }, 'second session of grace');
  await ex(grace, 'PATCH', ME, { current_password: grace.body.password, new_password: PASSWORD('grace2') });
  await ex(grace2, 'GET', ME);
  await ex(grace, 'GET', ME);
  // "Sign out everywhere".
  const grace3 = actor('grace (third session)');
  await signIn(grace3, { email: grace.body.email, password: PASSWORD('grace2') }, 'third session of grace');
  await ex(grace, 'DELETE', `${ME}/sessions`, undefined, { csrf: false });
  await ex(grace, 'DELETE', `${ME}/sessions`);
  await ex(grace3, 'GET', ME);
  await ex(grace, 'GET', ME);
  await ex(anon, 'DELETE', `${ME}/sessions`);

  // Password reset: 202 for any address, then a single-use link.
  await ex(grace, 'POST', `${API}/password-reset`, { email: grace.body.email });
  await ex(grace, 'POST', `${API}/password-reset`, { email: EMAIL('nobody') });
  await ex(grace, 'POST', `${API}/password-reset`, { email: 'not-an-address' });
  await ex(grace, 'POST', `${API}/password-reset`, {});
  const row = await waitFor(() => sql('SELECT 1 FROM outbox WHERE recipient = lower(:\'a\') AND kind = \'reset\'', { a: grace.body.email }).length > 0, 5000);
  assert.ok(row, 'the reset link is queued after the answer');
  const reset = outboxToken(grace.body.email, 'reset');
  const confirm = `${API}/password-reset/confirm`;
  await ex(grace, 'POST', confirm, { token: 'A'.repeat(43), password: PASSWORD('grace3') });
  await ex(grace, 'POST', confirm, { token: reset, password: 'short' });
  await ex(grace, 'POST', confirm, { token: reset });
  await ex(grace, 'POST', confirm, { token: reset, password: PASSWORD('grace3') });
  await ex(grace, 'POST', confirm, { token: reset, password: PASSWORD('grace4') });
  await ex(grace, 'POST', SESSION, { email: grace.body.email, password: PASSWORD('grace2') });
  const s = await signIn(grace, { email: grace.body.email.toUpperCase(), password: PASSWORD('grace3') }, 'sign-in after the reset');
  assert.equal(s.second_factor, 'not_required');

  // Deleting the account needs the password; its contributions stay.
  await ex(frank, 'DELETE', ME, {});
  await ex(frank, 'DELETE', ME, { password: 'not the password' });
  await ex(frank, 'DELETE', ME, { password: frank.body.password }, { csrf: false });
  await ex(frank, 'DELETE', ME, { password: frank.body.password });
  await ex(frank, 'GET', ME);
  await ex(frank, 'POST', SESSION, { email: frank.body.email, password: frank.body.password });

  // A body larger than CONCERTO_MAX_BODY.
  await ex(anon, 'POST', SESSION, undefined, { raw: JSON.stringify({ email: 'x@example.org', password: 'p'.repeat(70000) }), shown: '(a 70 kB body)' });

  // Signing out ends the session on the server: the old cookie is worth nothing.
  await ex(alice, 'DELETE', SESSION, undefined, { csrf: false });
  await ex(alice, 'DELETE', SESSION);
  alice.as = 'alice (signed out, replaying the old cookie)';
  await ex(alice, 'GET', ME);
  await ex(alice, 'DELETE', SESSION);
  await ex(anon, 'DELETE', SESSION);
}

test('every route of the route table is in the recording, with a success among its exchanges', () => {
  assert.ok(existsSync(RECORDING), `no recording at ${RECORDING}`);
  const recorded = blocks(readFileSync(RECORDING, 'utf8')).map((b) => {
    const [head, ...rest] = b.split('\n');
    const m = /^### \d+ [^:]+: ([A-Z]+) (\S+)$/.exec(head);
    assert.ok(m, `a block header: ${head}`);
    const status = Number(/^< (\d{3})$/m.exec(rest.join('\n'))?.[1]);
    return { method: m[1] === 'HEAD' ? 'GET' : m[1], path: m[2].split('?')[0], status };
  });
  assert.ok(recorded.length >= 100, `the recording holds ${recorded.length} exchanges`);
  const missing = [];
  const noSuccess = [];
  for (const r of ROUTE_RES) {
    const mine = recorded.filter((x) => x.method === r.method && r.reRecorded.test(x.path));
    if (mine.length === 0) missing.push(`${r.method} ${r.pattern}`);
    else if (!mine.some((x) => x.status >= 200 && x.status < 300)) noSuccess.push(`${r.method} ${r.pattern}`);
  }
  assert.deepEqual(missing, [], `routes of \`concerto routes\` with no recorded exchange: add them to the scenario of ${import.meta.url.split('/').pop()} and re-record (RECORD=1)`);
  assert.deepEqual(noSuccess, [], 'routes recorded without a success: add one to the scenario and re-record');
});
