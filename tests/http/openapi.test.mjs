// SPDX-License-Identifier: AGPL-3.0-or-later
// www/api/openapi.json is kept true: it lists exactly the routes of the
// router's table (`concerto routes`), with their path parameters, the JSON
// fields each route accepts and who may call it; every answer has its body
// described, and the bodies the stack sends (the 202s, results.csv's
// columns) are those the file describes; @redocly/cli's recommended rules
// pass without an error or a warning; the served copy is the file in the tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { ACCOUNTS, RESET, RESET_CONFIRM, ROOT, VERIFY, csvPath } from './lib/paths.mjs';
import { Client, get } from './lib/client.mjs';
import { show } from './lib/assert.mjs';
import { newPassword, participant, register } from './lib/accounts.mjs';
import { votingConsultation, vote } from './lib/consultations.mjs';
import { outboxToken } from './lib/db.mjs';
import { parseCsv, sleep } from './lib/util.mjs';

const SPEC_FILE = `${ROOT}/www/api/openapi.json`;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function concertoBin() {
  for (const b of [process.env.CONCERTO_BIN, `${ROOT}/build/concerto`, `${ROOT}/build/asan/concerto`]) {
    if (b && existsSync(b)) return b;
  }
  throw new Error('no concerto binary: build it first');
}

function loadRoutes() {
  const out = execFileSync(concertoBin(), ['routes'], {
    encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' }, timeout: 20000,
  });
  const routes = JSON.parse(out);
  assert.ok(Array.isArray(routes), '`concerto routes` prints a JSON array');
  assert.ok(routes.length > 0, 'the route table is not empty');
  return routes;
}

function loadSpec() {
  return JSON.parse(readFileSync(SPEC_FILE, 'utf8'));
}

const key = (method, path) => `${method.toUpperCase()} ${path}`;

// Follows a local $ref ('#/components/...').
function deref(spec, obj) {
  let o = obj;
  for (let i = 0; o && o.$ref && i < 20; i++) {
    assert.match(o.$ref, /^#\//, `only local $ref: ${o.$ref}`);
    o = o.$ref.slice(2).split('/').reduce((acc, k) => acc && acc[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    assert.ok(o, `unresolved $ref ${obj.$ref}`);
  }
  return o;
}

// The property names of a JSON request body schema (through $ref and allOf).
function schemaProperties(spec, schema) {
  const s = deref(spec, schema);
  const names = new Set(Object.keys(s.properties || {}));
  for (const part of s.allOf || []) for (const n of schemaProperties(spec, part)) names.add(n);
  return names;
}

test('`concerto routes` describes each route', () => {
  for (const r of loadRoutes()) {
    assert.equal(typeof r.method, 'string', JSON.stringify(r));
    assert.match(r.method, /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/, JSON.stringify(r));
    assert.match(r.pattern, /^\/[A-Za-z0-9_.\-/{}]*$/, JSON.stringify(r));
    assert.equal(typeof r.role, 'string', JSON.stringify(r));
    assert.equal(typeof r.csrf, 'boolean', JSON.stringify(r));
    assert.ok(Array.isArray(r.fields), JSON.stringify(r));
    for (const f of r.fields) assert.equal(typeof f, 'string', JSON.stringify(r));
  }
  const routes = loadRoutes();
  const seen = new Set();
  for (const r of routes) {
    const k = key(r.method, r.pattern);
    assert.ok(!seen.has(k), `route ${k} appears once`);
    seen.add(k);
  }
  assert.ok(seen.has('GET /api/health'), 'the table has GET /api/health');
  assert.ok(seen.has('POST /api/v1/session'), 'the table has POST /api/v1/session');
});

test('www/api/openapi.json is OpenAPI 3.1 JSON', () => {
  const spec = loadSpec();
  assert.equal(typeof spec.openapi, 'string');
  assert.ok(spec.openapi.startsWith('3.1'), `openapi is ${spec.openapi}`);
  assert.equal(typeof spec.info?.title, 'string', 'info.title');
  assert.equal(typeof spec.info?.version, 'string', 'info.version');
  assert.equal(typeof spec.paths, 'object', 'paths');
});

test('every route of the table is in the OpenAPI file with its method', () => {
  const spec = loadSpec();
  const missing = [];
  for (const r of loadRoutes()) {
    const item = spec.paths[r.pattern];
    if (!item || !item[r.method.toLowerCase()]) missing.push(key(r.method, r.pattern));
  }
  assert.deepEqual(missing, [], `routes missing from ${SPEC_FILE}`);
});

test('the OpenAPI file has no operation that the table lacks', () => {
  const spec = loadSpec();
  const table = new Set(loadRoutes().map((r) => key(r.method, r.pattern)));
  const extra = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of HTTP_METHODS) if (item[m] && !table.has(key(m, path))) extra.push(key(m, path));
  }
  assert.deepEqual(extra, [], `operations in ${SPEC_FILE} that no route serves`);
});

test('every path parameter is declared, required, in the path', () => {
  const spec = loadSpec();
  const problems = [];
  for (const [path, rawItem] of Object.entries(spec.paths)) {
    const item = deref(spec, rawItem);
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const m of HTTP_METHODS) {
      if (!item[m]) continue;
      const params = [...(item.parameters || []), ...(item[m].parameters || [])].map((p) => deref(spec, p));
      for (const n of names) {
        const p = params.find((x) => x.in === 'path' && x.name === n);
        if (!p) problems.push(`${key(m, path)}: {${n}} not declared`);
        else if (p.required !== true) problems.push(`${key(m, path)}: {${n}} not required`);
      }
      for (const p of params) {
        if (p.in === 'path' && !names.includes(p.name)) problems.push(`${key(m, path)}: declares path parameter ${p.name} that the path lacks`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("each route's accepted JSON fields are its request body's properties", () => {
  const spec = loadSpec();
  const problems = [];
  for (const r of loadRoutes()) {
    const op = spec.paths[r.pattern]?.[r.method.toLowerCase()];
    if (!op) continue; // reported by the test above
    const body = op.requestBody ? deref(spec, op.requestBody) : undefined;
    const schema = body?.content?.['application/json']?.schema;
    if (r.fields.length === 0) {
      if (schema) problems.push(`${key(r.method, r.pattern)}: takes no JSON body but the spec describes one`);
      continue;
    }
    if (!schema) {
      problems.push(`${key(r.method, r.pattern)}: accepts ${r.fields.join(', ')} but has no application/json requestBody`);
      continue;
    }
    const props = schemaProperties(spec, schema);
    const want = new Set(r.fields);
    for (const f of want) if (!props.has(f)) problems.push(`${key(r.method, r.pattern)}: field ${f} missing from the schema`);
    for (const p of props) if (!want.has(p)) problems.push(`${key(r.method, r.pattern)}: schema property ${p} is not accepted by the route`);
  }
  assert.deepEqual(problems, []);
});

test('the served /api/openapi.json is the file in the tree', async () => {
  const r = await get('/api/openapi.json');
  assert.equal(r.status, 200, r.text.slice(0, 200));
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.deepEqual(r.json, loadSpec());
});

test('the served /api/routes.json is the route table of this binary, with every field\'s shape', async () => {
  const r = await get('/api/routes.json');
  assert.equal(r.status, 200, r.text.slice(0, 200));
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.deepEqual(r.json, loadRoutes(), 'make web wrote it from `concerto routes`');
  const accounts = r.json.find((x) => x.method === 'POST' && x.pattern === '/api/v1/accounts');
  const profile = accounts.shapes.find((f) => f.name === 'profile');
  assert.equal(profile.type, 'enum');
  assert.deepEqual(profile.choices, ['patient', 'carer', 'citizen', 'health_professional', 'researcher', 'other']);
  for (const x of r.json) assert.deepEqual(x.shapes.map((f) => f.name), x.fields, `${x.method} ${x.pattern}: a shape per field`);
});

test('every route whose answers may be kept documents its ETag, If-None-Match and 304, and no other does', () => {
  const spec = loadSpec();
  for (const r of loadRoutes()) {
    assert.match(r.cache, /^(none|shared|viewer)$/, `${key(r.method, r.pattern)}: cache`);
    const op = spec.paths[r.pattern][r.method.toLowerCase()];
    const params = (op.parameters || []).map((p) => deref(spec, p));
    const inm = params.some((p) => p.in === 'header' && p.name === 'If-None-Match');
    const ok = deref(spec, op.responses['200'] || op.responses['201'] || op.responses['204'] || {});
    if (r.cache === 'none') {
      assert.ok(!inm && !op.responses['304'], `${key(r.method, r.pattern)} is never kept: no If-None-Match, no 304`);
      continue;
    }
    assert.equal(r.method, 'GET', `only reads are kept: ${key(r.method, r.pattern)}`);
    assert.ok(inm, `${key(r.method, r.pattern)} takes If-None-Match`);
    assert.ok(op.responses['304'], `${key(r.method, r.pattern)} may answer 304`);
    assert.ok(ok.headers && ok.headers.ETag && ok.headers['Cache-Control'], `${key(r.method, r.pattern)}: its 200 has ETag and Cache-Control`);
  }
});

test('@redocly/cli lint, recommended rules: no error, no warning', () => {
  const bin = `${ROOT}/tests/node_modules/.bin/redocly`;
  assert.ok(existsSync(bin), `${bin}: npm ci --prefix tests installs it (make test does)`);
  const r = spawnSync(bin, ['lint', SPEC_FILE, '--config', `${ROOT}/tests/redocly.yaml`, '--format=json'], {
    encoding: 'utf8', timeout: 60000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  const output = `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`;
  let report;
  try { report = JSON.parse(r.stdout); } catch { assert.fail(`redocly printed no JSON report:\n${output}`); }
  assert.equal(r.status, 0, output);
  assert.deepEqual({ errors: report.totals.errors, warnings: report.totals.warnings }, { errors: 0, warnings: 0 }, output);
});

test("each operation's security says who may call it, as the route table does", () => {
  const spec = loadSpec();
  const problems = [];
  for (const r of loadRoutes()) {
    const k = key(r.method, r.pattern);
    const sec = spec.paths[r.pattern][r.method.toLowerCase()].security ?? spec.security;
    if (!Array.isArray(sec) || sec.length === 0) { problems.push(`${k}: no security`); continue; }
    const anyone = sec.some((x) => Object.keys(x).length === 0);
    const named = sec.filter((x) => Object.keys(x).length > 0);
    for (const x of named) for (const s of Object.keys(x)) if (!spec.components.securitySchemes[s]) problems.push(`${k}: unknown scheme ${s}`);
    if (r.role === 'any' && !anyone) problems.push(`${k}: anyone may call it, but its security lacks {}`);
    if (r.role !== 'any' && anyone) problems.push(`${k}: needs a session (${r.role}), but its security has {}`);
    // A session is the cookie (with the CSRF token where the route checks
    // it) or the same token as a bearer (auth.c: never a CSRF token).
    const cookies = named.filter((x) => x.cookie);
    const bearers = named.filter((x) => x.bearer);
    if (named.some((x) => !x.cookie === !x.bearer)) problems.push(`${k}: a requirement is not exactly one of the cookie and the bearer token`);
    if (r.role !== 'any' && (cookies.length === 0 || bearers.length === 0)) problems.push(`${k}: needs a session, which may be the cookie or the bearer token`);
    if (r.csrf && cookies.some((x) => !x.csrf)) problems.push(`${k}: takes the CSRF token, but a cookie requirement lacks csrf`);
    if (!r.csrf && cookies.some((x) => x.csrf)) problems.push(`${k}: checks no CSRF token, but a requirement has csrf`);
    if (bearers.some((x) => x.csrf)) problems.push(`${k}: a bearer token needs no CSRF token`);
  }
  assert.deepEqual(problems, []);
});

// The schema's name where s is a $ref to components/schemas.
const refName = (s) => s?.$ref?.replace('#/components/schemas/', '');

test('every answer describes its body (none for 204 and 304); errors of the API are Error objects', () => {
  const spec = loadSpec();
  const problems = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of HTTP_METHODS) {
      if (!item[m]) continue;
      for (const [code, raw] of Object.entries(item[m].responses)) {
        const where = `${key(m, path)} ${code}`;
        const res = deref(spec, raw);
        const media = Object.entries(res.content || {});
        if (code === '204' || code === '304') {
          if (media.length) problems.push(`${where}: describes a body it does not have`);
          continue;
        }
        if (!media.length) problems.push(`${where}: no body described`);
        for (const [type, mt] of media) if (!mt.schema) problems.push(`${where}: ${type} without a schema`);
        if (Number(code) < 400) continue;
        const json = res.content?.['application/json']?.schema;
        if (!json) {
          // nginx's own pages, outside /api/ (the loopback guard of /metrics).
          if (path.startsWith('/api/')) problems.push(`${where}: an error of the API that is not JSON`);
          continue;
        }
        const names = json.oneOf ? json.oneOf.map(refName) : [refName(json)];
        if (!names.includes('Error')) problems.push(`${where}: not the Error schema (${JSON.stringify(json)})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the OpenAPI file and LICENSE give the licence: AGPL-3.0-or-later', () => {
  const spec = loadSpec();
  assert.equal(spec.info.license?.identifier, 'AGPL-3.0-or-later', 'an SPDX identifier (OpenAPI 3.1)');
  assert.match(spec.info.license?.name || '', /Affero General Public License v3\.0 or later/);
  const text = readFileSync(`${ROOT}/LICENSE`, 'utf8');
  assert.match(text, /^ +GNU AFFERO GENERAL PUBLIC LICENSE\n +Version 3, 19 November 2007\n/);
  assert.equal(text.split('\n').length - 1, 661, 'the 661 lines of the FSF text');
});

// What in value differs from schema (type, enum, required, properties,
// additionalProperties false, minimum, maximum, $ref, oneOf): a list of
// messages, empty when it conforms.
function nonConforming(spec, schema, value, at = '$') {
  const s = deref(spec, schema);
  if (s.oneOf) {
    const fits = s.oneOf.filter((x) => nonConforming(spec, x, value, at).length === 0);
    return fits.length === 1 ? [] : [`${at}: fits ${fits.length} of the oneOf`];
  }
  const types = [].concat(s.type ?? []);
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array'
    : Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length && !types.includes(kind) && !(kind === 'integer' && types.includes('number'))) {
    return [`${at}: ${JSON.stringify(value)} is not ${types.join(' or ')}`];
  }
  const out = [];
  if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
  if (typeof value === 'number' && s.minimum !== undefined && value < s.minimum) out.push(`${at}: ${value} < ${s.minimum}`);
  if (typeof value === 'number' && s.maximum !== undefined && value > s.maximum) out.push(`${at}: ${value} > ${s.maximum}`);
  if (kind === 'object') {
    for (const k of s.required || []) if (!(k in value)) out.push(`${at}: ${k} missing`);
    for (const [k, v] of Object.entries(value)) {
      if (s.properties?.[k]) out.push(...nonConforming(spec, s.properties[k], v, `${at}.${k}`));
      else if (s.additionalProperties === false) out.push(`${at}: ${k} is not described`);
    }
  }
  return out;
}

// The schema of an operation's answer with this status and media type.
function answerSchema(spec, path, method, status, type = 'application/json') {
  const schema = deref(spec, spec.paths[path][method].responses[status]).content?.[type]?.schema;
  assert.ok(schema, `${key(method, path)} ${status}: a ${type} schema`);
  return schema;
}

function assertAnswer(spec, path, method, r, status) {
  assert.equal(r.status, status, `${key(method, path)}: ${show(r)}`);
  assert.deepEqual(nonConforming(spec, answerSchema(spec, path, method, String(status)), r.json), [],
    `${key(method, path)} ${status} is as the file describes: ${r.text}`);
}

// The newest outbox token of kind for email, once the deferred mail is queued.
async function queuedToken(email, kind) {
  for (let i = 0; ; i++) {
    try { return outboxToken(email, kind); } catch (e) { if (i >= 30) throw e; }
    await sleep(100);
  }
}

test('the answers of registration, verification and password reset are the bodies the file describes', async () => {
  const spec = loadSpec();
  const c = new Client();
  let reg;
  for (let i = 0; i < 20; i++) {
    reg = await register(c);
    if (reg.r.status !== 503) break; // every hash slot busy: retry
    await sleep(200 + i * 50);
  }
  assertAnswer(spec, ACCOUNTS, 'post', reg.r, 202);
  const email = reg.body.email;
  assertAnswer(spec, VERIFY, 'post', await c.post(VERIFY, { token: outboxToken(email, 'verify') }, { csrf: false }), 200);
  assertAnswer(spec, RESET, 'post', await c.post(RESET, { email }, { csrf: false }), 202);
  assertAnswer(spec, RESET, 'post', await new Client().post(RESET, { email: `nobody-${email}` }, { csrf: false }), 202);
  const token = await queuedToken(email, 'reset');
  let done;
  for (let i = 0; i < 20; i++) {
    done = await c.post(RESET_CONFIRM, { token, password: newPassword() }, { csrf: false });
    if (done.status !== 503) break;
    await sleep(200 + i * 50);
  }
  assertAnswer(spec, RESET_CONFIRM, 'post', done, 200);
});

test("results.csv's header row names the columns the file describes, and every cell has its column's type", async () => {
  const spec = loadSpec();
  const path = '/api/v1/consultations/{id}/results.csv';
  const rowSchema = deref(spec, answerSchema(spec, path, 'get', '200', 'text/csv; charset=utf-8').items);
  const columns = rowSchema.required;
  assert.deepEqual(Object.keys(rowSchema.properties).sort(), columns.slice().sort(), 'a property per column, a column per property');

  // A ranked vote, so that the ranked columns have values; no weighting
  // scheme, so that the weighted ones are empty.
  const { c, ids, admin: a } = await votingConsultation({ method: 'ranked', k: 2, priorities: 3 });
  const p = await participant();
  await vote(p, c.id, [ids[1], ids[0]]);
  const r = await a.client.get(csvPath(c.id)); // the admin reads it while voting
  assert.equal(r.status, 200, show(r));
  assert.match(r.headers.get('content-type') || '', /^text\/csv;\s*charset=utf-8$/i);
  const rows = parseCsv(r.text).filter((x) => !(x.length === 1 && x[0] === ''));
  assert.deepEqual(rows[0], columns, `the header row of ${r.text.slice(0, 300)}`);
  assert.equal(rows.length - 1, ids.length, `a row per priority in the vote:\n${r.text}`);
  const problems = [];
  for (const cells of rows.slice(1)) {
    assert.equal(cells.length, columns.length, `a cell per column: ${JSON.stringify(cells)}`);
    const row = {};
    columns.forEach((col, i) => {
      const types = [].concat(deref(spec, rowSchema.properties[col]).type);
      const cell = cells[i];
      if (cell === '') row[col] = null;
      else if (types.includes('integer') || types.includes('number')) {
        if (!/^-?\d+(\.\d+)?$/.test(cell)) problems.push(`${col}: ${JSON.stringify(cell)} is not a number`);
        row[col] = Number(cell);
      } else row[col] = cell;
    });
    problems.push(...nonConforming(spec, rowSchema, row, `row ${row.priority_id}`));
    if (row.points === null) problems.push(`row ${row.priority_id}: a ranked vote has points`);
  }
  assert.deepEqual(problems, [], r.text);
});
