// SPDX-License-Identifier: AGPL-3.0-or-later
// `concerto dev generate` (issue 14, part 4): the command's manners (help,
// a refused number names its option); a small generation into the stack's
// database is what a user of the API sees (the consultations listed, a
// published one's results counting its ballots, comment pages with threads
// and replies) and what the schema asks (tallies equal to a recount, paths,
// depths, fingerprints, vote counts, pseudonym keys); a second run into a
// database holding generated accounts is refused; the same seed gives the
// same rows (ids taken relative to the run's first, timestamps aside) once
// the first run's rows are deleted.  Everything generated is deleted at the
// end, so the stack stays as the other files expect it.
//
// Node 18: only built-in modules.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { CONSULTATIONS, commentsPath, resultsPath } from './lib/paths.mjs';
import { anon } from './lib/client.mjs';
import { concerto, sql, sqlExec } from './lib/db.mjs';

const DOMAIN = '@generated.concerto.test';
const ARGS = ['dev', 'generate', '--accounts', '2000', '--consultations', '4',
  '--ballots', '5000', '--comments', '3000', '--seed', '14'];

// Runs the generator; returns its consultations { id, phase, method, ballots, comments }.
function generate(args = ARGS) {
  const r = concerto(args);
  assert.equal(r.status, 0, `dev generate exits 0: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return lines.map((l) => {
    const m = /^consultation (\d+) (draft|gathering|voting|closed|published) (approval|ranked) (\d+) (\d+)$/.exec(l);
    assert.ok(m, `a summary line: ${l}`);
    return { id: Number(m[1]), phase: m[2], method: m[3], ballots: Number(m[4]), comments: Number(m[5]) };
  });
}

let made = [];

// Deletes what the generator made: its consultations (and all that hangs
// from them), then its accounts.
function cleanup() {
  if (made.length) sqlExec(`DELETE FROM consultations WHERE id IN (${made.map((c) => c.id).join(',')})`);
  sqlExec(`DELETE FROM accounts WHERE email LIKE '%${DOMAIN}'`);
  made = [];
}
after(cleanup);

// A checksum per table of the generated rows, ids relative to each table's first.
function checksums(cs) {
  const ids = `'{${cs.map((c) => c.id).join(',')}}'::bigint[]`;
  const base = `WITH a AS (SELECT min(id) AS m FROM accounts WHERE email LIKE '%${DOMAIN}'),
    c AS (SELECT min(id) AS m FROM consultations WHERE id = ANY (${ids})),
    p AS (SELECT min(id) AS m FROM priorities WHERE consultation_id = ANY (${ids})),
    k AS (SELECT min(id) AS m FROM comments WHERE consultation_id = ANY (${ids}))`;
  const rel = (col, t) => `(${col} - ${t}.m)`;
  const arr = (col, t) => `(SELECT array_agg(x - ${t}.m ORDER BY o) FROM unnest(${col}) WITH ORDINALITY u(x, o))`;
  const tables = {
    accounts: `SELECT ${rel('t.id', 'a')}, email, pseudonym, pseudonym_skeleton, profile, postcode,
      interests_declared, language, verified_at IS NULL FROM accounts t, a WHERE email LIKE '%${DOMAIN}' ORDER BY t.id`,
    consultations: `SELECT ${rel('t.id', 'c')}, phase, title_fr, method, k, weighting, moderation, gathering_at IS NULL
      FROM consultations t, c WHERE t.id = ANY (${ids}) ORDER BY t.id`,
    priorities: `SELECT ${rel('t.id', 'p')}, ${rel('consultation_id', 'c')}, position, title_fr, evidence_status
      FROM priorities t, p, c WHERE consultation_id = ANY (${ids}) ORDER BY t.id`,
    submissions: `SELECT ${rel('consultation_id', 'c')}, ${rel('account_id', 'a')}, text, status
      FROM submissions t, a, c WHERE consultation_id = ANY (${ids}) ORDER BY t.id`,
    sources: `SELECT ${rel('priority_id', 'p')}, (SELECT ${rel('s.account_id', 'a')} FROM submissions s WHERE s.id = submission_id)
      FROM priority_sources t, p, a WHERE priority_id IN (SELECT id FROM priorities WHERE consultation_id = ANY (${ids})) ORDER BY submission_id`,
    ballots: `SELECT ${rel('consultation_id', 'c')}, ${rel('account_id', 'a')}, ${arr('choices', 'p')}, stratum, profile, interests
      FROM ballots t, a, c, p WHERE consultation_id = ANY (${ids}) ORDER BY consultation_id, account_id`,
    participations: `SELECT ${rel('consultation_id', 'c')}, ${rel('account_id', 'a')}, stratum, stratum_source, geoip_agrees, profile, interests
      FROM participations t, a, c WHERE consultation_id = ANY (${ids}) ORDER BY consultation_id, account_id`,
    comments: `SELECT ${rel('t.id', 'k')}, ${rel('consultation_id', 'c')}, ${rel('priority_id', 'p')}, ${rel('parent_id', 'k')},
      ${arr('path', 'k')}, depth, ${rel('account_id', 'a')}, alignment, body, fingerprint, status, up, down, deleted_at IS NULL
      FROM comments t, k, c, p, a WHERE consultation_id = ANY (${ids}) ORDER BY t.id`,
    comment_votes: `SELECT ${rel('comment_id', 'k')}, ${rel('account_id', 'a')}, value FROM comment_votes t, k, a
      WHERE comment_id IN (SELECT id FROM comments WHERE consultation_id = ANY (${ids})) ORDER BY comment_id, account_id`,
    tally_items: `SELECT ${rel('priority_id', 'p')}, stratum, profile, interests, sum(supporters), sum(points), sum(firsts)
      FROM tally_items t, p WHERE consultation_id = ANY (${ids}) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  };
  const out = {};
  for (const [name, q] of Object.entries(tables)) {
    const [row] = sql(`${base} SELECT count(*)::int AS n, md5(coalesce(string_agg(r::text, '|'), '')) AS sum FROM (${q}) r`);
    out[name] = `${row.n} ${row.sum}`;
  }
  return out;
}

test('dev generate --help answers; a bad number is refused naming its option', () => {
  const h = concerto(['dev', 'generate', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^usage: concerto dev generate \[--accounts N\]/);
  for (const [opt, v] of [['--accounts', '0'], ['--consultations', 'x'], ['--ballots', '-1'], ['--seed', '1e3'],
    ['--comments', '99999999999999999999999']]) {
    const r = concerto(['dev', 'generate', opt, v]);
    assert.equal(r.status, 2, `${opt} ${v} is refused`);
    assert.match(r.stderr, new RegExp(`^concerto dev generate: ${opt} must be a whole number`), r.stderr);
  }
  const u = concerto(['dev', 'generate', '--frobnicate']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown option --frobnicate/);
  const v = concerto(['dev', 'scatter']);
  assert.equal(v.status, 2);
  assert.match(v.stderr, /unknown command scatter/);
  const b = concerto(['dev', 'generate', '--accounts', '10', '--consultations', '1', '--ballots', '11']);
  assert.equal(b.status, 2, `more ballots than accounts in the one consultation: ${b.stderr}`);
  assert.match(b.stderr, /--ballots 11 is more than one per account/);
  assert.equal(sql(`SELECT id FROM accounts WHERE email LIKE '%${DOMAIN}'`).length, 0, 'nothing left behind');
});

test('the same seed gives the same rows; a database with generated accounts is refused', () => {
  made = generate();
  const first = checksums(made);
  const again = concerto(ARGS);
  assert.equal(again.status, 1, 'a second run is refused');
  assert.match(again.stderr, /already holds 2000 generated accounts/);
  cleanup();
  made = generate();
  assert.deepEqual(checksums(made), first, 'every table the same');
});

test('the generated data is what the schema asks and the API shows', async () => {
  assert.ok(made.length === 4, 'the consultations of the last run');
  assert.deepEqual(made.map((c) => c.phase), ['published', 'voting', 'closed', 'gathering']);
  assert.ok(made.some((c) => c.method === 'ranked') && made.some((c) => c.method === 'approval'));
  assert.equal(made.reduce((n, c) => n + c.ballots, 0), 5000);
  assert.equal(made.reduce((n, c) => n + c.comments, 0), 3000);

  const list = await anon().get(`${CONSULTATIONS}?limit=50`);
  assert.equal(list.status, 200);
  const listed = list.json.consultations.map((c) => c.id);
  for (const c of made) assert.ok(listed.includes(c.id), `consultation ${c.id} is listed`);

  const pub = made.find((c) => c.phase === 'published');
  const res = await anon().get(resultsPath(pub.id));
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json.ballots, pub.ballots);
  assert.equal(res.json.participants, pub.ballots, 'a participant per ballot');

  for (const c of made.filter((x) => x.ballots > 0)) {
    const r = concerto(['results', 'recount', String(c.id)]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^recount ${c.id}: ${c.ballots} ballots, 0 differences$`, 'm'));
  }

  const busy = made.filter((c) => c.comments > 0).sort((x, y) => y.comments - x.comments)[0];
  const page = await anon().get(`${commentsPath(busy.id)}?limit=50`);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  assert.ok(page.json.comments.length > 0, 'threads');
  assert.ok(page.json.comments.every((x) => x.parent_id === null), 'a page lists threads');
  assert.ok(page.json.comments.some((x) => x.replies.length > 0), 'with their replies');

  const ids = made.map((c) => c.id).join(',');
  const [shape] = sql(`SELECT max(depth) AS depth, comment_depth_max() AS cap,
      count(*) FILTER (WHERE depth > comment_depth_max()) AS too_deep,
      count(*) FILTER (WHERE path[cardinality(path)] <> id OR cardinality(path) <> depth + 1) AS bad_path,
      count(*) FILTER (WHERE parent_id IS NOT NULL AND parent_id <> path[cardinality(path) - 1]) AS bad_parent,
      count(*) FILTER (WHERE parent_id IS NOT NULL AND (SELECT p.consultation_id FROM comments p WHERE p.id = c.parent_id) <> c.consultation_id) AS elsewhere,
      count(*) FILTER (WHERE body IS NOT NULL AND fingerprint <> text_fingerprint(body)) AS bad_fingerprint,
      count(*) FILTER (WHERE distress_in(body)) AS distress,
      count(*) FILTER (WHERE up <> (SELECT count(*) FROM comment_votes v WHERE v.comment_id = c.id AND v.value = 1)
        OR down <> (SELECT count(*) FROM comment_votes v WHERE v.comment_id = c.id AND v.value = -1)) AS bad_votes,
      count(*) FILTER (WHERE status = 'published')::float / count(*) AS published,
      count(*) FILTER (WHERE parent_id IS NULL) AS threads
    FROM comments c WHERE consultation_id IN (${ids})`);
  assert.equal(shape.depth, shape.cap, 'some threads run down to the depth cap');
  for (const k of ['too_deep', 'bad_path', 'bad_parent', 'elsewhere', 'bad_fingerprint', 'distress', 'bad_votes']) {
    assert.equal(shape[k], 0, k);
  }
  assert.ok(shape.published > 0.8 && shape.published < 0.99, `mostly published: ${shape.published}`);
  const [people] = sql(`SELECT count(*) FILTER (WHERE pseudonym_skeleton IS NULL) AS unkeyed,
      count(DISTINCT pseudonym_skeleton) AS keys, count(*) AS n,
      count(*) FILTER (WHERE profile IN ('patient', 'carer') AND health_consent_at IS NULL) AS no_consent
    FROM accounts WHERE email LIKE '%${DOMAIN}'`);
  assert.deepEqual(people, { unkeyed: 0, keys: 2000, n: 2000, no_consent: 0 });
  const [cells] = sql(`SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM participations p
      WHERE p.consultation_id = b.consultation_id AND p.account_id = b.account_id AND p.stratum = b.stratum
      AND p.profile = b.profile AND p.interests = b.interests)) AS without_cell,
      count(*) FILTER (WHERE b.stratum = '75')::float / nullif(count(*) FILTER (WHERE b.stratum ~ '^[0-9]{2}$'), 0) AS paris
    FROM ballots b JOIN consultations c ON c.id = b.consultation_id
    WHERE c.id IN (${ids}) AND c.weighting = 'idf-departements'`);
  assert.equal(cells.without_cell, 0, 'each ballot has its participation cell');
  assert.ok(cells.paris > 0.25, `Paris over-represented among IDF ballots: ${cells.paris}`);
});
