// www/api/openapi.json is kept true: it lists exactly the routes of the
// router's table (`concerto routes`), with their path parameters and the JSON
// fields each route accepts, and the served copy is the file in the tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { ROOT } from './lib/paths.mjs';
import { get } from './lib/client.mjs';

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
