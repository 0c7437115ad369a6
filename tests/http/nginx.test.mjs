// SPDX-License-Identifier: AGPL-3.0-or-later
// nginx's own part: its rate limits count per client network, as the
// worker's throttling does (the /24 of an IPv4 address, the /64 of an IPv6
// one: nginx/client-network.conf), and none of its logs holds a client
// address (design §3), whatever nginx refused or failed.
//
// Two nginx instances are used.  The test stack's, through its port, for
// budgets and logs.  And one this file starts from the same template
// (nginx/concerto.conf.in, rendered as tools/stack/nginx.sh renders it, on a unix
// socket of a temporary directory, with no worker behind it): it answers
// /__test/network with the key of the X-Forwarded-For address (a location
// of its own conf.d/), so that addresses of every form can be checked
// cheaply, and /api/ with a 502, whose "connect() failed" nginx logs at
// `crit` with the client's address.
//
// Addresses: 2001:db8:ee::/48 and 100.64.0.0/16 (shared address space), which
// no other file uses, so the budgets exhausted here cannot turn away a later
// file's requests (they refill within seconds anyway).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, rmSync, chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { BASE, ROOT, SESSION, VAR } from './lib/paths.mjs';
import { sleep } from './lib/util.mjs';
import { REQUEST_TIMEOUT_MS, call } from './lib/client.mjs';

const used = new Set(); // every client address this file speaks from to the stack
const privUsed = new Set(); // and to the private instance

// POST /api/v1/session from addr with an empty object: the worker refuses
// it (400, fields missing) without a query; nginx counts it in the sign-in
// and write zones first.  Resolves to { status, code }.
async function signInFrom(addr) {
  used.add(addr);
  const r = await call(SESSION, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': addr },
    body: '{}',
  });
  return { status: r.status, code: r.json?.error?.code, addr };
}

// True for nginx's own 429 (@api_429), not a worker's.
const limited = (x) => x.status === 429 && x.code === 'rate_limited';

// Spends the sign-in budget of addr's network: volleys of 25 until nginx
// turns one away (burst 100 at 50 r/s in the test configuration), at most
// 600 requests.  Returns the number sent.
async function exhaust(addr) {
  for (let sent = 0; sent < 600;) {
    const xs = await Promise.all(Array.from({ length: 25 }, () => signInFrom(addr)));
    sent += xs.length;
    for (const x of xs) assert.ok(x.status === 400 || limited(x), `a sign-in without fields: 400 or nginx's 429, got ${x.status} ${x.code}`);
    if (xs.some(limited)) return sent;
  }
  assert.fail(`no 429 from nginx after 600 sign-ins from ${addr}`);
}

// Right after exhaust(): `per` requests from each address at once.  Returns,
// per address, how many nginx turned away.
async function rejectedPerAddress(addrs, per = 6) {
  const xs = await Promise.all(addrs.flatMap((a) => Array.from({ length: per }, () => signInFrom(a))));
  const n = Object.fromEntries(addrs.map((a) => [a, 0]));
  for (const x of xs) {
    assert.ok(x.status === 400 || limited(x), `${x.addr}: 400 or nginx's 429, got ${x.status} ${x.code}`);
    if (limited(x)) n[x.addr]++;
  }
  return n;
}

async function budgets(first, same, other) {
  await exhaust(first);
  const n = await rejectedPerAddress([...same, ...other]);
  for (const a of same) assert.ok(n[a] > 0, `${a} shares the budget that ${first} spent: ${JSON.stringify(n)}`);
  for (const a of other) assert.equal(n[a], 0, `${a} has a budget of its own: ${JSON.stringify(n)}`);
}

test('IPv6: every address of one /64, whatever its written form, spends one sign-in budget; the next /64 has its own', async () => {
  await budgets('2001:db8:ee::1', [
    '2001:db8:ee::2:1',
    '2001:db8:ee:0:ffff::9',
    '2001:db8:ee:0:1::1',
    '2001:db8:ee:0:1:2:3:4',
    '2001:db8:ee::',
    '2001:0DB8:00EE:0000:0000:0000:0000:0099',
  ], [
    '2001:db8:ee:1::1',
    '2001:db8:ef::1',
  ]);
});

test('IPv4: every address of one /24 (and its IPv4-mapped IPv6 form) spends one sign-in budget; the next /24 has its own', async () => {
  await budgets('100.64.7.1', [
    '100.64.7.2',
    '100.64.7.200',
    '100.64.7.255',
    '::ffff:100.64.7.9',
  ], [
    '100.64.8.1',
    '100.64.6.255',
  ]);
});

// ------------------------------------------------- a private nginx instance

let priv; // { dir, sock, proc, stderr }

// Renders nginx/concerto.conf.in as tools/stack/nginx.sh does (placeholders
// replaced outside comment lines), then listens on a unix socket and trusts
// X-Forwarded-For from it.
function renderPrivate(dir) {
  const run = join(dir, 'run');
  const user = process.getuid() === 0 ? 'user www-data www-data;' : '# (not root)';
  const sub = {
    '@PORT@': '0', '@RUN@': run, '@WWW@': join(ROOT, 'www'), '@VAR@': dir,
    '@NGINX_DIR@': join(ROOT, 'nginx'), '@USER@': user,
  };
  let conf = readFileSync(join(ROOT, 'nginx/concerto.conf.in'), 'utf8').split('\n')
    .map((l) => (/^\s*#/.test(l) ? l : l.replace(/@[A-Z_]+@/g, (p) => sub[p] ?? p)))
    .join('\n');
  const listen = /listen 127\.0\.0\.1:0;/;
  assert.match(conf, listen, 'the template listens on 127.0.0.1:@PORT@');
  conf = conf.replace(listen, `listen unix:${join(dir, 'nginx.sock')};`);
  for (const d of ['log', 'nginx/conf.d', 'run/nginx']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'nginx/nginx.conf'), conf);
  writeFileSync(join(dir, 'nginx/conf.d/test.conf'), [
    'set_real_ip_from unix:;',
    'location = /__test/network {',
    '    default_type text/plain;',
    '    return 200 "$concerto_network\\n";',
    '}',
    '',
  ].join('\n'));
}

// A request to the private instance; resolves to { status, text }.
function privGet(path, addr) {
  privUsed.add(addr);
  return new Promise((resolve, reject) => {
    const r = http.request({
      socketPath: priv.sock, method: 'GET', path,
      headers: { host: 'localhost', 'x-forwarded-for': addr }, timeout: REQUEST_TIMEOUT_MS,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on('error', reject);
    r.end();
  });
}

async function stopPrivate() {
  if (!priv || !priv.proc || priv.proc.exitCode !== null || priv.proc.signalCode !== null) return;
  const gone = new Promise((r) => priv.proc.once('exit', r));
  priv.proc.kill('SIGQUIT'); // graceful: flushes the access log
  const t = setTimeout(() => priv.proc.kill('SIGTERM'), 5000);
  await gone;
  clearTimeout(t);
}

describe('a private nginx rendered from the same template', () => {
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concerto-nginx-test-'));
    chmodSync(dir, 0o755);
    renderPrivate(dir);
    priv = { dir, sock: join(dir, 'nginx.sock'), stderr: '' };
    priv.proc = spawn('nginx', [
      '-e', join(dir, 'log/nginx-error.log'), '-c', join(dir, 'nginx/nginx.conf'),
      '-p', join(dir, 'nginx/'), '-g', 'daemon off;',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    priv.proc.stderr.on('data', (c) => { priv.stderr += c; });
    const end = Date.now() + 10000;
    for (;;) {
      if (priv.proc.exitCode !== null) throw new Error(`the private nginx exited: ${priv.stderr}`);
      if (existsSync(priv.sock)) {
        try { if ((await privGet('/__test/network', '192.0.2.1')).status === 200) break; } catch { /* not yet */ }
      }
      if (Date.now() > end) throw new Error(`the private nginx did not answer within 10 s: ${priv.stderr}`);
      await sleep(100);
    }
  });

  after(async () => {
    await stopPrivate();
    if (priv) rmSync(priv.dir, { recursive: true, force: true });
  });

  // The key client-network.conf should give: the first four groups (hex, no
  // leading zeros), or the /24 of an IPv4 or IPv4-mapped address.
  const hex = (g) => g.toString(16);
  function expectedKey(groups) {
    if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
      return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}`;
    }
    return groups.slice(0, 4).map(hex).join(':');
  }

  // Written out, with leading zeros or not, upper case or not: nginx parses
  // the header and writes the address its own way before the map reads it.
  const full = (groups, pad) => groups.map((g) => (pad ? g.toString(16).padStart(4, '0').toUpperCase() : hex(g))).join(':');

  test('the network key of every zero pattern of an IPv6 address is its /64 (and the /24 of an IPv4 or IPv4-mapped one)', async () => {
    const cases = [];
    const rnd = (max) => 1 + Math.floor(Math.random() * max);
    // Each of the 256 patterns of zero and non-zero groups, with small and
    // large values, so that every place and length of "::" occurs.
    for (let mask = 0; mask < 256; mask++) {
      for (const max of [0xf, 0xffff]) {
        const groups = Array.from({ length: 8 }, (_, i) => ((mask >> i) & 1 ? rnd(max) : 0));
        cases.push({ xff: full(groups, max === 0xffff), want: expectedKey(groups) });
      }
    }
    // IPv4-mapped (a dotted tail), IPv4-compatible, and plain IPv4.
    cases.push({ xff: '::ffff:100.64.7.9', want: '100.64.7' });
    cases.push({ xff: '0:0:0:0:0:ffff:6440:709', want: '100.64.7' });
    cases.push({ xff: '::100.64.7.9', want: '0:0:0:0' });
    cases.push({ xff: '::1', want: '0:0:0:0' });
    for (let i = 0; i < 20; i++) {
      const a = [rnd(255), Math.floor(Math.random() * 256), Math.floor(Math.random() * 256), Math.floor(Math.random() * 256)];
      cases.push({ xff: a.join('.'), want: a.slice(0, 3).join('.') });
    }
    const wrong = [];
    for (let i = 0; i < cases.length; i += 16) {
      await Promise.all(cases.slice(i, i + 16).map(async (c) => {
        const r = await privGet('/__test/network', c.xff);
        assert.equal(r.status, 200, r.text);
        if (r.text.trim() !== c.want) wrong.push(`${c.xff} -> ${r.text.trim()}, want ${c.want}`);
      }));
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${cases.length} addresses got the wrong key`);
  });

  test('a 502 (no worker behind the socket, logged by nginx at crit) leaves no client address in the private instance\'s logs', async () => {
    for (const a of ['192.0.2.202', '2001:db8:ee:502::1']) {
      const r = await privGet('/api/health', a);
      assert.equal(r.status, 502, r.text);
      assert.equal(JSON.parse(r.text).error.code, 'bad_gateway');
    }
    await stopPrivate();
    const errors = readFileSync(join(priv.dir, 'log/nginx-error.log'), 'utf8');
    const access = readFileSync(join(priv.dir, 'log/nginx-access.log'), 'utf8');
    assert.match(access, /"GET \/api\/health HTTP\/1\.1" 502 .* 502 /, 'the access log says nginx answered 502 and the upstream 502');
    assertNoAddress({ 'private nginx-error.log': errors, 'private nginx-access.log': access }, privUsed);
  });
});

// ------------------------------------------------------------ the stack's logs

// The paths of the logs in the rendered configuration of the test stack.
function stackLogs() {
  const conf = readFileSync(join(VAR, 'nginx/nginx.conf'), 'utf8').split('\n').filter((l) => !/^\s*#/.test(l));
  const paths = (directive) => conf.map((l) => new RegExp(`^\\s*${directive}\\s+([^\\s;]+)`).exec(l)).filter(Boolean).map((m) => m[1]);
  const errs = paths('error_log');
  const accs = paths('access_log');
  assert.ok(errs.length > 0 && accs.length > 0, 'the configuration names an error log and an access log');
  return { errs, accs };
}

// How nginx writes an address (IPv6 compressed, IPv4-mapped dotted).
function written(a) {
  if (!a.includes(':')) return a;
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) return a.toLowerCase();
  return new URL(`http://[${a}]/`).hostname.slice(1, -1);
}

// Neither "client: " (how nginx's error log names the client) nor any of
// the addresses (as sent and as nginx writes them), nor loopback's.
function assertNoAddress(files, addresses) {
  const addrs = new Set(['127.0.0.1', '::1']);
  for (const a of addresses) { addrs.add(a); addrs.add(written(a)); }
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![0-9A-Fa-f:.])(?:${[...addrs].map(esc).join('|')})(?![0-9A-Fa-f:.])`, 'i');
  const found = [];
  for (const [name, text] of Object.entries(files)) {
    for (const line of text.split('\n')) {
      if (line.includes('client: ') || re.test(line)) found.push(`${name}: ${line.slice(0, 300)}`);
    }
  }
  assert.deepEqual(found.slice(0, 20), [], `no client address in the logs (${found.length} lines hold one)`);
}

// A request whose Content-Length is over client_max_body_size (1 MiB):
// nginx answers 413 from the headers alone.  Resolves to the status.
function tooLarge(addr) {
  used.add(addr);
  const url = new URL(BASE);
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: url.hostname, port: Number(url.port) }, () => {
      s.write(`POST ${SESSION} HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: ${addr}\r\n`
        + 'Content-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n{');
    });
    let got = '';
    s.setTimeout(REQUEST_TIMEOUT_MS, () => { s.destroy(); reject(new Error('no answer to the 2 MB request')); });
    s.on('data', (c) => {
      got += c;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m && got.includes('\r\n\r\n')) { s.destroy(); resolve(Number(m[1])); }
    });
    s.on('error', reject);
  });
}

test('a 403, a 413, a 429 and 404s leave no client address in the stack\'s nginx logs, whose access log says what happened', async () => {
  used.add('192.0.2.203');
  const m = await call('/metrics', { headers: { 'x-forwarded-for': '192.0.2.203' } });
  assert.equal(m.status, 403, '/metrics refuses a forwarded address');
  assert.equal(await tooLarge('2001:db8:ee:413::1'), 413);
  await exhaust('2001:db8:ee:429::1');
  const tag = `${process.pid}-${Date.now()}`;
  for (const [p, a] of [[`/no-such-${tag}.css`, '192.0.2.204'], [`/no-such-${tag}.html`, '2001:db8:ee:404::1'], [`/no-such-${tag}`, '100.64.9.4']]) {
    used.add(a);
    const r = await call(p, { headers: { 'x-forwarded-for': a } });
    assert.equal(r.status, 404, p);
  }
  // And the requests of the tests above (budgets: nginx's 429s).
  await sleep(1500); // the access log is flushed every second
  const { errs, accs } = stackLogs();
  const files = {};
  for (const f of [...errs, ...accs]) files[f] = existsSync(f) ? readFileSync(f, 'utf8') : '';
  assertNoAddress(files, used);
  const access = accs.map((f) => files[f]).join('\n');
  for (const re of [
    /"GET \/metrics HTTP\/1\.1" 403 /,
    /"POST \/api\/v1\/session HTTP\/1\.1" 413 /,
    /"POST \/api\/v1\/session HTTP\/1\.1" 429 .* REJECTED /,
    /"POST \/api\/v1\/session HTTP\/1\.1" 400 .* 400 [0-9.]+ PASSED /,
    new RegExp(`"GET /no-such-${tag}\\.css HTTP/1\\.1" 404 `),
  ]) assert.match(access, re, 'the access log has the line');
});

// A page without an icon of its own makes the browser ask for
// /favicon.ico, a 404 in its console (Lighthouse's best practices).
test('every page names its icon, which nginx serves as SVG', async () => {
  const pages = readdirSync(`${ROOT}/www`).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length >= 10, `the pages of www/ (${pages.length})`);
  const icons = new Set();
  for (const f of pages) {
    const m = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(readFileSync(`${ROOT}/www/${f}`, 'utf8'));
    assert.ok(m, `${f} names its icon in its <head>`);
    icons.add(m[1]);
  }
  for (const icon of icons) {
    const r = await fetch(`${BASE}${icon}`);
    assert.equal(r.status, 200, `GET ${icon}`);
    assert.match(r.headers.get('content-type') || '', /^image\/svg\+xml/, `${icon} is SVG`);
    assert.match(await r.text(), /^<svg [^>]*viewBox=/, `${icon} is an SVG image`);
  }
});
