// Helpers of the account tests (accounts, session, me, staff, throttle):
// unique accounts and client networks, a cookie-keeping client, the outbox
// through `concerto mail` and tests/http/fake-sendmail.sh, PostgreSQL reads
// through psql, the `concerto user` command, TOTP (RFC 6238), and the list
// of every secret and address a file used, to grep the logs for them.
//
// Sign-in throttling counts failures per account, per client network (/24,
// /64) and per pair, shared by all workers: every test makes its own
// accounts (random suffixes) and speaks from its own network, given with
// X-Forwarded-For (nginx trusts it from loopback in tests).
//
// Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VAR, LOG_FILE, call, errorOf } from './helpers.mjs';

export const SESSION = '/api/v1/session';
export const COOKIE = '__Host-concerto';
export const PUBLIC_URL = (process.env.CONCERTO_PUBLIC_URL || process.env.CONCERTO_URL || '').replace(/\/$/, '');
export const JSON_CT = /^application\/json;\s*charset=utf-8$/i;
export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

// ------------------------------------------------------------ the secrets

// Every password, token and client address a test file used; the last test
// of each file greps the logs for them.
const secrets = new Set();
const addresses = new Set();
const emails = new Set();

export function secret(s) {
  if (typeof s === 'string' && s.length >= 8) secrets.add(s);
  return s;
}

// ---------------------------------------------------------- unique things

export const suffix = () => randomBytes(5).toString('hex');

export function newEmail(tag = 'user') {
  const e = `${tag}-${suffix()}@example.org`;
  emails.add(e);
  return e;
}

export const newPseudonym = (tag = 'P') => `${tag} ${suffix()}`;

// A strong password nobody else uses (some non-ASCII, to check the bytes
// go through untouched).
export const newPassword = () => secret(`Pw-${randomBytes(12).toString('base64url')}-é`);

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
      addr(i = 1) { const a = `${prefix}.${i}`; addresses.add(a); return a; },
    };
  }
  const g = () => (0x1000 + randomInt(0xf000)).toString(16);
  const prefix = freshPrefix(() => `2001:db8:${g()}:${g()}`);
  return {
    family, prefix: `${prefix}::/64`,
    addr(i = 1) { const a = `${prefix}::${(i + 0x100).toString(16)}`; addresses.add(a); return a; },
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
    const r = await this.post('/api/v1/session/second-factor', body, opts);
    if (r.status === 200) {
      const c = sessionCookie(r);
      assert.ok(c, `a verified second factor sets a new session cookie: ${r.headers.get('set-cookie')}`);
      this.previous = { cookie: this.cookie, csrf: this.csrf };
      this.cookie = secret(c.value);
      this.csrf = secret(r.json.csrf_token);
    }
    return r;
  }

  me() { return this.get('/api/v1/me'); }

  signOut() { return this.delete(SESSION); }
}

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

// ---------------------------------------------------------------- errors

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

// ------------------------------------------------------------- PostgreSQL

// Runs a query as the owner role and returns its rows as objects (through
// json_agg, so types and multi-line text survive).  Variables are psql's:
// params { email: 'x' } is :'email' in the query.
export function sql(query, params = {}) {
  const conn = process.env.CONCERTO_DB_ADMIN;
  assert.ok(conn, 'CONCERTO_DB_ADMIN is set (source $CONCERTO_VAR/env)');
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', conn];
  for (const [k, v] of Object.entries(params)) args.push('-v', `${k}=${v}`);
  const q = `SELECT coalesce(json_agg(q), '[]'::json) FROM (${query.trim().replace(/;$/, '')}) q;\n`;
  const out = execFileSync('psql', args, { input: q, encoding: 'utf8', timeout: 30000, stdio: ['pipe', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

// Runs a statement (an UPDATE, say) as the owner role; returns psql's output.
export function sqlExec(statement, params = {}) {
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', process.env.CONCERTO_DB_ADMIN];
  for (const [k, v] of Object.entries(params)) args.push('-v', `${k}=${v}`);
  return execFileSync('psql', args, { input: `${statement.trim().replace(/;$/, '')};\n`, encoding: 'utf8', timeout: 30000, stdio: ['pipe', 'pipe', 'pipe'] });
}

export const accountRow = (email) => sql('SELECT * FROM accounts WHERE email = lower(:\'email\')', { email })[0];

// ------------------------------------------------------ concerto commands

// Runs $CONCERTO_BIN with args; returns { status, stdout, stderr }.
export function concerto(args, { input, env = {} } = {}) {
  const bin = process.env.CONCERTO_BIN;
  assert.ok(bin && existsSync(bin), `CONCERTO_BIN names the binary: ${bin}`);
  const r = spawnSync(bin, args, {
    input: input ?? '', encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// `concerto user add` for a verified account; returns what it printed and,
// for staff, the TOTP secret and recovery codes parsed from it.
export function userAdd({ email, role = 'participant', pseudonym, password, profile, env = {} } = {}) {
  secret(password);
  const args = ['user', 'add', '--email', email, '--role', role, '--pseudonym', pseudonym, '--password-stdin'];
  if (profile) args.push('--profile', profile);
  const r = concerto(args, { input: `${password}\n`, env });
  const uri = /otpauth:\/\/totp\/\S+/.exec(r.stdout)?.[0];
  const totpSecret = uri ? new URL(uri).searchParams.get('secret') : undefined;
  let codes = [];
  const m = /recovery codes[^\n]*\n([^\n]+)/i.exec(r.stdout);
  if (m) codes = m[1].trim().split(/\s+/);
  secret(totpSecret);
  codes.forEach(secret);
  return { ...r, uri, totpSecret, codes };
}

// ---------------------------------------------------------------- the mail

let mailDir;
let sendmailPath;

// Delivers the outbox with `concerto mail` through fake-sendmail.sh and
// returns every message delivered to this process so far, oldest first:
// { file, to, subject, headers, body }.
export function deliverMail() {
  if (!mailDir) {
    mailDir = mkdtempSync(join(tmpdir(), 'concerto-mail-'));
    // A copy, executable whatever the checkout did to the mode bits.
    sendmailPath = join(mkdtempSync(join(tmpdir(), 'concerto-sendmail-')), 'sendmail');
    copyFileSync(new URL('./fake-sendmail.sh', import.meta.url), sendmailPath);
    chmodSync(sendmailPath, 0o755);
    const dirs = [mailDir, sendmailPath.slice(0, sendmailPath.lastIndexOf('/'))];
    process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  }
  const r = concerto(['mail'], { env: { CONCERTO_SENDMAIL: sendmailPath, MAILDIR: mailDir } });
  assert.equal(r.status, 0, `concerto mail: ${r.status}\n${r.stdout}\n${r.stderr}`);
  return readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => parseMail(f, readFileSync(join(mailDir, f), 'utf8')));
}

// RFC 2047 encoded words (B and Q) of a header value.
export function decodeWords(v) {
  return v.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_, cs, enc, text) => {
    assert.match(cs, /^utf-8$/i, 'encoded words are UTF-8');
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    return Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }).trimEnd();
}

function parseMail(file, text) {
  const sep = text.indexOf('\n\n');
  assert.ok(sep > 0, `${file}: headers, a blank line, a body`);
  const headers = {};
  for (const line of text.slice(0, sep).replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    assert.ok(i > 0, `${file}: a header line: ${JSON.stringify(line)}`);
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return {
    file, headers, raw: text,
    to: headers.to,
    subject: headers.subject !== undefined ? decodeWords(headers.subject) : undefined,
    body: text.slice(sep + 2),
  };
}

// The messages delivered to address (after delivering the outbox).
export const mailTo = (address) => deliverMail().filter((m) => (m.to || '').toLowerCase() === address.toLowerCase());

// The token of a link `<public url>/account.html#<kind>=TOKEN` in a body.
export function linkToken(body, kind) {
  const esc = PUBLIC_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${esc}/account\\.html#${kind}=([A-Za-z0-9_-]+)`).exec(body);
  assert.ok(m, `the mail holds a ${PUBLIC_URL}/account.html#${kind}= link:\n${body}`);
  assert.match(m[1], TOKEN_RE, 'the token is 43 base64url characters (256 bits)');
  return secret(m[1]);
}

// The token of the newest outbox row of kind for address, read from the
// database (quicker than a delivery, for tests about something else).
export function outboxToken(address, kind) {
  const rows = sql(`SELECT body FROM outbox WHERE recipient = lower(:'a') AND body LIKE :'k' ORDER BY id DESC LIMIT 1`,
    { a: address, k: `%#${kind}=%` });
  assert.equal(rows.length, 1, `an outbox row with a ${kind} link for ${address}`);
  return linkToken(rows[0].body, kind);
}

// ------------------------------------------------------------- accounts

export function registration(overrides = {}) {
  return {
    email: newEmail(),
    password: newPassword(),
    pseudonym: newPseudonym(),
    profile: 'citizen',
    postcode: '75011',
    interests_declared: false,
    interests_text: null,
    language: 'fr',
    accept_terms: true,
    ...overrides,
  };
}

export async function register(client, overrides = {}) {
  const body = registration(overrides);
  secret(body.password);
  const r = await client.post('/api/v1/accounts', body, { csrf: false });
  return { body, r };
}

// A registered account (verified unless verified: false), with a client
// signed in from a network of its own unless signIn: false.
export async function newAccount({ verified = true, signIn = true, ...overrides } = {}) {
  const client = new Client();
  const { body, r } = await register(client, overrides);
  assert.equal(r.status, 202, `registration: ${r.status} ${r.text.slice(0, 300)}`);
  if (verified) {
    const v = await client.post('/api/v1/accounts/verify', { token: outboxToken(body.email, 'verify') }, { csrf: false });
    assert.equal(v.status, 200, `verification: ${v.status} ${v.text}`);
  }
  if (signIn) await client.mustSignIn(body.email, body.password);
  return { ...body, client };
}

// ------------------------------------------------------------------ TOTP

export function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out = [];
  let bits = 0;
  let acc = 0;
  for (const c of s.replace(/[=\s]/g, '').toUpperCase()) {
    const v = alpha.indexOf(c);
    assert.ok(v >= 0, `a base32 character: ${c}`);
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 with HMAC-SHA1: the code of time t (seconds) for a key (a
// base32 string or bytes).
export function totp(key, t = Date.now() / 1000, { step = 30, digits = 6 } = {}) {
  const k = typeof key === 'string' ? base32Decode(key) : key;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / step)));
  const h = createHmac('sha1', k).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  const bin = h.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// ------------------------------------------------------------------ logs

const escRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Every log the stack writes that a request's data could reach.
export function logFiles() {
  const dir = join(VAR, 'log');
  const out = [LOG_FILE];
  for (const f of ['nginx-access.log', 'nginx-error.log', 'postgres.log']) {
    if (existsSync(join(dir, f))) out.push(join(dir, f));
  }
  return out.filter((f) => existsSync(f));
}

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
