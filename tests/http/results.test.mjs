// SPDX-License-Identifier: AGPL-3.0-or-later
// Results (issue 4): who may read them and when; approval counts and
// shares, Borda points, first preferences, ranks with ties, the Schulze
// order and the James Lind Alliance combination, each checked against small
// cases worked by hand below (including Condorcet cycles); the view without
// the ballots of participants who declared interests; the CSV export.
//
// Conventions of the contract used in the hand computations:
// - ranked, K ranks: rank r gets K - r + 1 points;
// - pairwise: a ballot prefers X to Y when it ranks X above Y, or ranks X
//   and not Y; two unranked priorities are not compared;
// - Schulze: links X->Y of strength d[X][Y] where d[X][Y] > d[Y][X];
//   schulze_rank = 1 + the number of priorities whose strongest path to it
//   is stronger than its strongest path back;
// - JLA: in each group with ballots, priorities ranked by that group's
//   points (ties take the average position), scored n - position + 1
//   (n = priorities in the vote), summed over groups.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvPath, resultsPath } from './lib/paths.mjs';
import { parseCsv } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { TIME_RE, assertError, ok, show } from './lib/assert.mjs';
import { admin, moderator, participants } from './lib/accounts.mjs';
import {
  assertRecountClean, assisted, newConsultation, publish, vote, votingConsultation,
} from './lib/consultations.mjs';

const RESULT_KEYS = ['consultation_id', 'method', 'phase', 'interests', 'ballots', 'participants', 'assisted', 'computed_at',
  'computation_us', 'priorities', 'schulze_order', 'groups', 'not_in_vote', 'weighting'].sort();
const PRIORITY_KEYS = ['id', 'title_fr', 'title_en', 'position', 'supporters', 'share', 'points', 'firsts', 'rank',
  'schulze_rank', 'jla_points', 'jla_rank', 'weighted_supporters', 'weighted_points', 'weighted_share',
  'margin_of_error'].sort();
const CSV_HEADER = 'rank,priority_id,title,supporters,share,points,firsts,schulze_rank,jla_rank,weighted_supporters,weighted_share,margin_of_error';

// The voters of this file, made once: ten citizens, two patients, a
// researcher, and three citizens who declared interests.
let votersP;
function voters() {
  votersP ||= (async () => {
    const people = await participants(16, (i) => {
      if (i < 10) return { profile: 'citizen' };
      if (i < 12) return { profile: 'patient' };
      if (i < 13) return { profile: 'researcher' };
      return { profile: 'citizen', interests_declared: true };
    });
    return {
      citizens: people.slice(0, 10), patients: people.slice(10, 12), researcher: people[12], interested: people.slice(13),
    };
  })();
  return votersP;
}

// Published results, read anonymously.
async function published(id, q = '') {
  const r = await anon().get(resultsPath(id, q));
  const res = ok(r, 200, `results of ${id}${q}`);
  assert.deepEqual(Object.keys(res).sort(), RESULT_KEYS, `the results fields: ${show(r)}`);
  for (const p of res.priorities) assert.deepEqual(Object.keys(p).sort(), PRIORITY_KEYS, `priority fields: ${JSON.stringify(p)}`);
  assert.equal(res.consultation_id, id);
  assert.match(res.computed_at, TIME_RE);
  assert.ok(Number.isInteger(res.computation_us) && res.computation_us >= 0, `computation_us: ${res.computation_us}`);
  return res;
}

const near = (a, b, eps = 5e-4) => typeof a === 'number' && Math.abs(a - b) <= eps;

// Asserts the priorities of results, in order, against rows of expected
// values (only the fields given are compared; share and jla_points within
// a small tolerance).
function assertRows(res, rows, what) {
  assert.deepEqual(res.priorities.map((p) => p.id), rows.map((r) => r.id),
    `${what}: priorities sorted by rank then position: ${JSON.stringify(res.priorities)}`);
  res.priorities.forEach((p, i) => {
    for (const [k, v] of Object.entries(rows[i])) {
      if ((k === 'share' || k === 'jla_points') && v !== null) {
        assert.ok(near(p[k], v), `${what}: ${k} of priority ${p.id} is ${v}, got ${p[k]}`);
      } else {
        assert.equal(p[k], v, `${what}: ${k} of priority ${p.id}`);
      }
    }
  });
}

const sortedGroups = (order) => order.map((g) => g.slice().sort((x, y) => x - y));

// A ranked consultation with priorities A, B, C... (positions 1..n).
async function ranked(n, k = 3, extra = {}) {
  return votingConsultation({ method: 'ranked', k, priorities: n, ...extra });
}

// ---------------------------------------------------------------- visibility

test('results are 403 results_not_published to all but admins until published, then public', async () => {
  const [a, m, v] = await Promise.all([admin(), moderator(), voters()]);
  const p = v.citizens[0];
  const { c, ids } = await votingConsultation({ priorities: 2 });
  await vote(p, c.id, [ids[0]]);
  for (const [who, client] of [['anonymous', anon()], ['participant', p.client], ['moderator', m.client]]) {
    assertError(await client.get(resultsPath(c.id)), 403, 'results_not_published');
    const csv = await client.get(csvPath(c.id));
    assert.equal(csv.status, 403, `${who}: the CSV is refused too: ${show(csv)}`);
  }
  const adm = ok(await a.client.get(resultsPath(c.id)), 200, 'admin while voting');
  assert.equal(adm.ballots, 1);
  assert.equal(adm.phase, 'voting');
  assert.equal((await a.client.get(csvPath(c.id))).status, 200, 'the admin reads the CSV while voting');

  ok(await a.client.patch(`/api/v1/consultations/${c.id}`, { phase: 'closed' }), 200, 'close');
  assertError(await p.client.get(resultsPath(c.id)), 403, 'results_not_published');
  assertError(await anon().get(resultsPath(c.id)), 403, 'results_not_published');

  await publish(a, c.id);
  const pub = await published(c.id);
  assert.equal(pub.phase, 'published');
  assert.equal(pub.ballots, 1);
  ok(await p.client.get(resultsPath(c.id)), 200, 'a participant once published');
  ok(await m.client.get(resultsPath(c.id)), 200, 'a moderator once published');
  assert.equal((await anon().get(csvPath(c.id))).status, 200, 'the CSV once published');

  const d = await newConsultation(a);
  assertError(await anon().get(resultsPath(d.id)), 404, 'not_found');
  assertError(await anon().get(resultsPath(2147483000)), 404, 'not_found');
  assertError(await anon().get(csvPath(2147483000)), 404, 'not_found');
  assertError(await anon().get(resultsPath(c.id, '?interests=maybe')), 400, 'invalid_field', 'interests');
});

// ------------------------------------------------------------------ approval

test('approval: supporters, shares, ranks with ties, groups, assisted, not_in_vote', async () => {
  const [m, v] = await Promise.all([moderator(), voters()]);
  const { c, ids, answered, admin: a } = await votingConsultation({ method: 'approval', k: 2, priorities: 5, answered: 1 });
  const [A, B, C, D, E] = ids;
  // v1 citizen [A,B]; v2 patient [A,C]; v3 researcher [A,B];
  // v4 assisted carer [B]; v5 assisted health professional [D].
  await vote(v.citizens[0], c.id, [A, B]);
  await vote(v.patients[0], c.id, [A, C]);
  await vote(v.researcher, c.id, [A, B]);
  ok(await assisted(m, c.id, { profile: 'carer', choices: [B] }), 201, 'assisted carer');
  ok(await assisted(m, c.id, { profile: 'health_professional', choices: [D] }), 201, 'assisted professional');
  await publish(a, c.id);
  const res = await published(c.id);
  assert.equal(res.method, 'approval');
  assert.equal(res.interests, 'include', 'interests default to include');
  assert.equal(res.ballots, 5);
  assert.equal(res.participants, 5, 'one ballot per participant (assisted people included)');
  assert.equal(res.assisted, 2);
  assert.deepEqual(res.groups, { patients_carers: 2, professionals_researchers: 2, citizens: 1 });
  assert.equal(res.schulze_order, null, 'no Schulze order for approval');
  // A 3/5, B 3/5, C 1/5, D 1/5, E 0: ranks 1, 1, 3, 3, 5.
  const nul = { points: null, firsts: null, schulze_rank: null, jla_points: null, jla_rank: null };
  assertRows(res, [
    { id: A, supporters: 3, share: 0.6, rank: 1, position: 1, ...nul },
    { id: B, supporters: 3, share: 0.6, rank: 1, position: 2, ...nul },
    { id: C, supporters: 1, share: 0.2, rank: 3, ...nul },
    { id: D, supporters: 1, share: 0.2, rank: 3, ...nul },
    { id: E, supporters: 0, share: 0, rank: 5, ...nul },
  ], 'approval');
  assert.equal(res.not_in_vote.length, 1, `the answered priority is listed apart: ${JSON.stringify(res.not_in_vote)}`);
  assert.equal(res.not_in_vote[0].id, answered[0]);
  assert.equal(res.not_in_vote[0].evidence_status, 'answered');
  assert.deepEqual(res.not_in_vote[0].evidence_links, ['https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD000000']);
  assert.ok(!res.priorities.some((p) => p.id === answered[0]), 'not among the priorities in the vote');
  assertRecountClean(c.id, 5);
});

test('no ballot: shares are 0 and everyone shares rank 1', async () => {
  const { c, ids, admin: a } = await votingConsultation({ method: 'ranked', k: 2, priorities: 2 });
  await publish(a, c.id);
  const res = await published(c.id);
  assert.equal(res.ballots, 0);
  assertRows(res, ids.map((id) => ({ id, supporters: 0, share: 0, points: 0, firsts: 0, rank: 1 })), 'empty');
});

// -------------------------------------------------------------- ranked, Borda

test('ranked: Borda points, firsts, ranks and a Schulze order that differs from Borda (worked by hand)', async () => {
  const v = await voters();
  const { c, ids: [A, B, C, D], admin: a } = await ranked(4, 3);
  // b1: A>B>C   A3 B2 C1
  // b2: B>A     B3 A2
  // b3: C>A>D   C3 A2 D1
  // b4: D>B>A   D3 B2 A1
  // Points A 8, B 7, C 4, D 4: ranks 1, 2, 3, 3. Firsts 1 each.
  // Supporters A 4, B 3, C 2, D 2.
  // Pairwise (X over Y / Y over X): A-B 2/2 (b1,b3 / b2,b4), A-C 3/1,
  // A-D 3/1, B-C 3/1, B-D 2/2 (b1,b2 / b3,b4), C-D 2/1.
  // Links: A->C 3, A->D 3, B->C 3, C->D 2. Strongest paths: A-B 0/0 (tie),
  // B->D 2 (via C) against 0, C->D 2 against 0.
  // Schulze ranks: A 1, B 1, C 3 (beaten by A, B), D 4; order [[A,B],[C],[D]].
  // JLA, citizens only (the other groups have no ballot and count for
  // nothing): positions A 1, B 2, C and D 3.5 -> scores 4, 3, 1.5, 1.5.
  const [x1, x2, x3, x4] = v.citizens;
  await vote(x1, c.id, [A, B, C]);
  await vote(x2, c.id, [B, A]);
  await vote(x3, c.id, [C, A, D]);
  await vote(x4, c.id, [D, B, A]);
  await publish(a, c.id);
  const res = await published(c.id);
  assert.equal(res.method, 'ranked');
  assert.equal(res.ballots, 4);
  assert.deepEqual(res.groups, { patients_carers: 0, professionals_researchers: 0, citizens: 4 });
  assertRows(res, [
    { id: A, supporters: 4, share: 1, points: 8, firsts: 1, rank: 1, schulze_rank: 1, jla_points: 4, jla_rank: 1 },
    { id: B, supporters: 3, share: 0.75, points: 7, firsts: 1, rank: 2, schulze_rank: 1, jla_points: 3, jla_rank: 2 },
    { id: C, supporters: 2, share: 0.5, points: 4, firsts: 1, rank: 3, schulze_rank: 3, jla_points: 1.5, jla_rank: 3 },
    { id: D, supporters: 2, share: 0.5, points: 4, firsts: 1, rank: 3, schulze_rank: 4, jla_points: 1.5, jla_rank: 3 },
  ], 'Borda and Schulze');
  assert.deepEqual(sortedGroups(res.schulze_order), sortedGroups([[A, B], [C], [D]]), `Schulze order: ${JSON.stringify(res.schulze_order)}`);
  assertRecountClean(c.id, 4);
});

test('a Condorcet cycle: Borda ties A and B, Schulze orders A, B, C (worked by hand)', async () => {
  const v = await voters();
  const { c, ids: [A, B, C], admin: a } = await ranked(3, 3);
  // 4 x A>B>C, 3 x B>C>A, 2 x C>A>B.
  // Pairwise: A over B 6/3, B over C 7/2, C over A 5/4: a cycle A>B>C>A.
  // Strongest paths: A->B 6, B->A 5 (B->C->A: min 7, 5); A->C 6 (A->B->C),
  // C->A 5; B->C 7, C->B 5 (C->A->B: min 5, 6).
  // Schulze: A beats B and C, B beats C: ranks 1, 2, 3.
  // Borda (K = 3): A 4*3 + 3*1 + 2*2 = 19, B 4*2 + 3*3 + 2*1 = 19,
  // C 4*1 + 3*2 + 2*3 = 16: ranks 1, 1, 3. Firsts 4, 3, 2.
  // JLA (citizens only): A and B at positions 1.5 -> 2.5 each, C 1.
  const cs = v.citizens.slice(0, 9);
  const ballots = [...Array(4).fill([A, B, C]), ...Array(3).fill([B, C, A]), ...Array(2).fill([C, A, B])];
  await Promise.all(cs.map((p, i) => vote(p, c.id, ballots[i])));
  await publish(a, c.id);
  const res = await published(c.id);
  assert.equal(res.ballots, 9);
  assertRows(res, [
    { id: A, supporters: 9, share: 1, points: 19, firsts: 4, rank: 1, schulze_rank: 1, jla_points: 2.5, jla_rank: 1 },
    { id: B, supporters: 9, share: 1, points: 19, firsts: 3, rank: 1, schulze_rank: 2, jla_points: 2.5, jla_rank: 1 },
    { id: C, supporters: 9, share: 1, points: 16, firsts: 2, rank: 3, schulze_rank: 3, jla_points: 1, jla_rank: 3 },
  ], 'Condorcet cycle');
  assert.deepEqual(res.schulze_order, [[A], [B], [C]], 'Schulze order');
  assertRecountClean(c.id, 9);
});

test('a perfect Condorcet cycle: Schulze ties all three, Borda too (worked by hand)', async () => {
  const v = await voters();
  const { c, ids: [A, B, C], admin: a } = await ranked(3, 3);
  // A>B>C, B>C>A, C>A>B: every pair 2/1 round the cycle, every strongest
  // path 2 both ways: no one beats anyone, all Schulze rank 1. Borda 6 each.
  const [x1, x2, x3] = v.citizens.slice(5);
  await vote(x1, c.id, [A, B, C]);
  await vote(x2, c.id, [B, C, A]);
  await vote(x3, c.id, [C, A, B]);
  await publish(a, c.id);
  const res = await published(c.id);
  assertRows(res, [
    { id: A, points: 6, firsts: 1, rank: 1, schulze_rank: 1, jla_rank: 1 },
    { id: B, points: 6, firsts: 1, rank: 1, schulze_rank: 1, jla_rank: 1 },
    { id: C, points: 6, firsts: 1, rank: 1, schulze_rank: 1, jla_rank: 1 },
  ], 'perfect cycle');
  assert.deepEqual(sortedGroups(res.schulze_order), [[A, B, C].sort((x, y) => x - y)], 'one group of three');
});

// --------------------------------------------------------------------- JLA

test('JLA: each group ranks by its own points and weighs the same, whatever its size (worked by hand)', async () => {
  const [m, v] = await Promise.all([moderator(), voters()]);
  const { c, ids: [A, B, C], answered, admin: a } = await ranked(3, 3, { answered: 1 });
  // Patients and carers (2): A>B>C, A>C>B        -> A 6, B 3, C 3
  //   positions A 1, B and C 2.5 -> scores A 3, B 1.5, C 1.5
  // Professionals and researchers (1): C>B>A      -> C 3, B 2, A 1
  // Citizens (3, one "other" assisted): B>C>A, B>C>A, B>A>C -> B 9, C 5, A 4
  //   -> scores B 3, C 2, A 1
  // n = 3 (the answered priority is not in the vote).
  // JLA points: A 3+1+1 = 5, B 1.5+2+3 = 6.5, C 1.5+3+2 = 6.5: ranks B 1, C 1, A 3.
  // Borda overall: A 11, B 14, C 11: ranks B 1, A 2, C 2. Firsts A 2, B 3, C 1.
  // Pairwise: B over A 4/2, B over C 4/2, A-C 3/3: Schulze B 1, A 2, C 2.
  await vote(v.patients[0], c.id, [A, B, C]);
  await vote(v.patients[1], c.id, [A, C, B]);
  await vote(v.researcher, c.id, [C, B, A]);
  await vote(v.citizens[0], c.id, [B, C, A]);
  await vote(v.citizens[1], c.id, [B, C, A]);
  ok(await assisted(m, c.id, { profile: 'other', choices: [B, A, C] }), 201, 'assisted "other"');
  await publish(a, c.id);
  const res = await published(c.id);
  assert.equal(res.ballots, 6);
  assert.equal(res.assisted, 1);
  assert.deepEqual(res.groups, { patients_carers: 2, professionals_researchers: 1, citizens: 3 }, '"other" counts with citizens');
  assertRows(res, [
    { id: B, supporters: 6, points: 14, firsts: 3, rank: 1, schulze_rank: 1, jla_points: 6.5, jla_rank: 1 },
    { id: A, supporters: 6, points: 11, firsts: 2, rank: 2, schulze_rank: 2, jla_points: 5, jla_rank: 3 },
    { id: C, supporters: 6, points: 11, firsts: 1, rank: 2, schulze_rank: 2, jla_points: 6.5, jla_rank: 1 },
  ], 'JLA');
  assert.deepEqual(sortedGroups(res.schulze_order), sortedGroups([[B], [A, C]]), 'Schulze order');
  assert.deepEqual(res.not_in_vote.map((x) => x.id), answered);
  assertRecountClean(c.id, 6);
});

// --------------------------------------------------------------- interests

test('interests=exclude leaves out the ballots of participants who declared interests', async () => {
  const [m, v] = await Promise.all([moderator(), voters()]);
  const { c, ids: [A, B, C], admin: a } = await votingConsultation({ method: 'approval', k: 2, priorities: 3 });
  // Without interests: [A], [A], [A,B], assisted [C].
  // With interests: [B], [B], assisted [B,C].
  // include: 7 ballots, A 3, B 4, C 2 -> B 1, A 2, C 3; 2 assisted.
  // exclude: 4 ballots, A 3, B 1, C 1 -> A 1, B 2, C 2; 1 assisted.
  await vote(v.citizens[2], c.id, [A]);
  await vote(v.citizens[3], c.id, [A]);
  await vote(v.citizens[4], c.id, [A, B]);
  ok(await assisted(m, c.id, { profile: 'citizen', interests_declared: false, choices: [C] }), 201);
  await vote(v.interested[0], c.id, [B]);
  await vote(v.interested[1], c.id, [B]);
  ok(await assisted(m, c.id, { profile: 'citizen', interests_declared: true, choices: [B, C] }), 201);
  await publish(a, c.id);

  const inc = await published(c.id, '?interests=include');
  assert.equal(inc.interests, 'include');
  assert.equal(inc.ballots, 7);
  assert.equal(inc.assisted, 2);
  assertRows(inc, [
    { id: B, supporters: 4, share: 4 / 7, rank: 1 },
    { id: A, supporters: 3, share: 3 / 7, rank: 2 },
    { id: C, supporters: 2, share: 2 / 7, rank: 3 },
  ], 'include');
  const dflt = await published(c.id);
  assert.deepEqual(dflt.priorities, inc.priorities, 'include is the default');

  const exc = await published(c.id, '?interests=exclude');
  assert.equal(exc.interests, 'exclude');
  assert.equal(exc.ballots, 4);
  assert.equal(exc.assisted, 1);
  assert.deepEqual(exc.groups, { patients_carers: 0, professionals_researchers: 0, citizens: 4 });
  assertRows(exc, [
    { id: A, supporters: 3, share: 0.75, rank: 1 },
    { id: B, supporters: 1, share: 0.25, rank: 2 },
    { id: C, supporters: 1, share: 0.25, rank: 2 },
  ], 'exclude');
  assertRecountClean(c.id, 7);
});

// ---------------------------------------------------------------------- CSV


test('the CSV: text/csv, a header row, one row per priority in the vote, formula cells prefixed with \'', async () => {
  const v = await voters();
  const titles = ['=SUM(A1:A2) priorité', '+33 recherche clinique', '-Recherche et douleur', '@cmd et fatigue',
    'Douleur, fatigue et "qualité" de vie'];
  const { c, ids, answered, admin: a } = await ranked(5, 3, { titles, answered: 1 });
  const [P1, P2, P3, P4, P5] = ids;
  // [P5, P1, P2] and [P1, P3]: points P1 5, P5 3, P3 2, P2 1, P4 0.
  await vote(v.citizens[6], c.id, [P5, P1, P2]);
  await vote(v.citizens[7], c.id, [P1, P3]);
  await publish(a, c.id);
  const res = await published(c.id);
  assert.deepEqual(res.priorities.map((p) => p.id), [P1, P5, P3, P2, P4], 'ranked by points');

  const r = await anon().get(csvPath(c.id));
  assert.equal(r.status, 200, `CSV: ${show(r)}`);
  assert.match(r.headers.get('content-type') || '', /^text\/csv;\s*charset=utf-8$/i);
  const rows = parseCsv(r.text);
  assert.equal(rows[0].join(','), CSV_HEADER, `the header row: ${r.text.slice(0, 200)}`);
  const body = rows.slice(1).filter((x) => !(x.length === 1 && x[0] === ''));
  assert.equal(body.length, 5, `one row per priority in the vote:\n${r.text}`);
  const want = { [P1]: `'${titles[0]}`, [P2]: `'${titles[1]}`, [P3]: `'${titles[2]}`, [P4]: `'${titles[3]}`, [P5]: titles[4] };
  body.forEach((cells, i) => {
    const p = res.priorities[i];
    assert.equal(cells.length, 12, `12 cells: ${JSON.stringify(cells)}`);
    const [rank, id, title, supporters, share, points, firsts, schulze, jla] = cells;
    assert.equal(Number(id), p.id, `row ${i + 1} is priority ${p.id}, in the order of the results`);
    assert.equal(title, want[p.id], `the title cell of ${p.id}`);
    assert.equal(Number(rank), p.rank, 'rank');
    assert.equal(Number(supporters), p.supporters, 'supporters');
    assert.ok(near(Number(share), p.share), `share ${share} is ${p.share}`);
    assert.equal(Number(points), p.points, 'points');
    assert.equal(Number(firsts), p.firsts, 'firsts');
    assert.equal(Number(schulze), p.schulze_rank, 'schulze_rank');
    assert.equal(Number(jla), p.jla_rank, 'jla_rank');
  });
  assert.ok(!body.some((cells) => Number(cells[1]) === answered[0]), 'the answered priority is not a row');
  assert.ok(!/^[=+\-@]/m.test(body.map((x) => x[2]).join('\n')), 'no title cell starts with = + - @');
});
