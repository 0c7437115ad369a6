// SPDX-License-Identifier: AGPL-3.0-or-later
// Round trips between a worker and PostgreSQL, counted by PostgreSQL
// itself (pg_stat_statements, which the stack loads): a contribution is one
// statement of its own SQL function after the session's lookup, whether it
// is a participant's first (their cell is fixed then) and whether it comes
// with an Idempotency-Key (claimed and answered in the same statement).
//
// The counts are of the application role's statements between a reset and
// the answer; each names what ran, so a regression says which statement
// came back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { submissionsPath } from './lib/paths.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { admin, participant } from './lib/accounts.mjs';
import { newConsultation, putBallot, votingConsultation } from './lib/consultations.mjs';
import { comment } from './lib/comments.mjs';

// The statements concerto_app sent since the last reset, most called first.
function appStatements() {
  return sql(`SELECT s.calls::int AS calls, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 120) AS query
    FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
    JOIN pg_database d ON d.oid = s.dbid
    WHERE r.rolname = 'concerto_app' AND d.datname = current_database()
    ORDER BY s.calls DESC, s.query`);
}

// Runs fn with the counters reset before it; returns { n, list }.
async function counted(fn) {
  sqlExec('SELECT pg_stat_statements_reset()');
  assert.deepEqual(appStatements(), [], 'the counters start from nothing');
  await fn();
  const list = appStatements();
  return { n: list.reduce((s, x) => s + x.calls, 0), list };
}

const show = (list) => list.map((x) => `${x.calls} × ${x.query}`).join('\n');

test('a first ballot with an Idempotency-Key costs at most four round trips, its replay too', async (t) => {
  const { c, ids } = await votingConsultation({ method: 'approval', k: 2, priorities: 3, weighting: 'idf-departements' });
  const p = await participant({ postcode: '93200' });
  const key = `first-${p.id}`;
  let first;
  const cast = await counted(async () => {
    first = await putBallot(p, c.id, [ids[0], ids[1]], { 'idempotency-key': key });
  });
  assert.equal(first.status, 200, `the ballot is cast: ${first.text}`);
  t.diagnostic(`a first ballot with a key: ${cast.n} statements`);
  assert.ok(cast.n <= 4, `a first ballot: ${cast.n} statements\n${show(cast.list)}`);
  assert.ok(cast.list.some((x) => /ballot_put/.test(x.query)), `ballot_put ran:\n${show(cast.list)}`);
  const cell = sql('SELECT stratum, stratum_source FROM participations WHERE consultation_id = :c AND account_id = :a',
    { c: c.id, a: p.id });
  assert.deepEqual(cell, [{ stratum: '93', stratum_source: 'declared' }], 'the cell was fixed in the same statement');

  let again;
  const replay = await counted(async () => {
    again = await putBallot(p, c.id, [ids[0], ids[1]], { 'idempotency-key': key });
  });
  assert.equal(again.status, 200);
  assert.equal(again.text, first.text, 'the replay answers the same bytes');
  t.diagnostic(`its replay: ${replay.n} statements`);
  assert.ok(replay.n <= 4, `a replay: ${replay.n} statements\n${show(replay.list)}`);
});

test('a participant\'s first comment and first question cost at most four round trips each', async (t) => {
  const { c } = await votingConsultation({ priorities: 1 });
  const p = await participant();
  const post = await counted(() => comment(p, c.id, { body: 'Un premier commentaire, compté.' }));
  t.diagnostic(`a first comment: ${post.n} statements`);
  assert.ok(post.n <= 4, `a first comment: ${post.n} statements\n${show(post.list)}`);
  assert.ok(post.list.some((x) => /comment_post/.test(x.query)), `comment_post ran:\n${show(post.list)}`);

  const g = await newConsultation(await admin(), {}, { phase: 'gathering' });
  const q = await participant();
  let sent;
  const ask = await counted(async () => {
    sent = await q.client.post(submissionsPath(g.id), { text: 'Comment mieux dormir pendant une chimiothérapie ?' });
  });
  assert.equal(sent.status, 201, `the question is sent: ${sent.text}`);
  t.diagnostic(`a first question: ${ask.n} statements`);
  assert.ok(ask.n <= 4, `a first question: ${ask.n} statements\n${show(ask.list)}`);
  assert.ok(ask.list.some((x) => /submission_post/.test(x.query)), `submission_post ran:\n${show(ask.list)}`);
});
