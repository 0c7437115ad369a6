// SPDX-License-Identifier: AGPL-3.0-or-later
// GeoIP strata and weighted results (issue 5): each participant's stratum
// fixed at their first contribution from the declared postcode, else the
// GeoIP of the client address (documentation addresses sent through
// X-Forwarded-For, located by the test database built from
// tests/geoip/ranges.csv), else "unknown"; "outside" beyond the scheme's
// territory; weighted results (post-stratification, trimming at 5 with
// redistribution, raking to profile targets, Kish n_eff, margins of error)
// checked against an independent computation written below, from the
// reference populations read in the database; profile_targets validation;
// the CSV's weighted columns; no client address in the database or the
// service's logs; the geo commands.
//
// The weighting arithmetic below follows the contract, not the C code:
// - weighted participants: those whose stratum is one of the scheme's
//   (not "unknown", not "outside"); n of them;
// - post-stratification: w_h = (N_h / N) / (n_h / n), N and n summed over
//   represented strata only;
// - raking: iterative proportional fitting of the weights to the stratum
//   margins n N_h / N and the profile margins n target_g, to 1e-9;
// - trimming: weights above 5 set to 5, the excess shared by the others in
//   proportion to their weights, again until no weight exceeds 5;
// - n_eff = (Σw)² / Σw²; weighted_share = Σ w of supporters / Σ w;
//   margin_of_error = 1.96 sqrt(p (1 - p) / n_eff).
//
// Participants are reused across consultations (a participant's stratum is
// per consultation): their client address is set before each vote.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONSULTATIONS, consultationPath, csvPath, resultsPath, submissionsPath } from './lib/paths.mjs';
import { DAY, HOUR, at, parseCsv, pool, sleep } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { assertError, ok, show } from './lib/assert.mjs';
import { concerto, sql } from './lib/db.mjs';
import { leaksInLogs, logFiles } from './lib/logs.mjs';
import { admin, moderator, participants } from './lib/accounts.mjs';
import {
  assisted, byId, consultationBody, deleteBallot, newConsultation, newPriority, publish, vote, votingConsultation,
} from './lib/consultations.mjs';

const IDF = 'idf-departements';
const REGIONS = 'fr-regions';
const CAP = 5;
const CSV_HEADER = 'rank,priority_id,title,supporters,share,points,firsts,schulze_rank,jla_rank';
const WEIGHTED_COLUMNS = ['weighted_supporters', 'weighted_share', 'margin_of_error'];

// ------------------------------------------------------------- addresses

// Every client address this file used (the GeoIP ones and the networks
// the accounts were made from), to search the database and logs for.
const ADDRS = new Set();

// The /28 blocks of 192.0.2.0/24 in the test database (ranges.csv).
const BLOCK = { 75: 0, 77: 16, 78: 32, 91: 48, 92: 64, 93: 80, 94: 96, 95: 112, 69: 128, 13: 144, DE: 160 };

// Address j of a place (a département code, or DE): IPv4 for even j
// (hosts 2-14 of the block: foundation.test.mjs uses 192.0.2.1), IPv6
// (2001:db8:DD::/48) for odd j.
function addrOf(place, j = 0) {
  const a = j % 2 === 0
    ? `192.0.2.${BLOCK[place] + 2 + ((j >> 1) % 13)}`
    : `2001:db8:${String(place).toLowerCase()}::${(j + 1).toString(16)}`;
  ADDRS.add(a);
  return a;
}

const UNKNOWN_ADDR = '203.0.113.7';

function from(p, addr) {
  ADDRS.add(addr);
  p.client.addr = addr;
  return p;
}

// Votes as p from addr.
const voteFrom = (p, addr, cid, choices) => vote(from(p, addr), cid, choices);

// ----------------------------------------------------------- participants

// 24 participants with no declared postcode (0-11 patients, 12-23
// citizens), and four with a declared postcode; made once.
let peopleP;
function people() {
  peopleP ||= (async () => {
    const [pool24, declared] = await Promise.all([
      participants(24, (i) => ({ postcode: null, profile: i < 12 ? 'patient' : 'citizen' })),
      participants(4, (i) => ({ postcode: ['75011', '93200', '20090', '69001'][i], profile: 'citizen' })),
    ]);
    for (const p of [...pool24, ...declared]) ADDRS.add(p.client.addr);
    const [d75, d93, d20, d69] = declared;
    return {
      pool: pool24, patients: pool24.slice(0, 12), citizens: pool24.slice(12), d75, d93, d20, d69,
    };
  })();
  return peopleP;
}

// ------------------------------------------------------------------ SQL

const participation = (cid, accountId) => sql(
  `SELECT stratum, stratum_source, geoip_agrees FROM participations
   WHERE consultation_id = :cid AND account_id = :aid`, { cid, aid: accountId })[0];

function assertStratum(cid, p, stratum, source, agrees, what) {
  const row = participation(cid, p.id);
  assert.ok(row, `${what}: a participations row for account ${p.id} in ${cid}`);
  assert.deepEqual(row, { stratum, stratum_source: source, geoip_agrees: agrees },
    `${what}: the participation of account ${p.id} (from ${p.client.addr}, postcode ${p.postcode})`);
}

// The strata of a scheme in force: [{ code, name, population, vintage }].
const strataOf = (scheme) => sql('SELECT code, name, population::float8 AS population, vintage FROM scheme_strata(:\'s\')', { s: scheme });

// ------------------------------------------------------------- consultations

// A consultation of scheme `weighting` in its voting phase; with
// profile_targets, PATCHed before the vote opens (checked in the JSON).
async function weightedConsultation({
  weighting = IDF, method = 'approval', k = 2, priorities = 3, profile_targets: targets,
} = {}) {
  const a = await admin();
  const c = await newConsultation(a, {
    weighting, method, ...(method === 'approval' ? { max_choices: k } : { max_ranks: k }),
    voting_at: at(-HOUR), closes_at: at(DAY),
  });
  assert.equal(c.weighting, weighting);
  if (targets !== undefined) {
    const r = ok(await a.client.patch(consultationPath(c.id), { profile_targets: targets }), 200, 'PATCH profile_targets');
    assert.deepEqual(r.profile_targets, targets, `profile_targets shown: ${JSON.stringify(r).slice(0, 400)}`);
  }
  const ids = [];
  for (let i = 0; i < priorities; i++) ids.push((await newPriority(a, c.id, { position: i + 1 })).id);
  const v = ok(await a.client.patch(consultationPath(c.id), { phase: 'voting' }), 200, 'open the vote');
  assert.equal(v.phase, 'voting');
  return { c: v, ids, admin: a };
}

// Casts the ballots [{ p, addr, choices }] (each participant once).
const castAll = (cid, ballots) => pool(ballots, 4, (b) => voteFrom(b.p, b.addr, cid, b.choices));

// Results read anonymously once published.
async function publicResults(id, q = '') {
  return ok(await anon().get(resultsPath(id, q)), 200, `results of ${id}${q}`);
}

// ----------------------------------------------------- the computation

const sum = (xs) => xs.reduce((s, x) => s + x, 0);

// Trims weights at cap, sharing the excess over the untrimmed ones in
// proportion to their weights, until none exceeds the cap.
function trim(ws, cap = CAP) {
  const w = ws.slice();
  const total = sum(w);
  const capped = w.map(() => false);
  let rounds = 0;
  for (;;) {
    let more = false;
    w.forEach((x, i) => { if (!capped[i] && x > cap) { capped[i] = true; more = true; } });
    if (!more) break;
    rounds++;
    let free = 0;
    let nCapped = 0;
    w.forEach((x, i) => { if (capped[i]) { w[i] = cap; nCapped++; } else free += x; });
    const f = (total - cap * nCapped) / free;
    w.forEach((x, i) => { if (!capped[i]) w[i] = x * f; });
  }
  return { w, rounds };
}

// Raking (IPF) of unit weights to stratum and profile margins.
function rake(people, stratumMargin, profileMargin, tol = 1e-9) {
  const w = people.map(() => 1);
  const by = (key, margin) => {
    const tot = {};
    people.forEach((x, i) => { tot[x[key]] = (tot[x[key]] || 0) + w[i]; });
    people.forEach((x, i) => { w[i] *= margin[x[key]] / tot[x[key]]; });
  };
  const gap = () => {
    let g = 0;
    for (const [key, margin] of [['stratum', stratumMargin], ['profile', profileMargin]]) {
      const tot = {};
      people.forEach((x, i) => { tot[x[key]] = (tot[x[key]] || 0) + w[i]; });
      for (const k of Object.keys(tot)) g = Math.max(g, Math.abs(tot[k] - margin[k]));
    }
    return g;
  };
  let sweeps = 0;
  do {
    by('stratum', stratumMargin);
    by('profile', profileMargin);
    sweeps++;
    assert.ok(sweeps < 10000, 'the test\'s own raking converges');
  } while (gap() > tol);
  return { w, sweeps };
}

// What the weighted results should be. voters: [{ stratum, profile,
// choices }]; strata: scheme_strata rows; method: approval | ranked (K
// points for the first rank); targets: profile shares (raking) or null.
function expected({ voters, strata, method, k, ids, targets = null }) {
  const codes = new Set(strata.map((s) => s.code));
  const pop = Object.fromEntries(strata.map((s) => [s.code, s.population]));
  const Nall = sum(strata.map((s) => s.population));
  const weighted = voters.filter((v) => codes.has(v.stratum));
  const n = weighted.length;
  const nh = {};
  for (const v of weighted) nh[v.stratum] = (nh[v.stratum] || 0) + 1;
  const rep = Object.keys(nh);
  const Nrep = sum(rep.map((h) => pop[h]));
  let raw;
  let sweeps = 0;
  if (!targets) {
    raw = weighted.map((v) => (pop[v.stratum] / Nrep) / (nh[v.stratum] / n));
  } else {
    const sm = Object.fromEntries(rep.map((h) => [h, n * pop[h] / Nrep]));
    const pm = Object.fromEntries(Object.entries(targets).map(([g, t]) => [g, n * t]));
    ({ w: raw, sweeps } = rake(weighted, sm, pm));
  }
  const { w, rounds } = trim(raw);
  const W = sum(w);
  const nEff = W * W / sum(w.map((x) => x * x));
  const prio = {};
  for (const id of ids) {
    let sup = 0;
    let pts = 0;
    weighted.forEach((v, i) => {
      const r = v.choices.indexOf(id);
      if (r < 0) return;
      sup += w[i];
      pts += w[i] * (k - r);
    });
    const p = sup / W;
    prio[id] = {
      weighted_supporters: sup,
      weighted_points: method === 'ranked' ? pts : null,
      weighted_share: p,
      margin_of_error: 1.96 * Math.sqrt(p * (1 - p) / nEff),
    };
  }
  const meanW = (h) => {
    const xs = w.filter((_, i) => weighted[i].stratum === h);
    return xs.length ? sum(xs) / xs.length : 0;
  };
  return {
    n, nEff, raw, w, rounds, sweeps, W,
    excluded: {
      unknown: voters.filter((v) => v.stratum === 'unknown').length,
      outside: voters.filter((v) => v.stratum === 'outside').length,
    },
    strata: strata.map((s) => ({
      code: s.code, name: s.name, participants: nh[s.code] || 0, sample_share: (nh[s.code] || 0) / n,
      population_share: s.population / Nall, weight: meanW(s.code),
    })),
    empty_strata: strata.filter((s) => !nh[s.code]).map((s) => s.code),
    priorities: prio,
  };
}

// |a - b| within rel relative to b (absolute near 0).
function close(a, b, rel, what) {
  assert.equal(typeof a, 'number', `${what}: a number, got ${JSON.stringify(a)}`);
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-6), `${what}: expected ${b}, got ${a} (diff ${a - b})`);
}

// Asserts the weighting block and the weighted fields of results against
// the expectation e.
function assertWeighted(res, e, { scheme, vintage, method, rel = 1e-9, what = '' }) {
  const wt = res.weighting;
  assert.ok(wt && typeof wt === 'object', `${what}weighting is an object: ${JSON.stringify(res).slice(0, 600)}`);
  assert.equal(wt.scheme, scheme, `${what}scheme`);
  assert.equal(wt.vintage, vintage, `${what}vintage`);
  assert.equal(wt.method, method, `${what}method`);
  assert.equal(wt.status, 'ok', `${what}status: ${JSON.stringify(wt)}`);
  assert.equal(wt.cap, CAP, `${what}cap`);
  assert.equal(wt.n, e.n, `${what}n (weighted participants)`);
  close(wt.n_eff, e.nEff, rel, `${what}n_eff`);
  assert.deepEqual(wt.excluded, e.excluded, `${what}excluded`);
  assert.ok(Array.isArray(wt.strata), `${what}strata is an array: ${JSON.stringify(wt)}`);
  assert.deepEqual(wt.strata.map((s) => s.code), e.strata.map((s) => s.code), `${what}every stratum of the scheme, in code order`);
  wt.strata.forEach((s, i) => {
    const x = e.strata[i];
    assert.equal(s.name, x.name, `${what}name of ${x.code}`);
    assert.equal(s.participants, x.participants, `${what}participants of ${x.code}`);
    close(s.sample_share, x.sample_share, rel, `${what}sample_share of ${x.code}`);
    close(s.population_share, x.population_share, rel, `${what}population_share of ${x.code}`);
    close(s.weight, x.weight, rel, `${what}weight of ${x.code}`);
  });
  assert.deepEqual(wt.empty_strata, e.empty_strata, `${what}empty_strata`);
  const got = byId(res);
  for (const [id, x] of Object.entries(e.priorities)) {
    const p = got[id];
    assert.ok(p, `${what}priority ${id} in the results`);
    close(p.weighted_supporters, x.weighted_supporters, rel, `${what}weighted_supporters of ${id}`);
    if (x.weighted_points === null) assert.equal(p.weighted_points, null, `${what}weighted_points of ${id} (approval)`);
    else close(p.weighted_points, x.weighted_points, rel, `${what}weighted_points of ${id}`);
    close(p.weighted_share, x.weighted_share, rel, `${what}weighted_share of ${id}`);
    close(p.margin_of_error, x.margin_of_error, rel, `${what}margin_of_error of ${id}`);
  }
  return wt;
}

// ------------------------------------------------- 1. strata from GeoIP

test('strata from GeoIP: idf-departements (IPv4 and IPv6), fr-regions with overseas, abroad is outside', async () => {
  const { pool: P } = await people();
  const { c, ids } = await votingConsultation({ weighting: IDF, priorities: 2, k: 1 });
  const idf = [
    [P[0], addrOf(75, 0), '75'], [P[1], addrOf(77, 1), '77'], [P[2], addrOf(78, 2), '78'], [P[3], addrOf(91, 3), '91'],
    [P[4], addrOf(92, 4), '92'], [P[5], '192.0.2.85', '93'], [P[6], addrOf(93, 1), '93'], [P[7], addrOf(94, 5), '94'],
    [P[8], addrOf(95, 6), '95'], [P[9], addrOf(69, 0), 'outside'], [P[10], addrOf('DE', 1), 'outside'],
  ];
  for (const [p, addr] of idf) await voteFrom(p, addr, c.id, [ids[0]]);
  for (const [p, addr, code] of idf) assertStratum(c.id, p, code, 'geoip', null, `idf from ${addr}`);

  const { c: r, ids: rids } = await votingConsultation({ weighting: REGIONS, priorities: 2, k: 1 });
  const regions = [
    [P[0], addrOf(75, 2), 'IDF'], [P[1], addrOf(93, 3), 'IDF'], [P[2], '192.0.2.130', 'ARA'], [P[3], addrOf(69, 1), 'ARA'],
    [P[4], '192.0.2.150', 'PAC'], [P[5], '198.51.100.1', '971'], [P[6], '198.51.100.20', '972'],
    [P[7], '2001:db8:974::1', '974'], [P[8], '192.0.2.170', 'outside'], [P[9], '198.51.100.65', 'outside'],
    [P[10], '2001:db8:de::5', 'outside'],
  ];
  for (const [p, addr] of regions) await voteFrom(p, addr, r.id, [rids[1]]);
  for (const [p, addr, code] of regions) assertStratum(r.id, p, code, 'geoip', null, `fr-regions from ${addr}`);
  // The ballots carry the participation's stratum.
  const ballots = sql('SELECT account_id, stratum FROM ballots WHERE consultation_id = :cid', { cid: r.id });
  for (const [p, , code] of regions) {
    assert.equal(ballots.find((b) => Number(b.account_id) === p.id)?.stratum, code, `the ballot of ${p.id} is in ${code}`);
  }
});

// ------------------------------------------ 2. a declared postcode first

test('a declared postcode overrides GeoIP; geoip_agrees says whether GeoIP agreed', async () => {
  const { d75, d93, d20, d69 } = await people();
  const { c, ids } = await votingConsultation({ weighting: IDF, priorities: 2, k: 1 });
  await voteFrom(d75, '192.0.2.85', c.id, [ids[0]]);
  await voteFrom(d93, '192.0.2.86', c.id, [ids[0]]);
  await voteFrom(d69, '192.0.2.5', c.id, [ids[0]]);
  assertStratum(c.id, d75, '75', 'declared', false, 'postcode 75011 from Seine-Saint-Denis');
  assertStratum(c.id, d93, '93', 'declared', true, 'postcode 93200 from Seine-Saint-Denis');
  assertStratum(c.id, d69, 'outside', 'declared', false, 'postcode 69001 in an idf consultation, from Paris');

  const { c: r, ids: rids } = await votingConsultation({ weighting: REGIONS, priorities: 2, k: 1 });
  await voteFrom(d20, '192.0.2.6', r.id, [rids[0]]);
  await voteFrom(d69, '192.0.2.131', r.id, [rids[0]]);
  await voteFrom(d75, '2001:db8:75::9', r.id, [rids[0]]);
  assertStratum(r.id, d20, '20R', 'declared', false, 'postcode 20090 (Corse-du-Sud) from Paris');
  assertStratum(r.id, d69, 'ARA', 'declared', true, 'postcode 69001 from Rhône');
  assertStratum(r.id, d75, 'IDF', 'declared', true, 'postcode 75011 from Paris (IPv6)');
});

// ------------------------------------------------ 3. not in the database

test('an address outside the GeoIP database: stratum unknown, source unknown (declared postcode still counts)', async () => {
  const { pool: P, d75 } = await people();
  for (const scheme of [IDF, REGIONS]) {
    const { c, ids } = await votingConsultation({ weighting: scheme, priorities: 2, k: 1 });
    await voteFrom(P[11], UNKNOWN_ADDR, c.id, [ids[0]]);
    await voteFrom(d75, '203.0.113.8', c.id, [ids[1]]);
    assertStratum(c.id, P[11], 'unknown', 'unknown', null, `${scheme} from ${UNKNOWN_ADDR}`);
    assertStratum(c.id, d75, scheme === IDF ? '75' : 'IDF', 'declared', null, `${scheme}: postcode 75011 from 203.0.113.8`);
  }
});

// --------------------------------------- 4. fixed at the first contribution

test('the stratum is fixed at the first contribution: ballot, replacement, deletion, and a submission first', async () => {
  const { pool: P } = await people();
  const { c, ids } = await votingConsultation({ weighting: IDF, priorities: 2, k: 1 });
  const p = P[12];
  await voteFrom(p, '192.0.2.87', c.id, [ids[0]]);
  assertStratum(c.id, p, '93', 'geoip', null, 'first ballot from 93');
  await voteFrom(p, '192.0.2.7', c.id, [ids[1]]);
  assertStratum(c.id, p, '93', 'geoip', null, 'a replacement from 75');
  const d = await deleteBallot(p, c.id);
  assert.equal(d.status, 204, `DELETE: ${show(d)}`);
  await voteFrom(p, '2001:db8:75::2', c.id, [ids[0]]);
  assertStratum(c.id, p, '93', 'geoip', null, 'a new ballot from 75 after deletion');
  const b = sql('SELECT stratum FROM ballots WHERE consultation_id = :cid AND account_id = :aid', { cid: c.id, aid: p.id });
  assert.deepEqual(b, [{ stratum: '93' }], 'the ballot is counted in 93');

  // A submission while gathering is a first contribution too.
  const a = await admin();
  const g = await newConsultation(a, {
    weighting: IDF, gathering_at: at(-HOUR), voting_at: at(DAY), closes_at: at(2 * DAY),
  }, { phase: 'gathering' });
  const q = P[13];
  const s = await from(q, '192.0.2.88').client.post(submissionsPath(g.id), { text: 'Pourquoi la fatigue dure-t-elle après le traitement ?' });
  ok(s, 201, 'submission');
  assertStratum(g.id, q, '93', 'geoip', null, 'a submission from 93');
  const pr = await newPriority(a, g.id, { position: 1 });
  ok(await a.client.patch(consultationPath(g.id), { phase: 'voting' }), 200, 'open the vote');
  await voteFrom(q, '192.0.2.8', g.id, [pr.id]);
  assertStratum(g.id, q, '93', 'geoip', null, 'a ballot from 75 after a submission from 93');
});

// ----------------------------------- 5. post-stratification, by hand

// A skewed idf sample: 75 x 17 (one of them declared), 78 x 1, 93 x 1,
// 95 x 3; no one from 77, 91, 92, 94; 2 unknown, 1 outside.  Before
// trimming 93 weighs 5.54 and 78 4.89; 93's excess pushes 78 over 5, so
// trimming takes two rounds.  Approval, K = 2, priorities A, B, C.
let skewedP;
function skewed() {
  skewedP ||= (async () => {
    const { pool: P, d75 } = await people();
    const { c, ids, admin: a } = await weightedConsultation({ weighting: IDF, method: 'approval', k: 2, priorities: 3 });
    const [A, B, C] = ids;
    const ballots = [];
    const voters = [];
    const add = (p, addr, stratum, choices) => {
      ballots.push({ p, addr, choices });
      voters.push({ stratum, profile: p.profile, choices });
    };
    for (let j = 0; j < 16; j++) add(P[j], addrOf(75, j), '75', j % 3 === 0 ? [A, C] : [A]);
    add(d75, '192.0.2.89', '75', [B]);
    add(P[16], addrOf(78, 1), '78', [B]);
    add(P[17], addrOf(93, 2), '93', [B, C]);
    add(P[18], addrOf(95, 0), '95', [B]);
    add(P[19], addrOf(95, 3), '95', [C]);
    add(P[20], addrOf(95, 4), '95', [B, C]);
    add(P[21], UNKNOWN_ADDR, 'unknown', [C]);
    add(P[22], '203.0.113.9', 'unknown', [C, A]);
    add(P[23], addrOf('DE', 0), 'outside', [C]);
    await castAll(c.id, ballots);
    await publish(a, c.id);
    return { c, ids, voters, ballots };
  })();
  return skewedP;
}

test('post-stratification with two rounds of trimming equals the computation by hand', async () => {
  const { c, ids, voters, ballots } = await skewed();
  ballots.forEach((b, i) => {
    assert.equal(participation(c.id, b.p.id)?.stratum, voters[i].stratum, `the stratum of ${b.p.id} from ${b.addr}`);
  });
  const strata = strataOf(IDF);
  assert.equal(strata.length, 8, `eight départements: ${JSON.stringify(strata)}`);
  const e = expected({ voters, strata, method: 'approval', k: 2, ids });
  // The case is what it claims to be.
  assert.equal(e.n, 22);
  assert.ok(Math.max(...e.raw) > CAP, `a weight above the cap before trimming: ${Math.max(...e.raw)}`);
  assert.equal(e.rounds, 2, 'trimming takes two rounds');
  assert.ok(Math.abs(e.W - e.n) < 1e-9, 'the weights add up to n');
  assert.deepEqual(e.empty_strata, ['77', '91', '92', '94']);

  const res = await publicResults(c.id);
  assert.equal(res.ballots, 25, 'raw results count every ballot');
  const wt = assertWeighted(res, e, { scheme: IDF, vintage: strata[0].vintage, method: 'post-stratification' });
  assert.equal(wt.iterations, 0, 'no raking sweep');
  assert.deepEqual(wt.excluded, { unknown: 2, outside: 1 });
  const s = Object.fromEntries(wt.strata.map((x) => [x.code, x]));
  close(s['93'].weight, CAP, 1e-12, 'the weight of 93 is trimmed to the cap');
  close(s['78'].weight, CAP, 1e-12, 'the weight of 78 is trimmed to the cap in the second round');

  const regional = await publicResults(c.id, '?weighting=regional');
  assert.deepEqual(regional.weighting, res.weighting, 'weighting=regional is the default');
  assert.deepEqual(regional.priorities, res.priorities, 'weighting=regional is the default (priorities)');
});

test('ranked: post-stratification without trimming, weighted Borda points', async () => {
  const { pool: P, d93 } = await people();
  const { c, ids, admin: a } = await weightedConsultation({ weighting: IDF, method: 'ranked', k: 3, priorities: 4 });
  // 75 x 6, 92 x 2, 93 x 2 (one declared), 94 x 1, 95 x 1; 1 unknown, 2 outside.
  const places = ['75', '75', '75', '75', '75', '75', '92', '92', '93', '94', '95', 'unknown', 'outside', 'outside'];
  const ballots = [];
  const voters = [];
  places.forEach((place, i) => {
    const rot = [0, 1, 2, 3].map((x) => ids[(x + i) % 4]).slice(0, 1 + (i % 3));
    const addr = place === 'unknown' ? '203.0.113.10' : place === 'outside' ? addrOf(i % 2 ? 'DE' : 69, i) : addrOf(place, i);
    ballots.push({ p: P[i], addr, choices: rot });
    voters.push({ stratum: place, profile: P[i].profile, choices: rot });
  });
  ballots.push({ p: d93, addr: '192.0.2.10', choices: [ids[3], ids[2]] });
  voters.push({ stratum: '93', profile: 'citizen', choices: [ids[3], ids[2]] });
  await castAll(c.id, ballots);
  // Assisted ballots take the person's postcode, never the facilitator's
  // address (a moderator in 92): 93200 -> 93, no postcode -> unknown.
  const m = from(await moderator(), '192.0.2.71');
  ok(await assisted(m, c.id, { profile: 'patient', postcode: '93200', choices: [ids[1], ids[0]] }), 201, 'assisted 93200');
  voters.push({ stratum: '93', profile: 'patient', choices: [ids[1], ids[0]] });
  ok(await assisted(m, c.id, { profile: 'carer', postcode: null, choices: [ids[2]] }), 201, 'assisted, no postcode');
  voters.push({ stratum: 'unknown', profile: 'carer', choices: [ids[2]] });
  const ab = sql('SELECT stratum FROM ballots WHERE consultation_id = :cid AND assisted_by IS NOT NULL ORDER BY id', { cid: c.id });
  assert.deepEqual(ab.map((x) => x.stratum), ['93', 'unknown'], 'the strata of the assisted ballots');
  await publish(a, c.id);
  const strata = strataOf(IDF);
  const e = expected({ voters, strata, method: 'ranked', k: 3, ids });
  assert.ok(Math.max(...e.raw) < CAP, 'no trimming here');
  assert.equal(e.rounds, 0);
  const res = await publicResults(c.id);
  const wt = assertWeighted(res, e, { scheme: IDF, vintage: strata[0].vintage, method: 'post-stratification', what: 'ranked: ' });
  assert.deepEqual(wt.excluded, { unknown: 2, outside: 2 });
  assert.equal(res.ballots, 17);
  assert.equal(res.assisted, 2);
  // Without trimming each weight is the population share over the sample share.
  for (const x of wt.strata.filter((y) => y.participants > 0)) {
    const rep = wt.strata.filter((y) => y.participants > 0);
    const popRep = sum(rep.map((y) => y.population_share));
    close(x.weight, (x.population_share / popRep) / x.sample_share, 1e-9, `w_h of ${x.code}`);
  }
});

// ------------------------------------------------------------- 6. raking

test('raking to profile targets: the weighted margins meet both the strata and the targets', async () => {
  const { patients: Pa, citizens: Ci } = await people();
  const targets = { patient: 0.5, citizen: 0.5 };
  const { c, ids, admin: a } = await weightedConsultation({ weighting: IDF, method: 'approval', k: 2, priorities: 3, profile_targets: targets });
  const [A, B, C] = ids;
  // 75: 4 patients, 2 citizens; 92: 1 patient, 3 citizens; 93: 2 patients,
  // 2 citizens (n = 14); one unknown. Patients choose A, citizens B; those
  // of 75 choose C too: weighted supporters of A and B are the profile
  // margins, of C the margin of 75.
  const plan = [['75', 4, 2], ['92', 1, 3], ['93', 2, 2]];
  const ballots = [];
  const voters = [];
  let pi = 0;
  let ci = 0;
  for (const [h, np, nc] of plan) {
    for (let j = 0; j < np + nc; j++) {
      const patient = j < np;
      const p = patient ? Pa[pi++] : Ci[ci++];
      const choices = [patient ? A : B, ...(h === '75' ? [C] : [])];
      ballots.push({ p, addr: addrOf(h, j), choices });
      voters.push({ stratum: h, profile: p.profile, choices });
    }
  }
  ballots.push({ p: Ci[ci], addr: '203.0.113.11', choices: [A] });
  voters.push({ stratum: 'unknown', profile: 'citizen', choices: [A] });
  await castAll(c.id, ballots);
  // Frozen once voting opened.
  assertError(await a.client.patch(consultationPath(c.id), { profile_targets: { patient: 0.4, citizen: 0.6 } }),
    409, 'voting_rules_frozen', 'profile_targets');
  assertError(await a.client.patch(consultationPath(c.id), { profile_targets: null }), 409, 'voting_rules_frozen', 'profile_targets');
  await publish(a, c.id);

  const strata = strataOf(IDF);
  const e = expected({ voters, strata, method: 'approval', k: 2, ids, targets });
  assert.equal(e.n, 14);
  assert.ok(Math.max(...e.raw) < CAP, `no raked weight above the cap: ${Math.max(...e.raw)}`);
  assert.ok(e.sweeps >= 2, 'the test\'s raking takes more than one sweep (profiles and strata are not independent)');
  const res = await publicResults(c.id);
  const wt = assertWeighted(res, e, { scheme: IDF, vintage: strata[0].vintage, method: 'raking', rel: 1e-6, what: 'raking: ' });
  assert.ok(Number.isInteger(wt.iterations) && wt.iterations >= 1, `iterations: ${wt.iterations}`);

  // The margins, from the API alone.
  const pop = Object.fromEntries(strata.map((s) => [s.code, s.population]));
  const Nrep = pop['75'] + pop['92'] + pop['93'];
  const got = byId(res);
  close(got[A].weighted_supporters, 0.5 * 14, 1e-6, 'Σ w over patients = 0.5 n');
  close(got[B].weighted_supporters, 0.5 * 14, 1e-6, 'Σ w over citizens = 0.5 n');
  close(got[C].weighted_supporters, 14 * pop['75'] / Nrep, 1e-6, 'Σ w over 75 (from C) = n N_75 / N');
  for (const s of wt.strata) {
    const target = s.participants ? 14 * pop[s.code] / Nrep : 0;
    close(s.weight * s.participants, target, 1e-6, `Σ w over ${s.code} = n N_h / N`);
  }
});

test('profile_targets: validation, shown in the consultation, frozen once voting opens', async () => {
  const a = await admin();
  const c = await newConsultation(a, { weighting: IDF });
  assert.equal(c.profile_targets, null, 'profile_targets is null by default');
  const patch = (profile_targets) => a.client.patch(consultationPath(c.id), { profile_targets });
  assertError(await patch({ patient: 0.5, citizen: 0.4 }), 422, 'invalid_profile_targets', 'profile_targets');
  assertError(await patch({ patient: 0.5, citizen: 0.5000101 }), 422, 'invalid_profile_targets', 'profile_targets');
  assertError(await patch({}), 422, 'invalid_profile_targets', 'profile_targets');
  // Out of [0, 1]: the contract says 422 invalid_profile_targets; the
  // router's range check (400 invalid_field) names the field as well.
  for (const bad of [{ patient: 1.5, citizen: -0.5 }, { patient: -0.25, citizen: 1.25 }]) {
    const r = await patch(bad);
    if (r.status === 400) assertError(r, 400, 'invalid_field', 'profile_targets');
    else assertError(r, 422, 'invalid_profile_targets', 'profile_targets');
  }
  for (const bad of [{ patient: 0.5, alien: 0.5 }, { patient: '0.5', citizen: 0.5 }, { patient: null, citizen: 1 }]) {
    const r = await patch(bad);
    assert.ok(r.status === 400 || r.status === 422, `${JSON.stringify(bad)}: 400 or 422, got ${show(r)}`);
    assert.ok(r.json?.error?.code, `an error code: ${show(r)}`);
  }
  for (const bad of ['patient', [0.5, 0.5], 1]) {
    const r = await patch(bad);
    assert.ok(r.status === 400 || r.status === 422, `${JSON.stringify(bad)}: 400 or 422, got ${show(r)}`);
  }
  const still = ok(await a.client.get(consultationPath(c.id)), 200, 'GET');
  assert.equal(still.profile_targets, null, 'refused PATCHes change nothing');

  const three = { patient: 0.3, carer: 0.2, citizen: 0.5 };
  assert.deepEqual(ok(await patch(three), 200, 'three shares').profile_targets, three);
  const nearly = { patient: 0.5, citizen: 0.5000004 };
  assert.deepEqual(ok(await patch(nearly), 200, 'a sum within 1e-6 of 1').profile_targets, nearly);
  assert.deepEqual(ok(await a.client.get(consultationPath(c.id)), 200).profile_targets, nearly, 'GET shows them');
  assert.equal(ok(await patch(null), 200, 'null clears them').profile_targets, null);

  const six = { patient: 0.2, carer: 0.1, citizen: 0.4, health_professional: 0.1, researcher: 0.1, other: 0.1 };
  const p = ok(await a.client.post(CONSULTATIONS, consultationBody({
    voting_at: at(-HOUR), closes_at: at(DAY), weighting: IDF, profile_targets: six,
  })), 201, 'POST with profile_targets');
  assert.deepEqual(p.profile_targets, six);
  assertError(await a.client.post(CONSULTATIONS, consultationBody({
    weighting: IDF, profile_targets: { patient: 0.9 },
  })), 422, 'invalid_profile_targets', 'profile_targets');
  ok(await a.client.patch(consultationPath(p.id), { phase: 'voting' }), 200, 'open the vote');
  assertError(await a.client.patch(consultationPath(p.id), { profile_targets: three }), 409, 'voting_rules_frozen', 'profile_targets');
  assert.deepEqual(ok(await anon().get(consultationPath(p.id)), 200).profile_targets, six, 'public JSON shows the targets');
});

// --------------------------------------------------------- 7. unweighted

test('weighting=none and scheme "none": weighting null, weighted fields null', async () => {
  const { c, ids } = await skewed();
  const w = await publicResults(c.id);
  const none = await publicResults(c.id, '?weighting=none');
  assert.equal(none.weighting, null, `weighting=none: ${JSON.stringify(none.weighting)}`);
  for (const p of none.priorities) {
    for (const f of ['weighted_supporters', 'weighted_points', 'weighted_share', 'margin_of_error']) {
      assert.ok(f in p, `${f} is present: ${JSON.stringify(p)}`);
      assert.equal(p[f], null, `${f} of ${p.id} is null when unweighted`);
    }
  }
  const strip = (r) => r.priorities.map(({ id, supporters, share, rank }) => ({ id, supporters, share, rank }));
  assert.deepEqual(strip(none), strip(w), 'the raw numbers do not depend on the weighting');
  assert.equal(none.ballots, 25);
  assertError(await anon().get(resultsPath(c.id, '?weighting=maybe')), 400, 'invalid_field', 'weighting');
  assert.equal(ids.length, 3);

  // Scheme "none": no weighting whatever the query; strata unknown.
  const { pool: P } = await people();
  const { c: u, ids: uids, admin: a } = await votingConsultation({ priorities: 2, k: 1 });
  assert.equal(u.weighting, 'none');
  await voteFrom(P[0], '192.0.2.90', u.id, [uids[0]]);
  await voteFrom(P[1], '192.0.2.9', u.id, [uids[1]]);
  assertStratum(u.id, P[0], 'unknown', 'unknown', null, 'scheme none');
  await publish(a, u.id);
  for (const q of ['', '?weighting=regional', '?weighting=none']) {
    const r = await publicResults(u.id, q);
    assert.equal(r.weighting, null, `scheme none${q}: weighting null`);
    for (const p of r.priorities) {
      assert.equal(p.weighted_supporters, null, `scheme none${q}: weighted_supporters null`);
      assert.equal(p.weighted_share, null, `scheme none${q}: weighted_share null`);
      assert.equal(p.margin_of_error, null, `scheme none${q}: margin_of_error null`);
    }
  }

  // A weighted scheme and no weighted participant: status empty.
  const { c: e, admin: a2 } = await votingConsultation({ weighting: IDF, priorities: 2, k: 1 });
  await publish(a2, e.id);
  const er = await publicResults(e.id);
  assert.ok(er.weighting, `weighting with no ballot: ${JSON.stringify(er.weighting)}`);
  assert.equal(er.weighting.status, 'empty', `status empty: ${JSON.stringify(er.weighting)}`);
  assert.equal(er.weighting.n, 0);
  assert.equal(er.weighting.empty_strata.length, 8);
});

// ---------------------------------------------------------------- 8. CSV

const parseCsvRows = (text) => parseCsv(text).filter((x) => !(x.length === 1 && x[0] === ''));

test('the CSV has weighted_supporters, weighted_share and margin_of_error (empty when unweighted)', async () => {
  const { c } = await skewed();
  const res = await publicResults(c.id);
  const r = await anon().get(csvPath(c.id));
  assert.equal(r.status, 200, `CSV: ${show(r)}`);
  const rows = parseCsvRows(r.text);
  const head = rows[0];
  assert.equal(head.slice(0, 9).join(','), CSV_HEADER, `the issue 4 columns first: ${head.join(',')}`);
  assert.deepEqual(head.slice(9), WEIGHTED_COLUMNS, `the three weighted columns: ${head.join(',')}`);
  const col = Object.fromEntries(head.map((h, i) => [h, i]));
  const got = byId(res);
  assert.equal(rows.length - 1, res.priorities.length, `one row per priority:\n${r.text}`);
  for (const cells of rows.slice(1)) {
    assert.equal(cells.length, head.length, `a full row: ${cells.join(',')}`);
    const p = got[Number(cells[col.priority_id])];
    assert.ok(p, `row of a priority of the results: ${cells.join(',')}`);
    for (const f of WEIGHTED_COLUMNS) {
      assert.notEqual(cells[col[f]], '', `${f} of ${p.id} is filled`);
      const v = Number(cells[col[f]]);
      assert.ok(Number.isFinite(v), `${f} of ${p.id} is a number: ${cells[col[f]]}`);
      assert.ok(Math.abs(v - p[f]) <= 1e-6 * Math.max(1, Math.abs(p[f])), `${f} of ${p.id}: CSV ${v}, JSON ${p[f]}`);
    }
  }

  // weighting=none: the same columns, empty.
  const nr = await anon().get(`${csvPath(c.id)}?weighting=none`);
  assert.equal(nr.status, 200, `CSV weighting=none: ${show(nr)}`);
  const nrows = parseCsvRows(nr.text);
  assert.deepEqual(nrows[0], head, 'the same header with weighting=none');
  assert.equal(nrows.length, rows.length);
  for (const cells of nrows.slice(1)) {
    for (const f of WEIGHTED_COLUMNS) assert.equal(cells[col[f]], '', `${f} is empty with weighting=none: ${cells.join(',')}`);
  }

  // Unweighted (scheme none): the columns are there and empty.
  const { pool: P } = await people();
  const { c: u, ids, admin: a } = await votingConsultation({ priorities: 2, k: 1 });
  await voteFrom(P[2], '192.0.2.91', u.id, [ids[0]]);
  await publish(a, u.id);
  const ur = await anon().get(csvPath(u.id));
  assert.equal(ur.status, 200, `CSV: ${show(ur)}`);
  const urows = parseCsvRows(ur.text);
  assert.deepEqual(urows[0].slice(9), WEIGHTED_COLUMNS, 'the same header when unweighted');
  for (const cells of urows.slice(1)) {
    for (const f of WEIGHTED_COLUMNS) assert.equal(cells[urows[0].indexOf(f)], '', `${f} is empty when unweighted: ${cells.join(',')}`);
  }
});

// ----------------------------------------------------------- 10. commands

test('concerto geo lookup and geo population', async () => {
  const l = concerto(['geo', 'lookup', '192.0.2.85']);
  const out = `exit ${l.status}\n${l.stdout}\n${l.stderr}`;
  assert.equal(l.status, 0, out);
  assert.match(l.stdout, /\bFR\b/, `the country: ${out}`);
  assert.match(l.stdout, /\bIDF\b/, `the region: ${out}`);
  assert.match(l.stdout, /\b93\b/, `the département: ${out}`);
  assert.match(l.stdout, /idf-departements\b[^\n]*\b93\b/, `the idf-departements stratum: ${out}`);
  assert.match(l.stdout, /fr-regions\b[^\n]*\bIDF\b/, `the fr-regions stratum: ${out}`);

  const v6 = concerto(['geo', 'lookup', '2001:db8:94::1']);
  assert.equal(v6.status, 0, v6.stderr);
  assert.match(v6.stdout, /idf-departements\b[^\n]*\b94\b/, `IPv6: ${v6.stdout}`);
  const de = concerto(['geo', 'lookup', '192.0.2.170']);
  assert.equal(de.status, 0, de.stderr);
  assert.match(de.stdout, /\bDE\b/, `abroad: ${de.stdout}`);
  assert.match(de.stdout, /idf-departements\b[^\n]*\boutside\b/, `abroad is outside: ${de.stdout}`);
  assert.match(de.stdout, /fr-regions\b[^\n]*\boutside\b/, `abroad is outside: ${de.stdout}`);
  const gp = concerto(['geo', 'lookup', '198.51.100.1']);
  assert.match(gp.stdout, /fr-regions\b[^\n]*\b971\b/, `Guadeloupe: ${gp.stdout}`);
  const nf = concerto(['geo', 'lookup', UNKNOWN_ADDR]);
  assert.equal(nf.status, 0, nf.stderr);
  assert.match(nf.stdout, /idf-departements\b[^\n]*\bunknown\b/, `not in the database: ${nf.stdout}`);

  const pop = concerto(['geo', 'population', IDF]);
  assert.equal(pop.status, 0, `${pop.stdout}\n${pop.stderr}`);
  const strata = strataOf(IDF);
  assert.equal(strata.length, 8);
  for (const s of strata) {
    assert.match(pop.stdout, new RegExp(`^\\s*${s.code}\\s+${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+${s.population}\\s*$`, 'm'),
      `the line of ${s.code}: ${pop.stdout}`);
  }
  assert.match(pop.stdout, /^\s*75\s+Paris\s+2175601\s*$/m, `Paris 2175601: ${pop.stdout}`);
  const lines = pop.stdout.split('\n').filter((x) => /^\s*\d\d\s+\S/.test(x));
  assert.equal(lines.length, 8, `eight départements: ${pop.stdout}`);
  assert.doesNotMatch(pop.stdout, /\bARA\b/, 'only the scheme asked for');
});

// ----------------------------------------- 9. no address kept anywhere

test('no client address in any text column of the database, nor in the service\'s logs', async () => {
  await people();
  const a = await admin();
  ADDRS.add(a.client.addr);
  assert.ok(ADDRS.size >= 40, `the addresses used: ${ADDRS.size}`);
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = `(^|[^0-9A-Fa-f:.])(${[...ADDRS].map(esc).join('|')})($|[^0-9A-Fa-f])`;
  const cols = sql(`
    SELECT c.table_name AS t, c.column_name AS c
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'inet', 'cidr', 'ARRAY', 'USER-DEFINED')
           OR c.udt_name IN ('citext'))
    ORDER BY 1, 2`);
  assert.ok(cols.length > 10, `text columns found: ${JSON.stringify(cols)}`);
  assert.ok(cols.some((x) => x.t === 'participations' && x.c === 'stratum'), 'participations.stratum is searched');
  const qi = (s) => `"${s.replace(/"/g, '""')}"`;
  const ql = (s) => `'${s.replace(/'/g, "''")}'`;
  const union = cols.map((x) => `SELECT ${ql(x.t)} AS t, ${ql(x.c)} AS c, count(*)::int AS n FROM public.${qi(x.t)} WHERE ${qi(x.c)}::text ~ :'re'`)
    .join('\nUNION ALL\n');
  const hits = sql(`SELECT * FROM (${union}) h WHERE n > 0`, { re });
  assert.deepEqual(hits, [], `columns holding a client address: ${JSON.stringify(hits)}`);
  // Sanity: the search finds an address where there is one.
  assert.equal(sql(`SELECT ('x ' || :'a' || ' y') ~ :'re' AS hit`, { a: '192.0.2.85', re })[0].hit, true, 'the pattern matches');

  await sleep(1500); // nginx flushes its access log every second
  assert.deepEqual(leaksInLogs(), [], 'no secret nor registration address in the logs');
  const found = [];
  const reJs = new RegExp(`(?<![0-9A-Fa-f:.])(${[...ADDRS].map(esc).join('|')})(?![0-9A-Fa-f])`);
  for (const file of logFiles()) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (base !== 'concerto.log' && base !== 'nginx-access.log') continue;
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      const m = reJs.exec(line);
      if (m) found.push(`${base}: ${m[1]}: ${line.slice(0, 200)}`);
    }
  }
  assert.deepEqual(found.slice(0, 10), [], 'no client address in concerto.log or nginx-access.log');
});
