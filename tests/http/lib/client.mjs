// SPDX-License-Identifier: AGPL-3.0-or-later
// Talking to the stack: fetch and raw node:http requests, client networks, and
// the browser-like Client (its address, session cookie, CSRF token, sign-in).
//
// Sign-in throttling counts failures per account, per client network (/24,
// /64) and per pair, shared by all workers: every test makes its own
// accounts and speaks from its own network, given with X-Forwarded-For
// (nginx trusts it from loopback in tests). Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { afterRead, beforeRequest } from './freshness.mjs';
import { secret, trackAddress } from './logs.mjs';
import { BASE, ME, SECOND_FACTOR, SESSION } from './paths.mjs';

// Every request of the suite gives up after this long: a hang is a failure.
export const REQUEST_TIMEOUT_MS = 5000;

export const COOKIE = '__Host-concerto';

// ------------------------------------------------------------- requests

// fetch() against the stack, with a timeout. `path` starts with '/'.
// A read waits, if it must, until no cache can answer it with what was built
// before the test's latest write (freshness.mjs).
export async function req(path, init = {}) {
  const method = (init.method || 'GET').toUpperCase();
  await beforeRequest(method, path);
  const res = await fetch(BASE + path, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
  afterRead(method, path);
  return res;
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

// ------------------------------------------------------- client networks

// A client network of its own.  IPv6 by default (a random /64 of
// 2001:db8::/32, the documentation prefix), IPv4 when asked (a random /24 of
// 198.18.0.0/15, the benchmarking range; few tests use it, to keep
// collisions between runs unlikely).  addr(i) is host i of the network,
// written as inet_ntop writes it, so that a grep of the logs would find it.
// newNet(4, 'a.b.c') is that /24 (a neighbour of a random one, say).
// A process never gets the same random network twice.
const usedNets = new Set();
function freshPrefix(make) {
  for (;;) {
    const p = make();
    if (!usedNets.has(p)) { usedNets.add(p); return p; }
  }
}

export function newNet(family = 6, fixed = undefined) {
  if (family === 4) {
    if (fixed) usedNets.add(fixed);
    const prefix = fixed || freshPrefix(() => `198.${18 + randomInt(2)}.${randomInt(256)}`);
    return {
      family, prefix: `${prefix}.0/24`,
      addr(i = 1) { return trackAddress(`${prefix}.${i}`); },
    };
  }
  const g = () => (0x1000 + randomInt(0xf000)).toString(16);
  const prefix = freshPrefix(() => `2001:db8:${g()}:${g()}`);
  return {
    family, prefix: `${prefix}::/64`,
    addr(i = 1) { return trackAddress(`${prefix}::${(i + 0x100).toString(16)}`); },
  };
}

// ------------------------------------------------------------- the client

const nullish = (h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== null && v !== undefined));

// A browser-like client: one client address, the session cookie and the
// CSRF token of its last sign-in.
export class Client {
  constructor(addr = newNet().addr()) {
    this.addr = addr;
    this.cookie = null;
    this.csrf = null;
    this.signin = null;
  }

  // opts.csrf false: no X-CSRF-Token; opts.headers: more headers (a null
  // value removes one); opts.raw: a body sent as is.
  send(method, path, body, opts = {}) {
    const h = { 'x-forwarded-for': this.addr };
    if (this.cookie) h.cookie = `${COOKIE}=${this.cookie}`;
    if (opts.csrf !== false && this.csrf) h['x-csrf-token'] = this.csrf;
    let data;
    if (opts.raw !== undefined) {
      data = opts.raw;
      h['content-type'] = 'application/json';
    } else if (body !== undefined) {
      data = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    return call(path, { method, headers: nullish({ ...h, ...(opts.headers || {}) }), body: data });
  }

  get(path, opts) { return this.send('GET', path, undefined, opts); }
  post(path, body, opts) { return this.send('POST', path, body, opts); }
  patch(path, body, opts) { return this.send('PATCH', path, body, opts); }
  delete(path, body, opts) { return this.send('DELETE', path, body, opts); }

  // POST /api/v1/session; on 200 keeps the cookie and the CSRF token.
  async signIn(email, password, extra = {}) {
    secret(password);
    const r = await this.post(SESSION, { email, password, ...extra }, { csrf: false });
    if (r.status === 200) {
      const c = sessionCookie(r);
      assert.ok(c, `a 200 sign-in sets the session cookie: ${r.headers.get('set-cookie')}`);
      this.cookie = secret(c.value);
      this.csrf = secret(r.json.csrf_token);
      this.signin = r.json;
    }
    return r;
  }

  // Same, asserting a 200 with the second factor state wanted.
  async mustSignIn(email, password, secondFactor = 'not_required', extra = {}) {
    const r = await this.signIn(email, password, extra);
    assert.equal(r.status, 200, `sign-in of ${email}: ${r.status} ${r.text.slice(0, 300)}`);
    assert.equal(r.json.second_factor, secondFactor, `second_factor of ${email}: ${r.text.slice(0, 300)}`);
    return r;
  }

  // POST /api/v1/session/second-factor; a good code replaces the session
  // (new cookie, new CSRF token), which the client then keeps.
  async secondFactor(body, opts) {
    const r = await this.post(SECOND_FACTOR, body, opts);
    if (r.status === 200) {
      const c = sessionCookie(r);
      assert.ok(c, `a verified second factor sets a new session cookie: ${r.headers.get('set-cookie')}`);
      this.previous = { cookie: this.cookie, csrf: this.csrf };
      this.cookie = secret(c.value);
      this.csrf = secret(r.json.csrf_token);
    }
    return r;
  }

  me() { return this.get(ME); }

  signOut() { return this.delete(SESSION); }
}

// A client that never signed in, from a network of its own.
export const anon = () => new Client(newNet().addr());

// ------------------------------------------------------------- cookies

// The attributes of a Set-Cookie value: { name, value, attrs: { lower: value|true } }.
export function parseSetCookie(line) {
  const parts = line.split(';').map((s) => s.trim());
  const eq = parts[0].indexOf('=');
  const attrs = {};
  for (const p of parts.slice(1)) {
    if (!p) continue;
    const i = p.indexOf('=');
    if (i < 0) attrs[p.toLowerCase()] = true;
    else attrs[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim();
  }
  return { name: parts[0].slice(0, eq), value: parts[0].slice(eq + 1), attrs };
}

// The Set-Cookie lines of a response.  fetch joins repeated Set-Cookie
// headers with ", "; a cookie of ours never holds a comma except in an
// Expires date, which is put back together here.
export function setCookies(r) {
  const all = r.headers.get('set-cookie');
  if (!all) return [];
  const out = [];
  for (const piece of all.split(/,\s*/)) {
    if (out.length && /^\d{2} [A-Za-z]{3} \d{4}/.test(piece) && /expires=[A-Za-z]{3}$/i.test(out[out.length - 1])) out[out.length - 1] += `, ${piece}`;
    else out.push(piece);
  }
  return out.map(parseSetCookie);
}

export const sessionCookie = (r) => setCookies(r).find((c) => c.name === COOKIE);
