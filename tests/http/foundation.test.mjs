// SPDX-License-Identifier: AGPL-3.0-or-later
// The foundation as a client sees it: health, the JSON error contract (404,
// 405 + Allow, 413, 415, 400 for bad JSON, bad UTF-8 and bad fields), the
// security headers on every response, path tricks, /metrics and the request log.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LOG_FILE, SESSION } from './lib/paths.mjs';
import { waitFor } from './lib/util.mjs';
import { call, get, headerCount, post, raw } from './lib/client.mjs';
import { JSON_CT, assertError, errorOf } from './lib/assert.mjs';
import { logLinesSince, logSize, requestLines } from './lib/logs.mjs';
import { metricSum, metrics, parseMetrics } from './lib/stack.mjs';

// A path nobody routes, unique per call, so its log lines can be told apart.
const unique = (tag) => `/api/no-such-${tag}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

test('GET /api/health answers 200 with status, db and version', async () => {
  const r = await get('/api/health');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), JSON_CT);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.db, 'ok');
  assert.equal(typeof r.json.version, 'string');
  assert.ok(r.json.version.length > 0, 'version is not empty');
});

test('an unknown path under /api/ is a JSON 404 not_found', async () => {
  assertError(await get(unique('path')), 404, 'not_found');
  assertError(await get('/api/v1/no-such-resource'), 404, 'not_found');
  assertError(await post('/api/v1/no-such-resource', {}), 404, 'not_found');
});

test('a known path with the wrong method is a 405 with Allow', async () => {
  const r = await post('/api/health', {});
  assertError(r, 405, 'method_not_allowed');
  const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim());
  assert.ok(allow.includes('GET'), `Allow lists GET: ${r.headers.get('allow')}`);
  assert.ok(!allow.includes('POST'), 'Allow does not list the refused method');

  const d = await call('/api/health', { method: 'DELETE' });
  assertError(d, 405, 'method_not_allowed');
  assert.match(d.headers.get('allow') || '', /\bGET\b/);

  const s = await get(SESSION);
  assertError(s, 405, 'method_not_allowed');
  const sAllow = (s.headers.get('allow') || '').split(',').map((x) => x.trim());
  assert.ok(sAllow.includes('POST'), `Allow on ${SESSION} lists POST: ${s.headers.get('allow')}`);
  assert.ok(!sAllow.includes('GET'));
});

test('a body that is not application/json is a 415', async () => {
  const body = JSON.stringify({ email: 'a@example.org', password: 'x' });
  assertError(await post(SESSION, body, 'text/plain'), 415, 'unsupported_media_type');
  assertError(await post(SESSION, body, 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  assertError(await post(SESSION, body, null), 415, 'unsupported_media_type');
});

test('application/json with a charset parameter is accepted', async () => {
  const r = await post(SESSION, { email: 'nobody@example.org', password: 'not the password' }, 'application/json; charset=utf-8');
  assert.notEqual(r.status, 415, r.text);
  assert.ok(r.status < 500, `valid input never gets a 5xx: ${r.status} ${r.text}`);
  assert.ok(r.json, 'the answer is JSON');
});

test('a body over CONCERTO_MAX_BODY is a 413 payload_too_large', async () => {
  const big = JSON.stringify({ email: 'a@example.org', password: 'x'.repeat(70 * 1024) });
  assertError(await post(SESSION, big), 413, 'payload_too_large');
});

test("a body over nginx's limit is a JSON 413 too", async () => {
  const huge = JSON.stringify({ email: 'a@example.org', password: 'x'.repeat(2 * 1024 * 1024) });
  const r = await post(SESSION, huge);
  assert.equal(r.status, 413, r.text.slice(0, 300));
  assert.match(r.headers.get('content-type') || '', /^application\/json/i);
  errorOf(r);
});

test('malformed JSON is a 400 invalid_json', async () => {
  assertError(await post(SESSION, '{"email": "a@example.org", '), 400, 'invalid_json');
  assertError(await post(SESSION, '{email: 1}'), 400, 'invalid_json');
  assertError(await post(SESSION, ''), 400, 'invalid_json');
  assertError(await post(SESSION, '{"email":"a@example.org","password":"x"} trailing'), 400, 'invalid_json');
});

test('duplicate keys are a 400 invalid_json', async () => {
  assertError(await post(SESSION, '{"email":"a@example.org","email":"b@example.org","password":"x"}'), 400, 'invalid_json');
});

test('a top-level value that is not an object is a 400 invalid_json', async () => {
  for (const body of ['[]', '"email"', '42', 'null', '[{"email":"a@example.org","password":"x"}]']) {
    assertError(await post(SESSION, body), 400, 'invalid_json');
  }
});

test('invalid UTF-8 in the body is a 400 invalid_utf8', async () => {
  const body = Buffer.concat([
    Buffer.from('{"email":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('@example.org","password":"x"}'),
  ]);
  assertError(await post(SESSION, body), 400, 'invalid_utf8');
  // An overlong encoding of '/' and a lone surrogate are invalid UTF-8 as well.
  const overlong = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","password":"x"}')]);
  assertError(await post(SESSION, overlong), 400, 'invalid_utf8');
  const surrogate = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","password":"x"}')]);
  assertError(await post(SESSION, surrogate), 400, 'invalid_utf8');
});

test('an unknown field is a 400 unknown_field naming it', async () => {
  assertError(await post(SESSION, { email: 'a@example.org', password: 'x', is_admin: true }), 400, 'unknown_field', 'is_admin');
});

test('a field of the wrong type is a 400 invalid_field naming it', async () => {
  assertError(await post(SESSION, { email: 5, password: 'x' }), 400, 'invalid_field', 'email');
  assertError(await post(SESSION, { email: 'a@example.org', password: ['x'] }), 400, 'invalid_field', 'password');
  assertError(await post(SESSION, { email: null, password: 'x' }), 400, 'invalid_field', 'email');
});

test('well-formed input to the session route never gets a 5xx', async () => {
  const r = await post(SESSION, { email: 'nobody@example.org', password: 'wrong password' });
  assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
  errorOf(r);
});

const SECURITY_HEADERS = ['x-content-type-options', 'content-security-policy', 'referrer-policy'];

test('every response carries the security headers exactly once and no server version', async () => {
  const cases = [
    ['GET', '/api/health'],
    ['GET', unique('headers')],
    ['POST', '/api/health', { 'content-type': 'application/json' }, '{}'],
    ['POST', SESSION, { 'content-type': 'application/json' }, '[]'],
    ['POST', SESSION, { 'content-type': 'text/plain' }, 'x'],
    ['GET', '/'],
    ['GET', '/no-such-page.html'],
    ['GET', '/metrics'],
    ['GET', '/metrics', { 'x-forwarded-for': '192.0.2.1' }],
    ['GET', '/api/openapi.json'],
    ['GET', '/api/v1/%'],
    ['POST', SESSION, { 'content-type': 'application/json' }, 'x'.repeat(2 * 1024 * 1024)],
  ];
  for (const [method, path, headers, body] of cases) {
    const r = await raw(method, path, { headers, body });
    const what = `${method} ${path} (${r.status})`;
    assert.ok(r.status < 500, `${what}: no 5xx`);
    for (const h of SECURITY_HEADERS) {
      assert.equal(headerCount(r.rawHeaders, h), 1, `${what}: ${h} exactly once (got ${JSON.stringify(r.headers[h])})`);
    }
    assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
    assert.ok(r.headers['content-security-policy'].length > 0, what);
    assert.doesNotMatch(r.headers['server'] || '', /\d/, `${what}: Server header carries no version`);
    assert.equal(headerCount(r.rawHeaders, 'content-type') <= 1, true, `${what}: one Content-Type`);
    assert.equal(headerCount(r.rawHeaders, 'x-powered-by'), 0, `${what}: no X-Powered-By`);
  }
});

// Raw paths (fetch would normalise them) that try to climb out of /api/.
const PATH_TRICKS = [
  '/api/%2e%2e/api/health',
  '/api/v1/..%2f..%2fetc/passwd',
  '/api/v1/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/api/v1/consultations/..%2f..%2f..%2fmetrics',
  '/api/v1/%2e%2e/health',
  '/api/%2fhealth',
  '/api/health%00',
  '/api/v1/%ff%fe',
  '/api/v1/%',
  '/api/..;/health',
];

test('percent-encoded path tricks reach no file, no metrics and no 5xx', async () => {
  for (const p of PATH_TRICKS) {
    const r = await raw('GET', p);
    const what = `GET ${p} -> ${r.status} ${r.text.slice(0, 200)}`;
    assert.ok(r.status < 500, `${what}: never a 5xx`);
    assert.doesNotMatch(r.text, /root:.*:0:0:/, `${what}: no file content`);
    assert.doesNotMatch(r.text, /concerto_http_requests_total/, `${what}: no metrics`);
    if (r.status === 200) {
      // Normalising /api/../api/health into /api/health is harmless: only health may answer.
      assert.equal(r.json && r.json.status, 'ok', what);
    } else {
      assert.ok([400, 403, 404].includes(r.status), what);
    }
  }
});

test('percent-encoded path tricks under /api/ are answered with a JSON error', async () => {
  const notJson = [];
  for (const p of PATH_TRICKS) {
    const r = await raw('GET', p);
    if (r.status === 200) continue;
    const ok = r.json && r.json.error && typeof r.json.error.code === 'string' &&
      /^application\/json/i.test(r.headers['content-type'] || '');
    if (!ok) notJson.push(`${p} -> ${r.status} ${r.headers['content-type']}`);
  }
  assert.deepEqual(notJson, [], 'an API client always gets the JSON error object of design §4');
});

test('GET /metrics is Prometheus text with requests, latency, db errors and restarts', async () => {
  const r1 = await get('/metrics');
  assert.equal(r1.status, 200, r1.text.slice(0, 300));
  assert.match(r1.headers.get('content-type'), /^text\/plain;\s*version=0\.0\.4/);
  const before = parseMetrics(r1.text);
  const key = { route: '/api/health', status: '200' };
  const n1 = metricSum(before, 'concerto_http_requests_total', key) || 0;

  for (let i = 0; i < 5; i++) assert.equal((await get('/api/health')).status, 200);

  const after = await metrics();
  const n2 = metricSum(after, 'concerto_http_requests_total', key);
  assert.ok(n2 !== undefined, 'concerto_http_requests_total{route="/api/health",status="200"} is present');
  assert.ok(n2 >= n1 + 5, `health 200 count grew by at least 5: ${n1} -> ${n2}`);

  for (const name of ['concerto_db_errors_total', 'concerto_worker_restarts_total']) {
    const v = metricSum(after, name);
    assert.ok(v !== undefined && v >= 0, `${name} is present`);
  }

  // A histogram an operator can use: buckets cumulative, +Inf equal to _count.
  const buckets = after.filter((s) => s.name === 'concerto_http_request_duration_seconds_bucket');
  assert.ok(buckets.length > 0, 'latency histogram buckets are present');
  const series = new Map();
  for (const b of buckets) {
    assert.ok('le' in b.labels, 'bucket has le');
    const { le, ...rest } = b.labels;
    const k = JSON.stringify(rest);
    if (!series.has(k)) series.set(k, []);
    series.get(k).push([le === '+Inf' ? Infinity : Number(le), b.value]);
  }
  let healthSeen = false;
  for (const [k, bs] of series) {
    bs.sort((a, b) => a[0] - b[0]);
    assert.equal(bs[bs.length - 1][0], Infinity, `series ${k} has le="+Inf"`);
    for (let i = 1; i < bs.length; i++) assert.ok(bs[i][1] >= bs[i - 1][1], `series ${k} buckets are cumulative`);
    const labels = JSON.parse(k);
    const count = metricSum(after, 'concerto_http_request_duration_seconds_count', labels);
    assert.ok(count !== undefined, `series ${k} has a _count`);
    assert.equal(bs[bs.length - 1][1], count, `series ${k}: +Inf bucket equals _count`);
    assert.ok(metricSum(after, 'concerto_http_request_duration_seconds_sum', labels) !== undefined, `series ${k} has a _sum`);
    if (labels.route === '/api/health' || Object.keys(labels).length === 0) healthSeen ||= count >= 5;
  }
  assert.ok(healthSeen, 'the health requests were observed by the latency histogram');
});

test('GET /metrics is refused to a client that is not on loopback', async () => {
  const r = await get('/metrics', { 'x-forwarded-for': '192.0.2.1' });
  assert.equal(r.status, 403, r.text.slice(0, 200));
  assert.doesNotMatch(r.text, /concerto_/);
  // The same from loopback still works, so the 403 is about the address.
  assert.equal((await get('/metrics')).status, 200);
});

test('each request writes one JSON line to the request log', async () => {
  // Workers write request lines within about 10 ms (src/log.c): let the
  // lines of earlier requests land first, then count only this test's.
  await new Promise((r) => setTimeout(r, 100));
  const from = logSize();
  const mine = (ls) => requestLines(ls).filter((l) => l.route === 'unmatched');
  const path = unique('log');
  for (let i = 0; i < 3; i++) assert.equal((await get(path)).status, 404);
  const lines = await waitFor(() => {
    const l = mine(logLinesSince(from));
    return l.length >= 3 ? l : null;
  }, 3000);
  assert.ok(lines, `three request lines appear in the log (got ${mine(logLinesSince(from)).length})`);
  await new Promise((r) => setTimeout(r, 300));
  const all = mine(logLinesSince(from));
  assert.equal(all.length, 3, `exactly one line per request: ${JSON.stringify(all)}`);
  for (const l of all) {
    for (const k of ['time', 'method', 'route', 'status', 'duration_us', 'worker']) assert.ok(k in l, `log line has ${k}: ${JSON.stringify(l)}`);
    assert.equal(l.method, 'GET');
    assert.equal(l.status, 404);
    assert.ok(Number.isFinite(l.duration_us) && l.duration_us >= 0, 'duration_us is a number');
    assert.ok(!Number.isNaN(Date.parse(l.time)), `time is a date: ${l.time}`);
    assert.ok(Math.abs(Date.parse(l.time) - Date.now()) < 60_000, `time is now: ${l.time}`);
  }
});

test('the request log never carries secrets from the request', async () => {
  const from = logSize();
  const secret = `hunter2-${Date.now()}`;
  await post('/api/v1/session', { email: 'nobody@example.org', password: secret }, 'application/json', { cookie: `sid=${secret}` });
  await waitFor(() => requestLines(logLinesSince(from)).length >= 1, 3000);
  const tail = readFileSync(LOG_FILE).subarray(from).toString('utf8');
  assert.ok(!tail.includes(secret), 'the password and cookie are not logged');
});
