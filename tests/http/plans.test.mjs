// SPDX-License-Identifier: AGPL-3.0-or-later
// Plans of the reads (issue 14): on a consultation of realistic size
// (plans/dataset.sql: thousands of accounts, threads with replies down to
// depth 7, votes, priorities with sources, filler consultations), every
// read statement of the list below is EXPLAINed, for the public and for
// staff, with the plan PostgreSQL makes for the parameters (custom) and
// the one it caches for any (generic), and none may read a table of more
// than LARGE_ROWS rows with a Seq Scan.  A missing index (or a predicate
// no index serves) fails here, not in production.
//
// The statements are the very texts the workers prepare: the test
// compiles plans/statements.c with src/db_sql.c and reads the table it
// prints, then PREPAREs each text as the workers do (types inferred).
// Everything the dataset makes hangs off accounts and consultations named
// by this run's tag, and is deleted at the end (plans/cleanup.sql).
//
// Node 18: only built-in modules.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ROOT, commentsPath, consultationPath, CONSULTATIONS } from './lib/paths.mjs';
import { suffix } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { statements } from './lib/statements.mjs';

const TAG = `plans${suffix()}`;
const SIZE = { accounts: 5000, threads: 500, comments: 20000, votes: 40000, fillers: 200 };
// A table this large is never to be read whole by a read of one page.
const LARGE_ROWS = 1000;
const PLANS = `${ROOT}/tests/http/plans`;

let stmts;
let ids;

before(() => {
  stmts = statements();
  const vars = Object.entries({ tag: TAG, ...SIZE }).map(([k, v]) => ['-v', `${k}=${v}`]).flat();
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', process.env.CONCERTO_DB_ADMIN, ...vars,
    '-f', `${PLANS}/dataset.sql`], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
  sqlExec(`ANALYZE accounts, consultations, priorities, submissions, priority_sources, comments,
    comment_votes, comment_edits, flags`);
  const [c] = sql(`SELECT id FROM consultations WHERE title_fr = :'t'`, { t: `${TAG} 0` });
  const [v] = sql(`SELECT min(id) AS id FROM accounts WHERE email LIKE :'p'`, { p: `${TAG}-%` });
  const [r] = sql(`SELECT array_agg(id ORDER BY id)::text AS roots, min(id) AS first FROM (SELECT id FROM comments
    WHERE consultation_id = :c AND parent_id IS NULL AND status = 'published' ORDER BY id LIMIT 40) x`, { c: c.id });
  const [d] = sql(`SELECT min(id) AS id FROM comments WHERE consultation_id = :c AND depth = 2`, { c: c.id });
  const [p] = sql(`SELECT min(id) AS id FROM priorities WHERE consultation_id = :c`, { c: c.id });
  // A session of the viewer, for the lookup every signed-in request makes
  // (deleted with the account).
  sqlExec(`INSERT INTO sessions (token_hash, csrf_hash, account_id, expires_at)
    VALUES (sha256(:'t'::bytea), sha256(:'t'::bytea), :v, now() + interval '1 hour')`, { t: TAG, v: v.id });
  ids = { consultation: c.id, viewer: v.id, roots: r.roots, thread: r.first, comment: d.id, priority: p.id };
});

after(() => {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', process.env.CONCERTO_DB_ADMIN, '-v', `tag=${TAG}`,
    '-f', `${PLANS}/cleanup.sql`], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
});

// The reads and their parameters (SQL literals), as the handlers pass them.
function reads(staff) {
  const { consultation: c, viewer: v, roots, thread, comment, priority } = ids;
  const s = String(staff);
  return {
    comment_page_oldest: [c, 'NULL', 'NULL', v, s, 'NULL', 41],
    comment_page_newest: [c, 'NULL', 'NULL', v, s, 'NULL', 41],
    comment_page_best: [c, 'NULL', 'NULL', v, s, 'NULL', 'NULL', 41],
    // The replies of one thread, and the second page of threads.
    'comment_page_oldest replies': [c, thread, 'NULL', v, s, 'NULL', 41],
    'comment_page_best next': [c, 'NULL', 'NULL', v, s, 500000000, thread, 41],
    comment_descendants: [`'${roots}'`, 4, v, s, 1000, c],
    comment_get: [comment, v, s],
    comment_viewer_marked: [v, c],
    comment_viewer_marks: [v, c, 6],
    session_lookup: [`sha256('${TAG}'::bytea)`, 3600],
    priority_list: [c, s],
    priority_get: [priority, s],
    consultation_get: [c, s],
    consultation_list: ['NULL', s, 'NULL', 21],
    'consultation_list phase': [`'gathering'`, s, 'NULL', 21],
  };
}

// Every node of a plan (EXPLAIN FORMAT JSON), depth first.
function* nodes(plan) {
  yield plan;
  for (const p of plan.Plans || []) yield* nodes(p);
}

// The scans that read a large table whole in every plan of the reads, as
// text lines: a Seq Scan, or an index scan whose condition does not hold
// the index's first column (the whole index read in its order and
// filtered: the session's lookup did so on comment_viewers' primary key).
function seqScans(staff) {
  const large = new Set(sql(`SELECT relname FROM pg_class WHERE relkind = 'r'
    AND relnamespace = 'public'::regnamespace AND reltuples >= ${LARGE_ROWS}`).map((r) => r.relname));
  const leading = new Map(sql(`SELECT i.relname AS index, a.attname AS col FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
    WHERE t.relnamespace = 'public'::regnamespace AND t.reltuples >= ${LARGE_ROWS}`).map((r) => [r.index, r.col]));
  const cases = Object.entries(reads(staff));
  const names = [...new Set(cases.map(([k]) => k.split(' ')[0]))];
  const script = [];
  for (const n of names) {
    const st = stmts.get(n);
    assert.ok(st, `${n} is a statement of src/db_sql.c`);
    script.push(`PREPARE plans_${n} AS ${st.text};`);
  }
  for (const mode of ['force_custom_plan', 'force_generic_plan']) {
    script.push(`SET plan_cache_mode = ${mode};`);
    for (const [k, params] of cases) {
      assert.equal(params.length, stmts.get(k.split(' ')[0]).nparams, `${k}: one value per parameter`);
      script.push(`\\echo ===${k} (${mode})`);
      script.push(`EXPLAIN (FORMAT JSON) EXECUTE plans_${k.split(' ')[0]}(${params.join(', ')});`);
    }
  }
  const out = execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', process.env.CONCERTO_DB_ADMIN],
    { input: `${script.join('\n')}\n`, encoding: 'utf8', timeout: 60000, stdio: ['pipe', 'pipe', 'pipe'] });
  const found = [];
  let explained = 0;
  for (const chunk of out.split('===').slice(1)) {
    const nl = chunk.indexOf('\n');
    const what = chunk.slice(0, nl);
    const [top] = JSON.parse(chunk.slice(nl + 1));
    explained++;
    for (const n of nodes(top.Plan)) {
      if (n['Node Type'] === 'Seq Scan' && large.has(n['Relation Name'])) found.push(`${what}: Seq Scan on ${n['Relation Name']}`);
      const col = leading.get(n['Index Name']);
      if (/^Index (Only )?Scan$/.test(n['Node Type']) && col && n['Index Cond']
        && !new RegExp(`\\(${col} (?:[=<>]|IS )`).test(n['Index Cond'])) {
        found.push(`${what}: ${n['Node Type']} of ${n['Index Name']} without its first column ${col}: ${n['Index Cond']}`);
      }
    }
  }
  assert.equal(explained, cases.length * 2, 'every read was explained in both plan modes');
  return found;
}

test('the dataset is large enough for the plans to mean something', () => {
  const [n] = sql(`SELECT (SELECT count(*) FROM comments WHERE consultation_id = :c)::int AS comments,
    (SELECT max(depth) FROM comments WHERE consultation_id = :c)::int AS depth,
    (SELECT count(*) FROM priorities WHERE consultation_id = :c)::int AS priorities`, { c: ids.consultation });
  assert.ok(n.comments >= SIZE.comments * 0.95, `comments: ${n.comments}`);
  assert.equal(n.depth, 7);
  assert.equal(n.priorities, 20);
  for (const t of ['comments', 'comment_votes', 'accounts', 'priorities', 'submissions', 'priority_sources']) {
    const [r] = sql(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = :'t'::regclass`, { t });
    assert.ok(r.n >= LARGE_ROWS, `${t} has ${r.n} rows: large enough to be checked`);
  }
});

test('the reads answer over HTTP on the dataset', async () => {
  const a = anon();
  for (const sort of ['oldest', 'newest', 'best']) {
    const r = await a.get(commentsPath(ids.consultation, `?sort=${sort}&limit=40`));
    assert.equal(r.status, 200, `comments sorted ${sort}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.comments.length, 40);
    assert.ok(r.json.comments.some((c) => c.replies.length > 0), 'the page shows replies');
  }
  const c = await a.get(consultationPath(ids.consultation));
  assert.equal(c.status, 200);
  assert.equal(c.json.priorities.length, 20);
  assert.ok(c.json.priorities.every((p) => p.sources.length === 2), 'the public sees the 2 published sources');
  const p = await a.get(`${consultationPath(ids.consultation)}/priorities`);
  assert.equal(p.status, 200);
  assert.deepEqual(p.json.priorities.map((x) => x.id), c.json.priorities.map((x) => x.id));
  assert.equal((await a.get(`${CONSULTATIONS}?limit=20`)).status, 200);
});

test('no read of the public scans a large table, whatever plan is cached', () => {
  assert.deepEqual(seqScans(false), []);
});

test('no read of staff scans a large table, whatever plan is cached', () => {
  assert.deepEqual(seqScans(true), []);
});
