// Shared helpers of the HTTP suite: where the stack is, small request helpers,
// process inspection through /proc, and the stack's own commands.
//
// The suite runs against a real stack (nginx + concerto serve + PostgreSQL)
// started by tests/run.sh, which sources $CONCERTO_VAR/env before running
// node. Only Node's built-in modules are used, so it runs on Debian's Node 18.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import http from 'node:http';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

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

export const BASE = (process.env.CONCERTO_URL || `http://127.0.0.1:${process.env.PORT || 8181}`).replace(/\/$/, '');
export const VAR = process.env.CONCERTO_VAR || `${ROOT}/var/test`;
export const RUN_DIR = process.env.CONCERTO_RUN || `${VAR}/run`;
export const LOG_FILE = `${VAR}/log/concerto.log`;
export const WORKERS = Number(process.env.CONCERTO_WORKERS || 2);
export const THREADS = Number(process.env.CONCERTO_THREADS || 2);

// Every request of the suite gives up after this long: a hang is a failure.
export const REQUEST_TIMEOUT_MS = 5000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// fetch() against the stack, with a timeout. `path` starts with '/'.
export function req(path, init = {}) {
  return fetch(BASE + path, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
}

// Request and read the body; returns { res, status, headers, text, json }
// (json is undefined when the body does not parse).
export async function call(path, init = {}) {
  const res = await req(path, init);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { res, status: res.status, headers: res.headers, text, json };
}

export const get = (path, headers = {}) => call(path, { headers });

// POST a body with a content type (default JSON). A non-string, non-Buffer
// body is serialised with JSON.stringify.
export function post(path, body, contentType = 'application/json', headers = {}) {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const h = { ...headers };
  if (contentType !== null) h['content-type'] = contentType;
  return call(path, { method: 'POST', headers: h, body: data });
}

// A request sent as is with node:http, for what fetch would normalise or
// merge: raw paths ('/api/%2e%2e/...') and repeated headers. Resolves to
// { status, headers, rawHeaders, text, json }.
export function raw(method, path, { headers = {}, body } = {}) {
  const url = new URL(BASE);
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: url.hostname, port: url.port || 80, method, path,
      headers: { connection: 'close', ...headers }, timeout: REQUEST_TIMEOUT_MS,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, text, json });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

// How many times a header appears in a node:http rawHeaders list.
export function headerCount(rawHeaders, name) {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name.toLowerCase()) n++;
  return n;
}

// The process ids of pid's children. Uses /proc/<pid>/task/*/children where
// the kernel has it, otherwise scans /proc/*/stat for the parent pid.
export function procChildren(pid) {
  const kids = new Set();
  let found = false;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const f = `/proc/${pid}/task/${t}/children`;
      if (!existsSync(f)) continue;
      found = true;
      for (const s of readFileSync(f, 'utf8').trim().split(/\s+/)) if (s) kids.add(Number(s));
    }
  } catch { /* the process is gone */ }
  if (!found) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        // pid (comm) state ppid ...; comm may hold spaces and parentheses.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) kids.add(Number(d));
      } catch { /* raced with an exit */ }
    }
  }
  return [...kids].filter((k) => procAlive(k)).sort((a, b) => a - b);
}

// True when pid exists and is not a zombie.
export function procAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

// The master pid of `concerto serve`, from its pid file.
export function masterPid() {
  for (const f of [process.env.CONCERTO_PIDFILE, `${RUN_DIR}/concerto.pid`, `${VAR}/run/concerto.pid`]) {
    if (f && existsSync(f)) return Number(readFileSync(f, 'utf8').trim());
  }
  throw new Error(`no concerto pid file under ${RUN_DIR}`);
}

// Runs `sh tools/stack/stack CMD` for this suite's stack (pg-stop, pg-start...).
// CONCERTO_STACK_SH names another script (to try the suite on a hand-made stack).
export function stack(cmd) {
  return execFileSync('sh', [process.env.CONCERTO_STACK_SH || `${ROOT}/tools/stack/stack`, cmd], {
    cwd: ROOT, env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000,
  });
}

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

// Polls fn() until it returns a truthy value or ms pass; returns the last value.
export async function waitFor(fn, ms = 3000, step = 100) {
  const end = Date.now() + ms;
  let v;
  while (!(v = await fn()) && Date.now() < end) await sleep(step);
  return v;
}

// Parses Prometheus text format into [{ name, labels, value }].
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;
      let lm;
      let consumed = 0;
      while ((lm = re.exec(m[3])) !== null) { labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c)); consumed = re.lastIndex; }
      if (consumed !== m[3].length) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (Number.isNaN(value) && m[4] !== 'NaN') throw new Error(`bad value in ${JSON.stringify(line)}`);
    out.push({ name: m[1], labels, value });
  }
  return out;
}

// Sum of the samples named `name` whose labels include `match`.
export function metricSum(samples, name, match = {}) {
  let sum = 0;
  let seen = false;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    sum += s.value;
    seen = true;
  }
  return seen ? sum : undefined;
}

export async function metrics() {
  const r = await get('/metrics');
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}: ${r.text.slice(0, 200)}`);
  return parseMetrics(r.text);
}

// Asserts the design §4 error shape; returns the error object.
export function errorOf(r) {
  const e = r.json && r.json.error;
  if (!e || typeof e !== 'object') throw new Error(`expected a JSON error object, got ${r.status} ${JSON.stringify(r.text.slice(0, 300))}`);
  return e;
}
