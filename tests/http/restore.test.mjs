// SPDX-License-Identifier: AGPL-3.0-or-later
// The restore drill of docs/operations.md ("Backups"), run on a database of
// its own: set up as in production (sql/setup/database.sql), migrated, filled
// by `concerto dev generate`; dumped with pg_dump, dropped, restored with
// pg_restore --create; then every table holds the same rows, every sequence
// goes on from the same value, the tallies equal a recount, the migrations
// are all in place, and the application role has its rights and no more.
// The stack's own database is not touched.
//
// Node 18: only built-in modules.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const PGBIN = '/usr/lib/postgresql/15/bin';
const DB = 'concerto_drill';
const SOCKET = /host=(\S+)/.exec(process.env.CONCERTO_DB_ADMIN)[1];
const scratch = mkdtempSync(join(tmpdir(), 'concerto-restore-'));
const DUMP = join(scratch, `${DB}.dump`);

// A PostgreSQL program as the superuser, on the stack's cluster.
function pg(program, args, input) {
  const r = spawnSync(join(PGBIN, program), ['-h', SOCKET, '-U', 'postgres', ...args], {
    input, encoding: 'utf8', timeout: 120_000,
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${program} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// One value of a query on the drill database (or db), as role (postgres by default).
function value(query, role = 'postgres', db = DB) {
  const r = spawnSync(join(PGBIN, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', SOCKET, '-U', role, '-d', db],
    { input: `${query};\n`, encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr };
}

const drillEnv = {
  CONCERTO_DB: `host=${SOCKET} dbname=${DB} user=concerto_app`,
  CONCERTO_DB_ADMIN: `host=${SOCKET} dbname=${DB} user=concerto_owner`,
};

function concerto(args) {
  const r = spawnSync(process.env.CONCERTO_BIN, args, {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...drillEnv }, input: '',
  });
  if (r.error) throw r.error;
  return r;
}

const COPY = `${DB}_copy`;
const dropDrill = () => pg('dropdb', ['--if-exists', '--force', DB]);
after(() => {
  dropDrill();
  pg('dropdb', ['--if-exists', '--force', COPY]);
  rmSync(scratch, { recursive: true, force: true });
});

// Every table's rows (a digest of them in a fixed order) and every
// sequence's position, as one JSON object.
function state(db = DB) {
  const ask = (q) => value(q, 'postgres', db);
  const tables = ask(`SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'`).out.split(' ');
  const digest = tables.map((t) => `SELECT ${`'${t}'`} AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM public.${t} x`).join(' UNION ALL ');
  const rows = JSON.parse(ask(`SELECT json_object_agg(t, json_build_array(n, h)) FROM (${digest}) d`).out);
  const seqs = JSON.parse(ask(`SELECT coalesce(json_object_agg(sequencename, last_value), '{}') FROM pg_sequences WHERE schemaname = 'public'`).out);
  return { rows, seqs };
}

// `concerto results recount ID` for every consultation: the differences found.
function recountAll() {
  const ids = value('SELECT string_agg(id::text, \' \' ORDER BY id) FROM consultations').out.split(' ');
  return ids.map((id) => {
    const r = concerto(['results', 'recount', id]);
    assert.equal(r.status, 0, `recount ${id}: ${r.stdout}${r.stderr}`);
    const m = /recount \d+: (\d+) ballots, (\d+) differences/.exec(r.stdout);
    assert.ok(m, `recount ${id} says what it found: ${r.stdout}`);
    return { id, ballots: Number(m[1]), differences: Number(m[2]) };
  });
}

test('restore drill: dump, drop, restore; the same rows and sequences, tallies equal to a recount, the roles\' rights intact', { timeout: 300_000 }, () => {
  dropDrill();
  pg('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `db=${DB}`, '-d', 'postgres', '-f', join(ROOT, 'sql/setup/database.sql')]);
  let r = concerto(['migrate']);
  assert.equal(r.status, 0, `migrate: ${r.stderr}`);
  r = concerto(['dev', 'generate', '--accounts', '400', '--consultations', '3', '--ballots', '900', '--comments', '400', '--seed', '15']);
  assert.equal(r.status, 0, `dev generate: ${r.stderr}`);
  const before = state();
  assert.ok(Number(before.rows.ballots[0]) > 0 && Number(before.rows.comments[0]) > 0, `data to restore: ${JSON.stringify(before.rows.ballots)}`);
  const counted = recountAll();
  assert.ok(counted.every((c) => c.differences === 0), `the tallies equal a recount before: ${JSON.stringify(counted)}`);

  // The drill, with docs/operations.md's commands.
  pg('pg_dump', ['--format=custom', `--file=${DUMP}`, DB]);
  assert.ok(statSync(DUMP).size > 10_000, 'a dump was written');
  dropDrill();
  assert.equal(value('SELECT 1').ok, false, 'the database is gone');
  pg('pg_restore', ['--create', '--exit-on-error', '--dbname=postgres', DUMP]);

  const afterRestore = state();
  assert.deepEqual(afterRestore.rows, before.rows, 'every table holds the same rows');
  assert.deepEqual(afterRestore.seqs, before.seqs, 'every sequence goes on from the same value');
  const recounted = recountAll();
  assert.deepEqual(recounted, counted, 'the recount finds the same ballots and no difference');
  r = concerto(['migrate']);
  assert.equal(r.status, 0, `migrate after the restore: ${r.stderr}`);
  assert.match(r.stdout + r.stderr, / 0 applied/, `every migration is in place: ${r.stdout}${r.stderr}`);

  const app = value('SELECT count(*) FROM ballots', 'concerto_app');
  assert.ok(app.ok, `the application role reads: ${app.err}`);
  assert.equal(app.out, String(before.rows.ballots[0]), 'the same ballots');
  const create = value('CREATE TABLE drill_intruder (x int)', 'concerto_app');
  assert.equal(create.ok, false, 'and cannot create a table');
  assert.match(create.err, /permission denied/);
  // The quarterly drill of docs/operations.md: the dump restored beside, into a scratch copy.
  pg('dropdb', ['--if-exists', '--force', COPY]);
  pg('createdb', ['--owner=concerto_owner', '--template=template0', COPY]);
  pg('pg_restore', ['--exit-on-error', `--dbname=${COPY}`, DUMP]);
  assert.deepEqual(state(COPY), before, 'a scratch copy restored from the dump holds the same rows and sequences');
  pg('dropdb', ['--force', COPY]);

  const connect = spawnSync(join(PGBIN, 'psql'), ['-X', '-At', '-h', SOCKET, '-U', 'postgres', '-d', DB, '-c',
    "SELECT has_database_privilege('public', current_database(), 'CONNECT')"], { encoding: 'utf8' });
  assert.equal(connect.stdout.trim(), 'f', 'PUBLIC still may not connect to the restored database');
});
