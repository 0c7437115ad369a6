// SPDX-License-Identifier: AGPL-3.0-or-later
// Ballots (issue 4): verified participants put, replace and delete one
// ballot per consultation while it is voting; every rule broken is refused
// with a code and leaves the previous ballot as it was; Idempotency-Key
// makes a retried PUT safe; concurrent PUTs by one participant and first
// ballots of many participants at once all succeed with exact tallies; a
// random workload of a few thousand changes leaves tallies equal to the
// recount; moderators enter assisted ballots, counted and marked as such.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ballotPath, consultationPath } from './lib/paths.mjs';
import { DAY, HOUR, MINUTE, at, pool, rng, suffix } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { TIME_RE, assertError, ok, show } from './lib/assert.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { admin, moderator, participant, participants } from './lib/accounts.mjs';
import {
  adminResults, assertChoices, assertRecountClean, assertTallies, assisted, ballotRows, byId, choiceKey, deleteBallot,
  getBallot, newConsultation, newPriority, putBallot, recount, vote, votingConsultation,
} from './lib/consultations.mjs';

const BALLOT_KEYS = ['consultation_id', 'method', 'choices', 'created_at', 'updated_at'].sort();
const ASSISTED_KEYS = ['id', 'consultation_id', 'assisted', 'profile', 'choices', 'created_at'].sort();

// The participants of this file: made once, at first use.
let crowdP;
const crowd = () => (crowdP ||= participants(100));
const few = async (n) => (await crowd()).slice(100 - n);

// ------------------------------------------------------------------ basics

test('a participant puts, reads, replaces and deletes an approval ballot', async () => {
  const { c, ids } = await votingConsultation({ method: 'approval', k: 2, priorities: 3 });
  const [p, q] = await few(2);
  assertError(await getBallot(p, c.id), 404, 'no_ballot');

  const r = await putBallot(p, c.id, [ids[1], ids[0]]);
  const b = ok(r, 200, 'first PUT');
  assert.deepEqual(Object.keys(b).sort(), BALLOT_KEYS, `the ballot fields: ${show(r)}`);
  assert.equal(b.consultation_id, c.id);
  assert.equal(b.method, 'approval');
  assertChoices(b, [ids[0], ids[1]]);
  assert.match(b.created_at, TIME_RE);
  assert.match(b.updated_at, TIME_RE);
  assert.deepEqual(ok(await getBallot(p, c.id), 200, 'GET'), b, 'GET shows what PUT answered');
  assertError(await getBallot(q, c.id), 404, 'no_ballot');
  let res = await adminResults(c.id);
  assertTallies(res, [[ids[0], ids[1]]], ids, 2);

  // Replacement.
  const b2 = await vote(p, c.id, [ids[2]]);
  assert.ok(Date.parse(b2.updated_at) >= Date.parse(b.updated_at), 'updated_at moves forward');
  assertChoices(ok(await getBallot(p, c.id), 200), [ids[2]], 'the replaced ballot');
  res = await adminResults(c.id);
  assertTallies(res, [[ids[2]]], ids, 2, 'after replacement: ');

  // Deletion.
  const d = await deleteBallot(p, c.id);
  assert.equal(d.status, 204, `DELETE: ${show(d)}`);
  assert.equal(d.text, '', 'no body');
  assertError(await getBallot(p, c.id), 404, 'no_ballot');
  assertError(await deleteBallot(p, c.id), 404, 'no_ballot');
  res = await adminResults(c.id);
  assertTallies(res, [], ids, 2, 'after deletion: ');
  await vote(p, c.id, [ids[0]]);
  await vote(q, c.id, [ids[0], ids[2]]);
  assertTallies(await adminResults(c.id), [[ids[0]], [ids[0], ids[2]]], ids, 2, 'two ballots: ');
  assertRecountClean(c.id, 2);
});

test('a ranked ballot keeps its order; Borda points and firsts follow replacements', async () => {
  const { c, ids } = await votingConsultation({ method: 'ranked', k: 3, priorities: 4 });
  const [p, q] = await few(2);
  const b = await vote(p, c.id, [ids[2], ids[0], ids[3]]);
  assert.equal(b.method, 'ranked');
  assert.deepEqual(b.choices, [ids[2], ids[0], ids[3]], 'rank order kept');
  let res = await adminResults(c.id);
  let got = byId(res);
  assert.equal(got[ids[2]].points, 3, 'first of K=3: 3 points');
  assert.equal(got[ids[0]].points, 2);
  assert.equal(got[ids[3]].points, 1);
  assert.equal(got[ids[1]].points, 0);
  assert.equal(got[ids[2]].firsts, 1);
  await vote(q, c.id, [ids[0]]);
  await vote(p, c.id, [ids[3], ids[2]]);
  res = await adminResults(c.id);
  assertTallies(res, [[ids[3], ids[2]], [ids[0]]], ids, 3, 'ranked: ');
  got = byId(res);
  assert.equal(got[ids[0]].points, 3, 'a single rank still gets K points');
  assertError(await putBallot(q, c.id, [ids[0], ids[1], ids[2], ids[3]]), 422, 'too_many_choices', 'choices');
  assertRecountClean(c.id, 2);
});

test('every refused PUT leaves the previous ballot as it was', async () => {
  const { c, ids, answered } = await votingConsultation({ method: 'approval', k: 2, priorities: 3, answered: 1 });
  const { ids: otherIds } = await votingConsultation({ method: 'approval', k: 2, priorities: 1 });
  const [p] = await few(1);
  await vote(p, c.id, [ids[0], ids[1]]);
  const before = ok(await getBallot(p, c.id), 200);
  const many = Array.from({ length: 51 }, (_, i) => ids[0] + 100000 + i);
  const cases = [
    ['more than K', { choices: [ids[0], ids[1], ids[2]] }, 422, 'too_many_choices', 'choices'],
    ['a duplicate id', { choices: [ids[2], ids[2]] }, 400, 'invalid_field', 'choices'],
    ['an id of another consultation', { choices: [ids[2], otherIds[0]] }, 422, 'unknown_priority'],
    ['an id of no priority', { choices: [2147483000] }, 422, 'unknown_priority'],
    ['an answered priority', { choices: [ids[2], answered[0]] }, 422, 'priority_not_in_vote'],
    ['no choice', { choices: [] }, 400, 'invalid_field', 'choices'],
    ['zero', { choices: [0] }, 400, 'invalid_field', 'choices'],
    ['a negative id', { choices: [-ids[2]] }, 400, 'invalid_field', 'choices'],
    ['a string id', { choices: [String(ids[2])] }, 400, 'invalid_field', 'choices'],
    ['a fraction', { choices: [ids[2] + 0.5] }, 400, 'invalid_field', 'choices'],
    ['not an array', { choices: ids[2] }, 400, 'invalid_field', 'choices'],
    ['null', { choices: null }, 400, 'invalid_field', 'choices'],
    ['51 ids', { choices: many }, 400, 'invalid_field', 'choices'],
    ['no choices field', {}, 400, 'missing_field', 'choices'],
    ['an unknown field', { choices: [ids[2]], weight: 2 }, 400, 'unknown_field', 'weight'],
  ];
  for (const [what, body, status, code, field] of cases) {
    const r = await p.client.send('PUT', ballotPath(c.id), body);
    assert.equal(r.status, status, `${what}: expected ${status} ${code}, got ${show(r)}`);
    assertError(r, status, code, field);
    assert.deepEqual(ok(await getBallot(p, c.id), 200, what), before, `${what}: the ballot is unchanged`);
  }
  assertError(await p.client.send('PUT', ballotPath(c.id), { choices: [ids[2]] }, { csrf: false }), 403, 'csrf_failed');
  assertError(await p.client.send('PUT', ballotPath(c.id), undefined, { raw: '{"choices":[' }), 400, 'invalid_json');
  assert.deepEqual(ok(await getBallot(p, c.id), 200), before, 'unchanged after every refusal');
  assertTallies(await adminResults(c.id), [[ids[0], ids[1]]], ids, 2, 'tallies unchanged: ');
  assertRecountClean(c.id, 1);
});

test('ballots only while voting: 409 not_voting before the vote, after closing and once published', async () => {
  const a = await admin();
  const [p] = await few(1);
  // Gathering, vote not open yet.
  const g = await newConsultation(a, {}, { phase: 'gathering' });
  const gp = await newPriority(a, g.id);
  assertError(await putBallot(p, g.id, [gp.id]), 409, 'not_voting');
  assertError(await getBallot(p, g.id), 404, 'no_ballot');

  // Closed by its date.
  const { c, ids } = await votingConsultation({ priorities: 3, voting_at: at(-2 * HOUR) });
  await vote(p, c.id, [ids[0]]);
  const before = ok(await getBallot(p, c.id), 200);
  const cl = ok(await a.client.patch(consultationPath(c.id), { closes_at: at(-MINUTE) }), 200, 'close by date');
  assert.equal(cl.phase, 'closed');
  assertError(await putBallot(p, c.id, [ids[1]]), 409, 'not_voting');
  assertError(await deleteBallot(p, c.id), 409, 'not_voting');
  assert.deepEqual(ok(await getBallot(p, c.id), 200, 'GET after closing'), before, 'the ballot stays as cast');
  const [q] = await few(2);
  assertError(await putBallot(q, c.id, [ids[1]]), 409, 'not_voting');
  assertTallies(await adminResults(c.id), [[ids[0]]], ids, 3, 'closed: ');

  // Closed by an admin, then published.
  const v = await votingConsultation({ priorities: 2 });
  await vote(p, v.c.id, [v.ids[1]]);
  ok(await a.client.patch(consultationPath(v.c.id), { phase: 'closed' }), 200);
  assertError(await putBallot(p, v.c.id, [v.ids[0]]), 409, 'not_voting');
  ok(await a.client.patch(consultationPath(v.c.id), { phase: 'published' }), 200);
  assertError(await putBallot(p, v.c.id, [v.ids[0]]), 409, 'not_voting');
  assertError(await deleteBallot(p, v.c.id), 409, 'not_voting');
  assertChoices(ok(await getBallot(p, v.c.id), 200), [v.ids[1]], 'the published ballot');
  assertRecountClean(v.c.id, 1);

  // A draft is invisible to participants: 404, whatever its dates.
  const d = await newConsultation(a, { voting_at: at(-HOUR), closes_at: at(DAY) });
  const dp = await newPriority(a, d.id);
  assertError(await putBallot(p, d.id, [dp.id]), 404, 'not_found');
  assertError(await deleteBallot(p, d.id), 404, 'not_found');
  // Reading a ballot there answers as for a consultation that does not exist.
  const g1 = await getBallot(p, d.id);
  const g2 = await getBallot(p, 2147483000);
  assert.equal(g1.status, 404, `GET ballot of a draft: ${show(g1)}`);
  assert.deepEqual([g1.status, g1.json?.error?.code], [g2.status, g2.json?.error?.code],
    `a draft is indistinguishable from no consultation: ${show(g1)} / ${show(g2)}`);
});

test('only verified participants vote: anonymous 401, unverified 403 email_not_verified', async () => {
  const { c, ids } = await votingConsultation({ priorities: 2 });
  const u = await participant({ verified: false });
  const x = anon();
  assertError(await x.send('PUT', ballotPath(c.id), { choices: [ids[0]] }), 401, 'authentication_required');
  assertError(await x.get(ballotPath(c.id)), 401, 'authentication_required');
  assertError(await x.delete(ballotPath(c.id)), 401, 'authentication_required');
  assertError(await putBallot(u, c.id, [ids[0]]), 403, 'email_not_verified');
  assertError(await deleteBallot(u, c.id), 403, 'email_not_verified');
  assertError(await getBallot(u, c.id), 404, 'no_ballot');
  const [p] = await few(1);
  assertError(await putBallot(p, 2147483000, [ids[0]]), 404, 'not_found');
  assert.equal((await adminResults(c.id)).ballots, 0, 'no ballot counted');
  assert.equal(ballotRows(c.id).length, 0, 'no ballot stored');
});

// ------------------------------------------------------------ idempotency

test('Idempotency-Key: a retry answers the same without applying again; another body 422; a bad key 400', async () => {
  const { c, ids } = await votingConsultation({ method: 'approval', k: 2, priorities: 4 });
  const [p, q] = await few(2);
  const key = `ballot-${suffix()}`;
  const first = await putBallot(p, c.id, [ids[0], ids[1]], { 'idempotency-key': key });
  ok(first, 200, 'keyed PUT');
  await vote(p, c.id, [ids[2]]);
  const retry = await putBallot(p, c.id, [ids[0], ids[1]], { 'idempotency-key': key });
  assert.equal(retry.status, first.status, `the retry answers the same status: ${show(retry)}`);
  assert.equal(retry.text, first.text, 'the retry answers the same body');
  assertChoices(ok(await getBallot(p, c.id), 200), [ids[2]], 'the retry did not apply again: the ballot');
  assertTallies(await adminResults(c.id), [[ids[2]]], ids, 2, 'after the retry: ');

  assertError(await putBallot(p, c.id, [ids[3]], { 'idempotency-key': key }), 422, 'idempotency_key_reused');
  assertChoices(ok(await getBallot(p, c.id), 200), [ids[2]], 'after a reused key');

  for (const bad of ['two words', 'k'.repeat(129), 'clé-accentuée']) {
    const r = await putBallot(p, c.id, [ids[3]], { 'idempotency-key': bad });
    assertError(r, 400, 'invalid_idempotency_key');
  }
  assertChoices(ok(await getBallot(p, c.id), 200), [ids[2]], 'after bad keys');
  const long = `${'k'.repeat(120)}${suffix().slice(0, 8)}`;
  assert.equal(long.length, 128);
  ok(await putBallot(p, c.id, [ids[3]], { 'idempotency-key': long }), 200, 'a key of 128 characters');
  ok(await putBallot(p, c.id, [ids[1]], { 'idempotency-key': '!#$%&()*+,-./:;<=>?@[]^_`{|}~' }), 200, 'visible punctuation');

  // A key belongs to its account: another participant's PUT with the same key applies.
  const other = await putBallot(q, c.id, [ids[0], ids[1]], { 'idempotency-key': key });
  ok(other, 200, 'the same key by another participant');
  assertChoices(ok(await getBallot(q, c.id), 200), [ids[0], ids[1]], 'the other participant\u2019s ballot');

  // After a DELETE, the retry still does not apply.
  assert.equal((await deleteBallot(p, c.id)).status, 204);
  const late = await putBallot(p, c.id, [ids[0], ids[1]], { 'idempotency-key': key });
  assert.equal(late.status, first.status);
  assert.equal(late.text, first.text, 'the same answer again');
  assertError(await getBallot(p, c.id), 404, 'no_ballot');
  assertTallies(await adminResults(c.id), [[ids[0], ids[1]]], ids, 2, 'at the end: ');
  assertRecountClean(c.id, 1);
});

// ------------------------------------------------------------ concurrency

test('20 concurrent PUTs by one participant: all 200, the ballot is one of them, tallies exact', async () => {
  const [p] = await few(1);
  for (const method of ['approval', 'ranked']) {
    const { c, ids } = await votingConsultation({ method, k: 3, priorities: 8 });
    const r = rng();
    const sets = [];
    const seen = new Set();
    while (sets.length < 20) {
      const s = r.shuffle(ids).slice(0, 1 + r.int(3));
      const k = JSON.stringify(choiceKey(method, s));
      if (!seen.has(k)) { seen.add(k); sets.push(s); }
    }
    const answers = await Promise.all(sets.map((s) => putBallot(p, c.id, s)));
    const failed = answers.filter((x) => x.status !== 200);
    assert.deepEqual(failed.map(show), [], `${method}: every concurrent PUT is accepted`);
    const final = ok(await getBallot(p, c.id), 200, 'GET');
    const key = JSON.stringify(choiceKey(method, final.choices));
    assert.ok(seen.has(key), `${method}: the ballot is one of those sent: ${JSON.stringify(final)}`);
    const res = await adminResults(c.id);
    assertTallies(res, [final.choices], ids, 3, `${method} (seed ${r.seed}): `);
    assertRecountClean(c.id, 1);
  }
});

// A ballot appends its move to tally_log; every 64th move folds the log
// into the tallies (sql/018).  The results count both halves.
test('ballots count in the results before and after their moves are folded into the tallies', async () => {
  const people = await few(5);
  const { c, ids } = await votingConsultation({ method: 'ranked', k: 3, priorities: 5 });
  const cast = [[ids[0], ids[1], ids[2]], [ids[1]], [ids[2], ids[0]], [ids[3], ids[4], ids[0]], [ids[4]]];
  const moves = () => Number(sql('SELECT count(*) AS n FROM tally_log WHERE consultation_id = :c', { c: c.id })[0].n);
  // The next moves are the 2nd to the 7th: none folds the log.
  sqlExec("SELECT tally_fold(), setval('tally_log_moves', 1)");
  await Promise.all(people.map((p, i) => vote(p, c.id, cast[i])));
  const last = [ids[4], ids[3]];
  ok(await putBallot(people[4], c.id, last), 200, 'replacement');
  const want = [...cast.slice(0, 4), last];
  const pending = moves();
  assert.equal(pending, 6, 'the five ballots and the replacement wait in tally_log');
  assertTallies(await adminResults(c.id), want, ids, 3, 'with moves pending: ');
  const folded = Number(sql('SELECT tally_fold() AS n')[0].n);
  assert.ok(folded >= pending, `tally_fold() folds every move waiting (${folded} of at least ${pending})`);
  assert.equal(moves(), 0, 'the log is empty after the fold');
  assertTallies(await adminResults(c.id), want, ids, 3, 'folded: ');
  assertRecountClean(c.id, 5);
});

test('100 participants cast their first ballot at the same moment: all accepted, 100 counted', async () => {
  const people = await crowd();
  assert.equal(people.length, 100);
  const { c, ids } = await votingConsultation({ method: 'ranked', k: 3, priorities: 5 });
  const r = rng();
  const ballots = people.map(() => r.shuffle(ids).slice(0, 1 + r.int(3)));
  const answers = await Promise.all(people.map((p, i) => putBallot(p, c.id, ballots[i])));
  const failed = answers.map((x, i) => [i, x]).filter(([, x]) => x.status !== 200);
  assert.deepEqual(failed.map(([i, x]) => `#${i}: ${show(x)}`), [], 'no first ballot is refused');
  answers.forEach((x, i) => assertChoices(x.json, ballots[i], `ballot #${i}`));
  const res = await adminResults(c.id);
  assert.equal(res.ballots, 100, '100 ballots counted');
  assertTallies(res, ballots, ids, 3, `seed ${r.seed}: `);
  assert.equal(ballotRows(c.id).length, 100, '100 rows in ballots');
  assertRecountClean(c.id, 100);
});

test('a random workload of a few thousand ballot changes leaves the tallies equal to the recount', async () => {
  const people = (await crowd()).slice(0, 50);
  const [rk, ap] = await Promise.all([
    votingConsultation({ method: 'ranked', k: 3, priorities: 6, answered: 1 }),
    votingConsultation({ method: 'approval', k: 3, priorities: 6, answered: 1 }),
  ]);
  const cons = [rk, ap];
  const model = cons.map(() => new Map());
  const r = rng();
  const seed = r.seed;
  const OPS = 2400;
  const WORKERS = 8;
  const errors = [];
  const counts = { put: 0, keyed: 0, del: 0, refused: 0, get: 0 };
  const started = Date.now();

  // Worker w owns participants i with i % WORKERS == w: a participant's
  // changes are sequential, so the model knows every ballot exactly.
  await pool(Array.from({ length: WORKERS }, (_, w) => w), WORKERS, async (w) => {
    const mine = people.map((p, i) => [p, i]).filter(([, i]) => i % WORKERS === w);
    const g = rng((seed + w * 7919) >>> 0);
    for (let n = 0; n < OPS / WORKERS && errors.length < 5; n++) {
      const [p, pi] = g.pick(mine);
      const ci = g.int(2);
      const { c, ids, answered } = cons[ci];
      const m = model[ci];
      const roll = g.next();
      const choices = g.shuffle(ids).slice(0, 1 + g.int(3));
      const where = `op ${n} of worker ${w}, participant ${pi}, consultation ${c.id}`;
      if (roll < 0.55) {
        const x = await putBallot(p, c.id, choices);
        if (x.status !== 200) errors.push(`${where}: PUT ${JSON.stringify(choices)}: ${show(x)}`);
        else m.set(pi, choices);
        counts.put++;
      } else if (roll < 0.65) {
        const x = await putBallot(p, c.id, choices, { 'idempotency-key': `w${w}-${n}-${suffix()}` });
        if (x.status !== 200) errors.push(`${where}: keyed PUT: ${show(x)}`);
        else m.set(pi, choices);
        counts.keyed++;
      } else if (roll < 0.80) {
        const x = await deleteBallot(p, c.id);
        const want = m.has(pi) ? 204 : 404;
        if (x.status !== want) errors.push(`${where}: DELETE: expected ${want}, got ${show(x)}`);
        m.delete(pi);
        counts.del++;
      } else if (roll < 0.95) {
        const kind = g.int(3);
        const bad = kind === 0 ? g.shuffle(ids).slice(0, 4) : kind === 1 ? [ids[0], answered[0]] : [ids[1], ids[1]];
        const want = kind === 0 ? 422 : kind === 1 ? 422 : 400;
        const x = await putBallot(p, c.id, bad);
        if (x.status !== want) errors.push(`${where}: refused PUT ${JSON.stringify(bad)}: expected ${want}, got ${show(x)}`);
        counts.refused++;
      } else {
        const x = await getBallot(p, c.id);
        if (m.has(pi)) {
          if (x.status !== 200 || JSON.stringify(choiceKey(x.json.method, x.json.choices)) !== JSON.stringify(choiceKey(x.json.method, m.get(pi)))) {
            errors.push(`${where}: GET: expected ${JSON.stringify(m.get(pi))}, got ${show(x)}`);
          }
        } else if (x.status !== 404) errors.push(`${where}: GET: expected 404, got ${show(x)}`);
        counts.get++;
      }
    }
  });
  const secs = (Date.now() - started) / 1000;
  assert.deepEqual(errors, [], `seed ${seed}: every change answered as expected`);
  const total = Object.values(counts).reduce((s, v) => s + v, 0);
  assert.equal(total, OPS, `${OPS} operations: ${JSON.stringify(counts)}`);

  for (let ci = 0; ci < 2; ci++) {
    const { c, ids } = cons[ci];
    const want = [...model[ci].values()];
    const res = await adminResults(c.id);
    assertTallies(res, want, ids, 3, `${c.method} (seed ${seed}, ${total} operations in ${secs} s): `);
    assertRecountClean(c.id, want.length);
    // Every participant's ballot is the model's.
    const got = await Promise.all(people.map((p) => getBallot(p, c.id)));
    got.forEach((x, pi) => {
      if (model[ci].has(pi)) assertChoices(ok(x, 200, `participant ${pi}`), model[ci].get(pi), `participant ${pi}'s ballot`);
      else assertError(x, 404, 'no_ballot');
    });
  }
});

// -------------------------------------------------------------- assisted

test('moderators enter assisted ballots: 201, counted as assisted, marked with the facilitator in the data', async () => {
  const [m, a] = await Promise.all([moderator(), admin()]);
  const { c, ids, answered } = await votingConsultation({ method: 'approval', k: 2, priorities: 3, answered: 1 });
  const [p] = await few(1);
  const body = {
    profile: 'patient', postcode: '13001', interests_declared: false,
    choices: [ids[0], ids[1]], note: 'Bulletin papier reçu à l\u2019hôpital de jour',
  };
  const r = await assisted(m, c.id, body);
  const x = ok(r, 201, 'assisted ballot');
  assert.deepEqual(Object.keys(x).sort(), ASSISTED_KEYS, `the assisted ballot fields: ${show(r)}`);
  assert.ok(Number.isInteger(x.id));
  assert.equal(x.consultation_id, c.id);
  assert.equal(x.assisted, true);
  assert.equal(x.profile, 'patient');
  assert.deepEqual(choiceKey('approval', x.choices), choiceKey('approval', body.choices));
  assert.match(x.created_at, TIME_RE);
  await vote(p, c.id, [ids[0]]);

  let res = await adminResults(c.id);
  assert.equal(res.ballots, 2, 'the assisted ballot counts like any ballot');
  assert.equal(res.assisted, 1, 'one assisted ballot');
  assert.equal(byId(res)[ids[0]].supporters, 2);
  assert.equal(byId(res)[ids[1]].supporters, 1);
  assert.equal(res.groups.patients_carers, 1, 'the patient profile given counts in its group');

  const rows = ballotRows(c.id);
  assert.equal(rows.length, 2, `two rows in ballots: ${JSON.stringify(rows)}`);
  const marked = rows.filter((row) => row.assisted_by !== null && row.assisted_by !== undefined);
  assert.equal(marked.length, 1, `one row marked as assisted: ${JSON.stringify(rows)}`);
  assert.equal(Number(marked[0].assisted_by), m.id, 'assisted_by is the facilitator\u2019s account');

  // Idempotency-Key.
  const key = `paper-${suffix()}`;
  const k1 = await assisted(m, c.id, { ...body, profile: 'citizen', choices: [ids[2]] }, { 'idempotency-key': key });
  ok(k1, 201, 'keyed assisted ballot');
  const k2 = await assisted(m, c.id, { ...body, profile: 'citizen', choices: [ids[2]] }, { 'idempotency-key': key });
  assert.equal(k2.status, 201, `the retry: ${show(k2)}`);
  assert.equal(k2.text, k1.text, 'the retry answers the same body (same id)');
  assertError(await assisted(m, c.id, { ...body, choices: [ids[1]] }, { 'idempotency-key': key }), 422, 'idempotency_key_reused');
  assertError(await assisted(m, c.id, body, { 'idempotency-key': 'no spaces allowed' }), 400, 'invalid_idempotency_key');
  res = await adminResults(c.id);
  assert.equal(res.assisted, 2, 'the retry was applied once');
  assert.equal(res.ballots, 3);
  // Two people may give the same answers: without a key, two ballots.
  ok(await assisted(a, c.id, { ...body, profile: 'researcher', choices: [ids[2]] }), 201, 'by an admin');
  ok(await assisted(a, c.id, { ...body, profile: 'researcher', choices: [ids[2]] }), 201, 'the same answers for another person');
  res = await adminResults(c.id);
  assert.equal(res.assisted, 4);
  assert.equal(byId(res)[ids[2]].supporters, 3);
  assert.equal(res.groups.professionals_researchers, 2);

  // Refusals.
  const bad = async (status, code, field, b) => assertError(await assisted(m, c.id, { ...body, ...b }), status, code, field);
  await bad(422, 'too_many_choices', 'choices', { choices: ids });
  await bad(422, 'priority_not_in_vote', undefined, { choices: [answered[0]] });
  await bad(422, 'unknown_priority', undefined, { choices: [2147483000] });
  await bad(400, 'invalid_field', 'choices', { choices: [ids[0], ids[0]] });
  await bad(400, 'invalid_field', 'profile', { profile: 'robot' });
  await bad(400, 'invalid_field', 'postcode', { postcode: 'ABCDE' });
  await bad(400, 'invalid_field', 'note', { note: 'x'.repeat(501) });
  await bad(400, 'invalid_field', 'interests_declared', { interests_declared: 'yes' });
  await bad(400, 'unknown_field', 'email', { email: 'x@example.org' });
  assertError(await m.client.post(`${consultationPath(c.id)}/assisted-ballots`, { choices: [ids[0]] }), 400, 'missing_field', 'profile');
  assertError(await m.client.post(`${consultationPath(c.id)}/assisted-ballots`, { profile: 'citizen' }), 400, 'missing_field', 'choices');
  assertError(await assisted(p, c.id, body), 403, 'forbidden');
  assertError(await anon().post(`${consultationPath(c.id)}/assisted-ballots`, body), 401, 'authentication_required');
  assertError(await m.client.post(`${consultationPath(c.id)}/assisted-ballots`, body, { csrf: false }), 403, 'csrf_failed');
  const g = await newConsultation(a, {}, { phase: 'gathering' });
  const gp = await newPriority(a, g.id);
  assertError(await assisted(m, g.id, { ...body, choices: [gp.id] }), 409, 'not_voting');
  res = await adminResults(c.id);
  assert.equal(res.assisted, 4, 'no refused assisted ballot counted');
  assert.equal(res.ballots, 5);

  const marks = sql('SELECT count(*)::int AS n FROM ballots WHERE consultation_id = :cid AND assisted_by = :m', { cid: c.id, m: m.id });
  assert.equal(marks[0].n, 2, 'the moderator\u2019s two assisted ballots carry their id');
  const marksA = sql('SELECT count(*)::int AS n FROM ballots WHERE consultation_id = :cid AND assisted_by = :a', { cid: c.id, a: a.id });
  assert.equal(marksA[0].n, 2, 'the admin\u2019s two carry theirs');
  assertRecountClean(c.id, 5);
});

// ---------------------------------------------------------------- recount

test('recount: an unknown consultation exits 1; wrong tallies are listed, exit 3, and repaired', async () => {
  const u = recount(2147483000);
  assert.equal(u.status, 1, `unknown consultation: exit 1: ${u.status}\n${u.stdout}\n${u.stderr}`);
  assert.ok(u.stderr.trim().length > 0, 'a message on stderr');

  const { c, ids } = await votingConsultation({ method: 'ranked', k: 2, priorities: 3 });
  const [p, q] = await few(2);
  await vote(p, c.id, [ids[0], ids[1]]);
  await vote(q, c.id, [ids[1]]);
  assertRecountClean(c.id, 2);
  const before = await adminResults(c.id);
  const n = corruptTallies(c.id, ids[0]);
  assert.ok(n > 0, 'a tally row was changed');
  const wrong = await adminResults(c.id);
  assert.notDeepEqual(byId(wrong)[ids[0]].points, byId(before)[ids[0]].points, 'the results read the tallies');
  const r = recount(c.id);
  assert.equal(r.status, 3, `wrong tallies: exit 3: ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.ok(!/\b0 differences/.test(r.stdout), `differences reported: ${r.stdout}`);
  assert.match(r.stdout, new RegExp(String(ids[0])), `the difference names the priority: ${r.stdout}`);
  assertRecountClean(c.id, 2);
  const after = await adminResults(c.id);
  assert.deepEqual(after.priorities, before.priorities, 'repaired');
});

// Adds 7 to the points of one priority's tally rows (table tally_items of
// sql/003_consultations.sql); returns the rows changed.
function corruptTallies(consultationId, priorityId) {
  const out = sqlExec(`WITH u AS (UPDATE tally_items SET points = points + 7
    WHERE consultation_id = ${Number(consultationId)} AND priority_id = ${Number(priorityId)} RETURNING 1)
    SELECT count(*) FROM u`);
  return Number(out.trim() || 0);
}
