// SPDX-License-Identifier: AGPL-3.0-or-later
// Reference populations (issue 15): `concerto geo population load` reads
// RFC 4180 CSV (quoted fields, doubled quotes, a byte order mark, CRLF), takes
// a file whole or not at all (every stratum of its scheme once, one vintage,
// known schemes and codes, whole populations), says what a --dry-run would
// change without changing it, puts the vintage it loads in force, and
// `geo population use` goes back. What is in force is read as an operator
// reads it, through `geo population`, which lists the strata results use.
// The test puts the vintage in force at its start back when it ends.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from './lib/db.mjs';
import { ROOT } from './lib/paths.mjs';

const SCHEME = 'idf-departements';
const CODES = ['75', '77', '78', '91', '92', '93', '94', '95'];
const stamp = Date.now().toString(36);
const scratch = mkdtempSync(join(tmpdir(), 'concerto-population-'));

function cli(args) {
  const r = spawnSync(process.env.CONCERTO_BIN, args, { input: '', encoding: 'utf8', timeout: 20_000, env: process.env });
  if (r.error) throw r.error;
  return r;
}
const show = (args, r) => `concerto ${args.join(' ')}: status ${r.status}\nstdout: ${r.stdout.slice(0, 1200)}\nstderr: ${r.stderr.slice(0, 1200)}`;

const inForce = () => sql(`SELECT vintage FROM population_in_force WHERE scheme = :'s'`, { s: SCHEME })[0]?.vintage;
const original = inForce();
after(() => {
  if (original !== undefined && inForce() !== original) cli(['geo', 'population', 'use', SCHEME, original]);
  rmSync(scratch, { recursive: true, force: true });
});

// A CSV as the service writes one: every cell quoted, CRLF, and a BOM.
const quoted = (cells) => cells.map((c) => `"${String(c).replaceAll('"', '""')}"`).join(',');
function csvFile(name, rows, { header = ['scheme', 'code', 'name', 'population', 'vintage', 'source'], bom = true } = {}) {
  const path = join(scratch, name);
  const body = [header, ...rows].map(quoted).join('\r\n') + '\r\n';
  writeFileSync(path, (bom ? '\ufeff' : '') + body);
  return path;
}
const rowsOf = (vintage, pop = (i) => 1_000_000 + i) =>
  CODES.map((code, i) => [SCHEME, code, code === '95' ? 'Val-d\'Oise, "le 95"' : `Département ${code}`, pop(i), vintage, 'test, "quoted" source']);

// The populations `geo population SCHEME` lists as in force: code -> number.
function listed() {
  const r = cli(['geo', 'population', SCHEME]);
  assert.equal(r.status, 0, show(['geo', 'population', SCHEME], r));
  const pops = {};
  for (const m of r.stdout.matchAll(/^ {2}(\S+)\s+.*?\s(\d+)$/gm)) pops[m[1]] = Number(m[2]);
  return { pops, text: r.stdout };
}

test('a quoted CSV with a BOM and CRLF loads whole and goes in force', () => {
  const vintage = `test vintage ${stamp}, "A"`;
  const file = csvFile('a.csv', rowsOf(vintage));
  const r = cli(['geo', 'population', 'load', file]);
  assert.equal(r.status, 0, show(['load', file], r));
  assert.match(r.stdout, /new, 8 strata/, show(['load'], r));
  assert.match(r.stdout, /8 populations loaded/);
  assert.equal(inForce(), vintage, 'the vintage loaded is in force');
  const { pops, text } = listed();
  assert.deepEqual(Object.keys(pops).sort(), CODES, text);
  assert.equal(pops['93'], 1_000_005, text);
  assert.ok(text.includes('Val-d\'Oise, "le 95"'), `the quoted name with a comma and quotes reads back: ${text}`);
  assert.ok(text.includes(`* "${vintage}"`), `the vintages loaded, this one marked in force: ${text}`);
});

test('a file that does not cover every stratum is refused, naming what is missing, and changes nothing', () => {
  const before = inForce();
  const file = csvFile('one.csv', [[SCHEME, '75', 'Paris', 2_000_000, `one row ${stamp}`, 'test']]);
  const r = cli(['geo', 'population', 'load', file]);
  assert.equal(r.status, 1, show(['load', file], r));
  for (const code of CODES.slice(1)) assert.match(r.stderr, new RegExp(`no population for ${code}\\b`), r.stderr);
  assert.match(r.stderr, /nothing changed/);
  assert.equal(inForce(), before, 'the vintage in force is the same');
  assert.equal(sql(`SELECT count(*)::int AS n FROM reference_populations WHERE vintage = :'v'`, { v: `one row ${stamp}` })[0].n, 0);
});

test('each bad row is reported with its line, and nothing is loaded', () => {
  const vintage = `bad ${stamp}`;
  const rows = rowsOf(vintage);
  rows[1][3] = '12abc';          // line 3
  rows[2][1] = '13';             // line 4: not a stratum of the scheme
  rows[3][4] = 'another vintage'; // line 5
  rows[4][2] = '';               // line 6
  rows[5][0] = 'nope';           // line 7
  const file = csvFile('bad.csv', rows);
  const r = cli(['geo', 'population', 'load', file]);
  assert.equal(r.status, 1, show(['load', file], r));
  assert.match(r.stderr, /bad\.csv:3: population "12abc" is not a whole number/, r.stderr);
  assert.match(r.stderr, /bad\.csv:4: "13" is not a stratum of idf-departements/, r.stderr);
  assert.match(r.stderr, /bad\.csv:6: the name is empty/, r.stderr);
  assert.match(r.stderr, /bad\.csv:7: unknown scheme "nope"/, r.stderr);
  assert.equal(sql(`SELECT count(*)::int AS n FROM reference_populations WHERE vintage = :'v'`, { v: vintage })[0].n, 0);

  const twice = rowsOf(`twice ${stamp}`);
  twice[7] = [...twice[6]];
  const dup = cli(['geo', 'population', 'load', csvFile('twice.csv', twice)]);
  assert.equal(dup.status, 1, show(['load twice'], dup));
  assert.match(dup.stderr, /twice\.csv:9: idf-departements 94 again \(first on line 8\)/, dup.stderr);
  assert.match(dup.stderr, /no population for 95/, dup.stderr);

  const broken = join(scratch, 'broken.csv');
  writeFileSync(broken, 'scheme,code,name,population,vintage,source\nidf-departements,75,"Paris,1,v,s\n');
  const open = cli(['geo', 'population', 'load', broken]);
  assert.equal(open.status, 1, show(['load broken'], open));
  assert.match(open.stderr, /broken\.csv:2: a quoted field is not closed/, open.stderr);

  const header = cli(['geo', 'population', 'load', csvFile('header.csv', rowsOf(`h ${stamp}`), { header: ['scheme', 'code', 'nom', 'population', 'vintage', 'source'] })]);
  assert.equal(header.status, 1, show(['load header'], header));
  assert.match(header.stderr, /header\.csv:1: unknown column "nom"/, header.stderr);
  assert.match(header.stderr, /no column name/, header.stderr);
});

test('--dry-run says what would change and changes nothing; a load of other figures replaces them', () => {
  const vintage = `test vintage ${stamp}, "A"`;
  const before = listed().pops;
  const file = csvFile('b.csv', rowsOf(vintage, (i) => (i === 2 ? 1_500_000 : 1_000_000 + i)), { bom: false });
  const dry = cli(['geo', 'population', 'load', '--dry-run', file]);
  assert.equal(dry.status, 0, show(['load --dry-run', file], dry));
  assert.match(dry.stdout, /loaded before/, dry.stdout);
  assert.match(dry.stdout, /78: population 1000002 -> 1500000/, dry.stdout);
  assert.match(dry.stdout, /dry run of .*nothing changed/, dry.stdout);
  assert.deepEqual(listed().pops, before, 'a dry run changes nothing');

  const r = cli(['geo', 'population', 'load', file]);
  assert.equal(r.status, 0, show(['load', file], r));
  assert.match(r.stdout, /78: population 1000002 -> 1500000/, r.stdout);
  assert.equal(listed().pops['78'], 1_500_000);

  const same = cli(['geo', 'population', 'load', '--dry-run', file]);
  assert.match(same.stdout, /the same figures/, same.stdout);
  assert.match(same.stdout, /in force already/, same.stdout);
  const again = cli(['geo', 'population', 'load', file]);
  assert.equal(again.status, 0, show(['load again', file], again));
  assert.match(again.stdout, /geo: 0 populations loaded from .*, its vintages in force/, 'the same figures are not written again');
});

test('geo population use goes back to a vintage loaded before, and refuses one never loaded', () => {
  assert.ok(original, 'a vintage was in force at the start');
  const args = ['geo', 'population', 'use', SCHEME, original];
  const r = cli(args);
  assert.equal(r.status, 0, show(args, r));
  assert.match(r.stdout, /in force: ".*" -> "/, r.stdout);
  assert.equal(inForce(), original);
  assert.equal(listed().pops['75'], Number(sql(`SELECT population FROM scheme_strata(:'s') WHERE code = '75'`, { s: SCHEME })[0].population));
  assert.notEqual(listed().pops['93'], 1_000_005, 'the figures of the vintage gone back to');

  const never = cli(['geo', 'population', 'use', SCHEME, `never ${stamp}`]);
  assert.equal(never.status, 1, show(['use never'], never));
  assert.match(never.stderr, /no vintage "never .*" of idf-departements is loaded/, never.stderr);
  assert.equal(inForce(), original, 'nothing changed');

  const nope = cli(['geo', 'population', 'use', 'nope', original]);
  assert.equal(nope.status, 2, show(['use nope'], nope));
  assert.match(nope.stderr, /unknown scheme nope/, nope.stderr);
});

test('the populations shipped in sql/data/ read as loaded, the same figures, in force', () => {
  const file = join(ROOT, 'sql/data/reference-populations.csv');
  const r = cli(['geo', 'population', 'load', '--dry-run', file]);
  assert.equal(r.status, 0, show(['load --dry-run', file], r));
  for (const scheme of ['idf-departements', 'fr-regions']) assert.match(r.stdout, new RegExp(`^${scheme}, vintage ".*": loaded before\\n {2}the same figures\\n {2}in force already$`, 'm'), r.stdout);
});
