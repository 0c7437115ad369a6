// SPDX-License-Identifier: AGPL-3.0-or-later
// Consultations to test with: bodies, consultations in a phase, priorities,
// submissions, ballots (assisted too), results, the recount and expected tallies.
//
// Staff come from accounts.mjs (admin() by default). Node 18: only
// built-in modules.

import assert from 'node:assert/strict';
import { admin } from './accounts.mjs';
import { ok, show } from './assert.mjs';
import { concerto, sql } from './db.mjs';
import {
  CONSULTATIONS, assistedPath, ballotPath, consultationPath, prioritiesPath, resultsPath, submissionsPath,
} from './paths.mjs';
import { DAY, HOUR, at, suffix } from './util.mjs';

export const PHASES = ['draft', 'gathering', 'voting', 'closed', 'published'];

// -------------------------------------------------------------- consultations

// The body of a valid consultation: approval with K = 3 unless method is
// "ranked" (K = 3 ranks); voting in 10 days, closing in 20.
export function consultationBody(overrides = {}) {
  const method = overrides.method || 'approval';
  const base = {
    title_fr: `Priorités de recherche ${suffix()}`,
    summary_fr: 'Quelles questions la recherche sur les cancers doit-elle traiter en premier ?',
    body_fr: 'Les personnes concernées, les proches et les soignants choisissent ensemble.\nDeuxième ligne.',
    voting_at: at(10 * DAY),
    closes_at: at(20 * DAY),
    method,
  };
  if (method === 'approval') base.max_choices = 3;
  else base.max_ranks = 3;
  return { ...base, ...overrides };
}

// Creates a consultation as admin (a staffClient) and, with opts.phase,
// PATCHes it to that phase. Returns the consultation JSON.
export async function newConsultation(adm, overrides = {}, { phase } = {}) {
  const a = adm || await admin();
  const r = await a.client.post(CONSULTATIONS, consultationBody(overrides));
  const c = ok(r, 201, 'create consultation');
  if (!phase || phase === 'draft') return c;
  const p = await a.client.patch(consultationPath(c.id), { phase });
  return ok(p, 200, `PATCH phase ${phase}`);
}

// A consultation gathering questions (made by the file's admin).
export const gathering = async (overrides = {}) => newConsultation(await admin(), overrides, { phase: 'gathering' });

// Adds a priority (as a moderator or admin); returns its JSON.
export async function newPriority(staff, consultationId, overrides = {}) {
  const r = await staff.client.post(prioritiesPath(consultationId), {
    title_fr: `Question de recherche ${suffix()}`,
    description_fr: 'Pourquoi cette question compte pour les personnes concernées.',
    ...overrides,
  });
  return ok(r, 201, 'create priority');
}

// Submits a research question (201 asserted); returns the submission.
export const submit = async (who, cid, text = `Une question de recherche ${suffix()} sur le suivi ?`) =>
  ok(await who.client.post(submissionsPath(cid), { text }), 201, 'submit');

// A consultation in its voting phase (voting_at an hour ago, closing in a
// day) with `priorities` priorities in the vote (positions 1..n) and, with
// answered > 0, that many answered priorities after them. Returns
// { c, ids, answered, admin }.
export async function votingConsultation({
  method = 'approval', k = 3, priorities = 4, answered = 0, titles, adm, ...overrides
} = {}) {
  const a = adm || await admin();
  const c = await newConsultation(a, {
    method, ...(method === 'approval' ? { max_choices: k } : { max_ranks: k }),
    voting_at: at(-HOUR), closes_at: at(DAY), ...overrides,
  });
  const ids = [];
  for (let i = 0; i < priorities; i++) {
    const p = await newPriority(a, c.id, { position: i + 1, ...(titles ? { title_fr: titles[i] } : {}) });
    ids.push(p.id);
  }
  const ans = [];
  for (let i = 0; i < answered; i++) {
    const p = await newPriority(a, c.id, {
      position: priorities + i + 1, evidence_status: 'answered',
      evidence_links: ['https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD000000'],
    });
    ans.push(p.id);
  }
  const v = ok(await a.client.patch(consultationPath(c.id), { phase: 'voting' }), 200, 'open the vote');
  assert.equal(v.phase, 'voting', `the consultation is voting: ${JSON.stringify(v).slice(0, 300)}`);
  return { c: v, ids, answered: ans, admin: a };
}

// Publishes a consultation (PATCH phase "published").
export async function publish(adm, id) {
  const a = adm || await admin();
  const p = ok(await a.client.patch(consultationPath(id), { phase: 'published' }), 200, 'publish');
  assert.equal(p.phase, 'published');
  return p;
}

// ------------------------------------------------------------------ ballots

export const putBallot = (who, id, choices, headers) => who.client.send('PUT', ballotPath(id), { choices }, headers ? { headers } : {});
export const getBallot = (who, id) => who.client.get(ballotPath(id));
export const deleteBallot = (who, id) => who.client.delete(ballotPath(id));

// Ballot choices as compared: in order for ranked ballots, as a set
// (sorted) for approval ones.
export const choiceKey = (method, choices) => (method === 'ranked' ? choices.slice() : choices.slice().sort((x, y) => x - y));

// Asserts a ballot holds these choices.
export function assertChoices(ballot, choices, what = 'the ballot') {
  assert.ok(ballot && Array.isArray(ballot.choices), `${what} has choices: ${JSON.stringify(ballot)}`);
  assert.deepEqual(choiceKey(ballot.method, ballot.choices), choiceKey(ballot.method, choices),
    `${what} holds ${JSON.stringify(choices)}: ${JSON.stringify(ballot)}`);
}

// Puts a ballot and asserts a 200 holding the choices.
export async function vote(who, id, choices) {
  const r = await putBallot(who, id, choices);
  const b = ok(r, 200, `PUT ballot ${JSON.stringify(choices)}`);
  assertChoices(b, choices, `the PUT answer (${show(r)})`);
  return b;
}

// Assisted ballot by a moderator; returns the response.
export function assisted(staff, id, body, headers) {
  return staff.client.post(assistedPath(id), {
    profile: 'citizen', postcode: '75011', interests_declared: false, note: null, ...body,
  }, headers ? { headers } : {});
}

export const ballotRows = (consultationId) => sql(
  'SELECT * FROM ballots WHERE consultation_id = :cid ORDER BY id', { cid: consultationId });

// ------------------------------------------------------------------ results

// Results seen by an admin (always visible to admins).
export async function adminResults(id, q = '') {
  const a = await admin();
  return ok(await a.client.get(resultsPath(id, q)), 200, `results of ${id}${q}`);
}

// The results' priorities by id.
export const byId = (results) => Object.fromEntries(results.priorities.map((p) => [p.id, p]));

// `concerto results recount ID`: { status, stdout, stderr }.
export const recount = (id) => concerto(['results', 'recount', String(id)]);

// Asserts the recount found the tallies right (exit 0, "0 differences")
// and, when n is given, counted n ballots.
export function assertRecountClean(id, n) {
  const r = recount(id);
  const out = `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.equal(r.status, 0, `recount ${id} exits 0 when the tallies are right: ${out}`);
  const m = new RegExp(`recount ${id}: (\\d+) ballots?, (\\d+) differences?`).exec(r.stdout);
  assert.ok(m, `recount prints "recount ${id}: N ballots, 0 differences": ${out}`);
  assert.equal(Number(m[2]), 0, `no difference: ${out}`);
  if (n !== undefined) assert.equal(Number(m[1]), n, `recount counts ${n} ballots: ${out}`);
  return r;
}

// What the tallies of a set of ballots (arrays of ids) should be, for K:
// { ballots, supporters, points, firsts } keyed by priority id.
export function expectedTallies(ballots, ids, k) {
  const supporters = Object.fromEntries(ids.map((id) => [id, 0]));
  const points = Object.fromEntries(ids.map((id) => [id, 0]));
  const firsts = Object.fromEntries(ids.map((id) => [id, 0]));
  for (const b of ballots) {
    b.forEach((id, r) => {
      supporters[id] += 1;
      points[id] += k - r;
      if (r === 0) firsts[id] += 1;
    });
  }
  return { ballots: ballots.length, supporters, points, firsts };
}

// Asserts the results' supporters (and for ranked, points and firsts)
// equal those of the ballots given.
export function assertTallies(results, ballots, ids, k, what = '') {
  const e = expectedTallies(ballots, ids, k);
  assert.equal(results.ballots, e.ballots, `${what}ballots counted`);
  const got = byId(results);
  for (const id of ids) {
    assert.ok(got[id], `${what}priority ${id} is in the results`);
    assert.equal(got[id].supporters, e.supporters[id], `${what}supporters of ${id}`);
    if (results.method === 'ranked') {
      assert.equal(got[id].points, e.points[id], `${what}points of ${id}`);
      assert.equal(got[id].firsts, e.firsts[id], `${what}firsts of ${id}`);
    }
  }
}
