// Helpers of the consultation tests (issue 4: consultations, priorities,
// submissions, ballots, results): staff clients signed in with their second
// factor, consultations in a given phase, verified participants made a few
// at a time, ballots, results, the recount command and small arithmetic
// (Borda points, pairwise matrices) to compare with.
//
// A TOTP code works once per account: each staff account signs in once and
// its Client is kept.  Hashing is limited on the server (503 busy beyond a
// few sign-ins at once), so accounts are made with a small concurrency and
// retried on 503.
//
// Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sleep } from './helpers.mjs';
import {
  Client, accountRow, concerto, newEmail, newNet, newPassword, newPseudonym, outboxToken, register,
  sql, suffix, totp, userAdd,
} from './accounts-helpers.mjs';

export const API = '/api/v1';
export const CONSULTATIONS = `${API}/consultations`;
export const consultationPath = (id) => `${CONSULTATIONS}/${id}`;
export const prioritiesPath = (id) => `${CONSULTATIONS}/${id}/priorities`;
export const priorityPath = (id) => `${API}/priorities/${id}`;
export const submissionsPath = (id) => `${CONSULTATIONS}/${id}/submissions`;
export const ballotPath = (id) => `${CONSULTATIONS}/${id}/ballot`;
export const assistedPath = (id) => `${CONSULTATIONS}/${id}/assisted-ballots`;
export const resultsPath = (id, q = '') => `${CONSULTATIONS}/${id}/results${q}`;
export const csvPath = (id) => `${CONSULTATIONS}/${id}/results.csv`;

export const PHASES = ['draft', 'gathering', 'voting', 'closed', 'published'];
export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const MINUTE = 60e3;
export const HOUR = 3600e3;
export const DAY = 86400e3;

// An RFC 3339 UTC time offset ms from now, to the second.
export const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

// "status text" of a response, for assertion messages.
export const show = (r) => `${r.status} ${String(r.text).slice(0, 600)}`;

// Asserts a status and returns the JSON body.
export function ok(r, status = 200, what = '') {
  assert.equal(r.status, status, `${what ? `${what}: ` : ''}expected ${status}, got ${show(r)}`);
  return r.json;
}

// Runs fn over items with at most `limit` calls at once; resolves to the
// results in the order of items.
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// Calls fn() again while it answers 503 (hashing busy), a few times.
async function retryBusy(fn, what) {
  let r;
  for (let i = 0; i < 40; i++) {
    r = await fn();
    if (r.status !== 503) return r;
    await sleep(150 + i * 50);
  }
  assert.fail(`${what}: still 503 busy after 40 tries: ${show(r)}`);
}

// ------------------------------------------------------------------ staff

// A moderator or admin made with `concerto user add`, signed in once with a
// TOTP code (second factor verified). Returns { client, id, email, ... }.
export async function staffClient(role = 'moderator') {
  const s = {
    email: newEmail(role), pseudonym: newPseudonym(role === 'admin' ? 'Admin' : 'Mod'),
    password: newPassword(), role,
  };
  const out = userAdd(s);
  assert.equal(out.status, 0, `user add ${role}: ${out.status}\n${out.stdout}\n${out.stderr}`);
  assert.ok(out.totpSecret, `user add prints an otpauth URI:\n${out.stdout}`);
  const client = new Client(newNet().addr());
  const r = await retryBusy(() => client.signIn(s.email, s.password, { totp: totp(out.totpSecret) }), `sign-in of ${role}`);
  assert.equal(r.status, 200, `sign-in of ${role} ${s.email}: ${show(r)}`);
  assert.equal(r.json.second_factor, 'verified', `second factor of ${role}: ${show(r)}`);
  return { ...s, client, id: Number(accountRow(s.email).id) };
}

// One admin and one moderator per test file, made at first use.
let adminP;
let moderatorP;
export const admin = () => (adminP ||= staffClient('admin'));
export const moderator = () => (moderatorP ||= staffClient('moderator'));

// -------------------------------------------------------------- participants

// A registered participant (verified unless verified: false), signed in
// from a network of its own. overrides go to the registration (profile,
// interests_declared...); patient and carer profiles get the health-data
// consent they need.
export async function participant({ verified = true, ...overrides } = {}) {
  const client = new Client(newNet().addr());
  if ((overrides.profile === 'patient' || overrides.profile === 'carer') && overrides.health_data_consent === undefined) {
    overrides.health_data_consent = true;
  }
  if (overrides.interests_declared && overrides.interests_text === undefined) {
    overrides.interests_text = 'Consultant pour un laboratoire pharmaceutique';
  }
  let body;
  const r = await retryBusy(async () => {
    const x = await register(client, overrides);
    body = x.body;
    return x.r;
  }, 'registration');
  assert.equal(r.status, 202, `registration: ${show(r)}`);
  if (verified) {
    const v = await client.post('/api/v1/accounts/verify', { token: outboxToken(body.email, 'verify') }, { csrf: false });
    assert.equal(v.status, 200, `verification: ${show(v)}`);
  }
  const s = await retryBusy(() => client.signIn(body.email, body.password), 'sign-in');
  assert.equal(s.status, 200, `sign-in of ${body.email}: ${show(s)}`);
  return { ...body, client, id: Number(s.json?.account?.id ?? accountRow(body.email).id) };
}

// n participants, made three at a time; overrides is an object or a
// function of the index.
export function participants(n, overrides = {}) {
  return pool(Array.from({ length: n }, (_, i) => i), 3,
    (i) => participant(typeof overrides === 'function' ? overrides(i) : { ...overrides }));
}

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

// Adds a priority (as a moderator or admin); returns its JSON.
export async function newPriority(staff, consultationId, overrides = {}) {
  const r = await staff.client.post(prioritiesPath(consultationId), {
    title_fr: `Question de recherche ${suffix()}`,
    description_fr: 'Pourquoi cette question compte pour les personnes concernées.',
    ...overrides,
  });
  return ok(r, 201, 'create priority');
}

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

// ------------------------------------------------------------------ results

// Results seen by an admin (always visible to admins).
export async function adminResults(id, q = '') {
  const a = await admin();
  return ok(await a.client.get(resultsPath(id, q)), 200, `results of ${id}${q}`);
}

// The results' priorities by id.
export const byId = (results) => Object.fromEntries(results.priorities.map((p) => [p.id, p]));

// ------------------------------------------------------------------ SQL, CLI

export const ballotRows = (consultationId) => sql(
  'SELECT * FROM ballots WHERE consultation_id = :cid ORDER BY id', { cid: consultationId });

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

// ------------------------------------------------------------ arithmetic

// A small seeded generator (mulberry32), to replay a random workload.
export function rng(seed = randomBytes(4).readUInt32LE(0)) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const shuffle = (xs) => {
    const a2 = xs.slice();
    for (let i = a2.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [a2[i], a2[j]] = [a2[j], a2[i]];
    }
    return a2;
  };
  return { seed, next, int, shuffle, pick: (xs) => xs[int(xs.length)] };
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

// RFC 4180 rows (quoted fields may hold commas, quotes, line breaks).
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { /* CRLF */ } else if (ch === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
