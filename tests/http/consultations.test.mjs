// SPDX-License-Identifier: AGPL-3.0-or-later
// Consultations, research priorities and question gathering (issue 4):
// admins create and edit consultations, drafts are invisible to everyone
// but staff, phases move forward only (by an admin or by their dates), the
// voting rules freeze once the vote opens, the list filters by phase and
// pages stably; moderators edit priorities until the vote opens, with their
// evidence check; participants submit questions while the consultation
// gathers them, under pre- or post-moderation, and moderators merge
// submissions into priorities that show their sources publicly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONSULTATIONS, consultationPath, prioritiesPath, priorityPath, submissionsPath } from './lib/paths.mjs';
import { DAY, HOUR, at, suffix } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { TIME_RE, assertError, ok, show } from './lib/assert.mjs';
import { admin, moderator, participant, participants } from './lib/accounts.mjs';
import {
  PHASES, consultationBody, deleteBallot, newConsultation, newPriority, vote, votingConsultation,
} from './lib/consultations.mjs';

const CONSULTATION_KEYS = ['id', 'phase', 'title_fr', 'title_en', 'summary_fr', 'summary_en', 'easy_summary_fr',
  'easy_summary_en', 'body_fr', 'body_en', 'gathering_at', 'voting_at', 'closes_at', 'publish_at', 'method',
  'max_choices', 'max_ranks', 'weighting', 'moderation', 'profile_targets', 'participants', 'created_at', 'updated_at', 'priorities'].sort();
const PRIORITY_KEYS = ['id', 'consultation_id', 'position', 'title_fr', 'title_en', 'description_fr', 'description_en',
  'question', 'evidence_status', 'evidence_links', 'in_vote', 'sources', 'created_at', 'updated_at'].sort();
const SUBMISSION_KEYS = ['id', 'consultation_id', 'text', 'status', 'author', 'mine', 'priority_ids', 'created_at'].sort();

const sameTime = (a, b, what) => assert.equal(Date.parse(a), Date.parse(b), `${what}: ${a} is ${b}`);

// Every consultation of a listing, following next_cursor; asserts each page.
async function listAll(client, query = '', limit = 100) {
  const ids = [];
  const items = [];
  let cursor = null;
  for (let n = 0; n < 200; n++) {
    const q = `?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await client.get(`${CONSULTATIONS}${q}`);
    const page = ok(r, 200, `GET ${CONSULTATIONS}${q}`);
    assert.ok(Array.isArray(page.consultations), `a consultations array: ${show(r)}`);
    assert.ok(page.consultations.length <= limit, `at most ${limit} per page: ${page.consultations.length}`);
    for (const c of page.consultations) { ids.push(c.id); items.push(c); }
    if (page.next_cursor === null) return { ids, items };
    assert.equal(typeof page.next_cursor, 'string', `next_cursor is a string or null: ${show(r)}`);
    cursor = page.next_cursor;
  }
  assert.fail('more than 200 pages');
}

async function submissionsOf(client, id, query = '') {
  const r = await client.get(`${submissionsPath(id)}${query}`);
  return ok(r, 200, `GET submissions of ${id}`);
}

// ------------------------------------------------------------ consultations

test('an admin creates a consultation: 201, a draft, every field as given and the defaults', async () => {
  const a = await admin();
  const body = consultationBody({
    title_en: 'Research priorities in cancer survivorship',
    summary_fr: 'Premier paragraphe.\nSecond paragraphe.',
    summary_en: 'Which questions first?',
    easy_summary_fr: 'On vous demande quelles questions étudier.',
    body_en: 'People affected, carers and professionals choose together.',
    gathering_at: at(2 * DAY), voting_at: at(10 * DAY), closes_at: at(20 * DAY), publish_at: at(25 * DAY),
    max_choices: 5,
  });
  const r = await a.client.post(CONSULTATIONS, body);
  const c = ok(r, 201, 'create');
  assert.deepEqual(Object.keys(c).sort(), CONSULTATION_KEYS, `the consultation fields: ${show(r)}`);
  assert.ok(Number.isInteger(c.id) && c.id > 0, 'an integer id');
  assert.equal(c.phase, 'draft', 'a new consultation is a draft');
  for (const k of ['title_fr', 'title_en', 'summary_fr', 'summary_en', 'easy_summary_fr', 'body_fr', 'body_en', 'method']) {
    assert.equal(c[k], body[k], `${k} as given`);
  }
  assert.equal(c.easy_summary_en, null, 'easy_summary_en defaults to null');
  for (const k of ['gathering_at', 'voting_at', 'closes_at', 'publish_at']) {
    assert.match(c[k], TIME_RE, `${k} is an RFC 3339 UTC time`);
    sameTime(c[k], body[k], k);
  }
  assert.equal(c.max_choices, 5);
  assert.equal(c.max_ranks, null, 'max_ranks is null for approval');
  assert.equal(c.weighting, 'none', 'weighting defaults to none');
  assert.equal(c.moderation, 'post', 'moderation defaults to post');
  assert.match(c.created_at, TIME_RE);
  assert.match(c.updated_at, TIME_RE);
  assert.ok(Math.abs(Date.parse(c.created_at) - Date.now()) < 5 * 60e3, `created now: ${c.created_at}`);
  assert.deepEqual(c.priorities, []);

  const g = await a.client.get(consultationPath(c.id));
  assert.deepEqual(ok(g, 200, 'GET'), c, 'GET shows what POST answered');

  const rk = await a.client.post(CONSULTATIONS, consultationBody({
    method: 'ranked', max_ranks: 7, weighting: 'fr-regions', moderation: 'pre', title_en: null,
  }));
  const k = ok(rk, 201, 'create ranked');
  assert.equal(k.method, 'ranked');
  assert.equal(k.max_ranks, 7);
  assert.equal(k.max_choices, null, 'max_choices is null for ranked');
  assert.equal(k.weighting, 'fr-regions');
  assert.equal(k.moderation, 'pre');
  assert.equal(k.title_en, null);
  assert.equal(k.gathering_at, null);
  assert.equal(k.publish_at, null);
  const w = ok(await a.client.post(CONSULTATIONS, consultationBody({ weighting: 'idf-departements' })), 201, 'idf weighting');
  assert.equal(w.weighting, 'idf-departements');
});

test('only admins create and edit consultations: anonymous 401, participants and moderators 403, no CSRF token 403', async () => {
  const [a, m, [p]] = await Promise.all([admin(), moderator(), participants(1)]);
  const body = consultationBody();
  assertError(await anon().post(CONSULTATIONS, body), 401, 'authentication_required');
  assertError(await p.client.post(CONSULTATIONS, body), 403, 'forbidden');
  assertError(await m.client.post(CONSULTATIONS, body), 403, 'forbidden');
  assertError(await a.client.post(CONSULTATIONS, body, { csrf: false }), 403, 'csrf_failed');

  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const path = consultationPath(c.id);
  assertError(await anon().patch(path, { title_fr: 'Titre changé par un anonyme' }), 401, 'authentication_required');
  assertError(await p.client.patch(path, { title_fr: 'Titre changé par un participant' }), 403, 'forbidden');
  assertError(await m.client.patch(path, { title_fr: 'Titre changé par un modérateur' }), 403, 'forbidden');
  assertError(await a.client.patch(path, { title_fr: 'Titre sans jeton CSRF' }, { csrf: false }), 403, 'csrf_failed');
  const g = ok(await anon().get(path), 200, 'GET');
  assert.equal(g.title_fr, c.title_fr, 'no refused PATCH changed the title');

  const e = ok(await a.client.patch(path, { title_fr: 'Titre changé par un admin', summary_en: 'Now in English' }), 200, 'admin PATCH');
  assert.equal(e.title_fr, 'Titre changé par un admin');
  assert.equal(e.summary_en, 'Now in English');
  assert.equal(e.summary_fr, c.summary_fr, 'fields not sent are kept');
  assert.ok(Date.parse(e.updated_at) >= Date.parse(c.updated_at), 'updated_at moves forward');
  assert.equal(ok(await anon().get(path), 200).title_fr, 'Titre changé par un admin', 'everyone sees the edit');
});

test('a draft is 404 to participants and anonymous visitors and absent from their lists; staff see it', async () => {
  const [a, m, [p]] = await Promise.all([admin(), moderator(), participants(1)]);
  // Dates already past do not move a draft: it stays a draft until an admin moves it.
  const d = await newConsultation(a, { voting_at: at(-2 * HOUR), closes_at: at(DAY) });
  assert.equal(d.phase, 'draft');
  const visible = await newConsultation(a, {}, { phase: 'gathering' });
  const who = [['anonymous', anon()], ['participant', p.client]];
  for (const [name, c] of who) {
    for (const path of [consultationPath(d.id), prioritiesPath(d.id), submissionsPath(d.id)]) {
      assertError(await c.get(path), 404, 'not_found');
    }
    assertError(await c.get(`${consultationPath(d.id)}/results`), 404, 'not_found');
    const all = await listAll(c);
    assert.ok(!all.ids.includes(d.id), `the draft is not in the ${name}'s list`);
    assert.ok(all.ids.includes(visible.id), `the gathering consultation is in the ${name}'s list`);
    assert.ok(all.items.every((x) => x.phase !== 'draft'), `no draft at all in the ${name}'s list`);
    const drafts = await listAll(c, '&phase=draft');
    assert.deepEqual(drafts.ids, [], `?phase=draft is empty for the ${name}`);
  }
  assertError(await p.client.post(submissionsPath(d.id), { text: 'Une question sur un brouillon invisible' }), 404, 'not_found');

  for (const [name, s] of [['admin', a], ['moderator', m]]) {
    const g = ok(await s.client.get(consultationPath(d.id)), 200, `${name} GET of a draft`);
    assert.equal(g.phase, 'draft', `${name} sees a draft`);
    ok(await s.client.get(prioritiesPath(d.id)), 200, `${name} GET priorities of a draft`);
    const drafts = await listAll(s.client, '&phase=draft');
    assert.ok(drafts.ids.includes(d.id), `the draft is in the ${name}'s ?phase=draft list`);
    assert.ok(drafts.items.every((x) => x.phase === 'draft'), `only drafts in the ${name}'s ?phase=draft list`);
    assert.ok((await listAll(s.client)).ids.includes(d.id), `the draft is in the ${name}'s list`);
  }
});

test('unknown and non-numeric ids are 404 not_found', async () => {
  const a = await admin();
  for (const path of [consultationPath(2147483000), consultationPath('abc'), consultationPath('12abc'),
    prioritiesPath(2147483000), submissionsPath(2147483000)]) {
    assertError(await anon().get(path), 404, 'not_found');
  }
  assertError(await a.client.patch(consultationPath(2147483000), { title_fr: 'Personne ici' }), 404, 'not_found');
  assertError(await a.client.patch(priorityPath(2147483000), { title_fr: 'Personne ici' }), 404, 'not_found');
  assertError(await a.client.post(prioritiesPath(2147483000), { title_fr: 'Personne ici' }), 404, 'not_found');
});

test('phases move forward only: skipping is allowed, backwards is 409 phase_backwards and changes nothing', async () => {
  const a = await admin();
  const c = await newConsultation(a);
  const path = consultationPath(c.id);
  const phaseNow = async () => ok(await a.client.get(path), 200).phase;
  const move = async (phase, want) => {
    const r = await a.client.patch(path, { phase });
    assert.equal(ok(r, 200, `${want}: PATCH phase ${phase}`).phase, want, `PATCH phase ${phase}: ${show(r)}`);
  };
  const refuse = async (phase, now) => {
    assertError(await a.client.patch(path, { phase }), 409, 'phase_backwards');
    assert.equal(await phaseNow(), now, `a refused move from ${now} to ${phase} keeps ${now}`);
  };
  await move('gathering', 'gathering');
  await refuse('draft', 'gathering');
  // An admin may open the vote before voting_at.
  await move('voting', 'voting');
  await refuse('gathering', 'voting');
  await refuse('draft', 'voting');
  await move('closed', 'closed');
  await refuse('voting', 'closed');
  await refuse('gathering', 'closed');
  await move('published', 'published');
  assertError(await a.client.patch(path, { title_fr: 'Trop tard pour changer' }), 409, 'published');
  assert.equal(await phaseNow(), 'published');

  // Skips: draft -> voting, voting -> published.
  const s = await newConsultation(a);
  const sp = consultationPath(s.id);
  assert.equal(ok(await a.client.patch(sp, { phase: 'voting' }), 200).phase, 'voting', 'draft -> voting');
  assert.equal(ok(await a.client.patch(sp, { phase: 'published' }), 200).phase, 'published', 'voting -> published');

  assertError(await a.client.patch(path, { phase: 'finished' }), 400, 'invalid_field', 'phase');
  assertError(await a.client.patch(sp, { phase: 'archived' }), 400, 'invalid_field', 'phase');
});

test('dates move the phase forward once the consultation is not a draft', async () => {
  const a = await admin();
  // Voting opened an hour ago: moved to gathering, it shows "voting".
  const v = await newConsultation(a, { voting_at: at(-HOUR), closes_at: at(DAY) });
  assert.equal(v.phase, 'draft', 'a draft stays a draft whatever its dates');
  const r = ok(await a.client.patch(consultationPath(v.id), { phase: 'gathering' }), 200, 'draft -> gathering');
  assert.equal(r.phase, 'voting', 'voting_at is past: the consultation is voting');
  assert.equal(ok(await anon().get(consultationPath(v.id)), 200).phase, 'voting', 'everyone sees "voting"');
  // Backwards is judged against the phase the dates give.
  assertError(await a.client.patch(consultationPath(v.id), { phase: 'gathering' }), 409, 'phase_backwards');

  // Closed yesterday.
  const c = await newConsultation(a, { voting_at: at(-2 * DAY), closes_at: at(-DAY) });
  const rc = ok(await a.client.patch(consultationPath(c.id), { phase: 'gathering' }), 200, 'draft -> gathering');
  assert.equal(rc.phase, 'closed', 'closes_at is past: the consultation is closed');
  assert.equal(ok(await anon().get(consultationPath(c.id)), 200).phase, 'closed');

  // Published by publish_at.
  const p = await newConsultation(a, { voting_at: at(-3 * DAY), closes_at: at(-2 * DAY), publish_at: at(-HOUR) });
  const rp = ok(await a.client.patch(consultationPath(p.id), { phase: 'voting' }), 200, 'draft -> voting');
  assert.equal(rp.phase, 'published', 'publish_at is past: the consultation is published');

  // An admin opening the vote early: dates in the future do not move it back.
  const e = await newConsultation(a, { voting_at: at(5 * DAY), closes_at: at(10 * DAY) }, { phase: 'voting' });
  assert.equal(e.phase, 'voting');
  const moved = ok(await a.client.patch(consultationPath(e.id), { closes_at: at(12 * DAY) }), 200, 'move closes_at later');
  assert.equal(moved.phase, 'voting', 'changing a date keeps the current phase');
  sameTime(moved.closes_at, at(12 * DAY), 'closes_at');
  const g = await newConsultation(a, { voting_at: at(5 * DAY), closes_at: at(10 * DAY) }, { phase: 'gathering' });
  const later = ok(await a.client.patch(consultationPath(g.id), { voting_at: at(6 * DAY), closes_at: at(11 * DAY) }), 200);
  assert.equal(later.phase, 'gathering');
  const cl = await newConsultation(a, { voting_at: at(5 * DAY), closes_at: at(10 * DAY) }, { phase: 'closed' });
  assert.equal(cl.phase, 'closed');
  const pub = ok(await a.client.patch(consultationPath(cl.id), { publish_at: at(15 * DAY) }), 200, 'set publish_at');
  assert.equal(pub.phase, 'closed', 'a closed consultation with a future publish_at stays closed');

  // The list filters on the phase shown.
  const voting = await listAll(anon(), '&phase=voting');
  assert.ok(voting.ids.includes(v.id), 'the consultation voting by date is in ?phase=voting');
  assert.ok(voting.items.every((x) => x.phase === 'voting'), 'only voting consultations in ?phase=voting');
  const gathering = await listAll(anon(), '&phase=gathering');
  assert.ok(!gathering.ids.includes(v.id), 'and not in ?phase=gathering');
  assert.ok(gathering.ids.includes(g.id), 'the gathering one is in ?phase=gathering');
  const closed = await listAll(anon(), '&phase=closed');
  assert.ok(closed.ids.includes(c.id) && closed.ids.includes(cl.id), 'the closed ones are in ?phase=closed');
  const published = await listAll(anon(), '&phase=published');
  assert.ok(published.ids.includes(p.id), 'the published one is in ?phase=published');
});

test('once voting opens the voting rules are frozen (409 voting_rules_frozen), closes_at once closed, everything once published', async () => {
  const a = await admin();
  const { c } = await votingConsultation({ method: 'approval', k: 3, priorities: 2, gathering_at: at(-2 * HOUR) });
  const path = consultationPath(c.id);
  const frozen = [
    ['method', { method: 'ranked' }], ['max_choices', { max_choices: 4 }], ['weighting', { weighting: 'fr-regions' }],
    ['voting_at', { voting_at: at(-30 * 60e3) }], ['gathering_at', { gathering_at: at(-3 * HOUR) }],
  ];
  for (const [field, body] of frozen) {
    assertError(await a.client.patch(path, body), 409, 'voting_rules_frozen', field);
  }
  const g = ok(await a.client.get(path), 200);
  assert.equal(g.method, 'approval');
  assert.equal(g.max_choices, 3);
  assert.equal(g.weighting, 'none');
  sameTime(g.voting_at, c.voting_at, 'voting_at unchanged');
  sameTime(g.gathering_at, c.gathering_at, 'gathering_at unchanged');

  // Texts and the closing date may still change while voting.
  const t = ok(await a.client.patch(path, { title_fr: 'Titre corrigé pendant le vote', closes_at: at(2 * DAY) }), 200, 'edit while voting');
  assert.equal(t.title_fr, 'Titre corrigé pendant le vote');
  sameTime(t.closes_at, at(2 * DAY), 'closes_at moved');
  assert.equal(t.phase, 'voting');
  // A frozen field in a PATCH with allowed ones refuses the whole PATCH.
  assertError(await a.client.patch(path, { title_fr: 'Autre titre', max_choices: 2 }), 409, 'voting_rules_frozen', 'max_choices');
  assert.equal(ok(await a.client.get(path), 200).title_fr, 'Titre corrigé pendant le vote', 'the refused PATCH changed nothing');

  const { c: rk } = await votingConsultation({ method: 'ranked', k: 3, priorities: 2 });
  assertError(await a.client.patch(consultationPath(rk.id), { max_ranks: 5 }), 409, 'voting_rules_frozen', 'max_ranks');
  assertError(await a.client.patch(consultationPath(rk.id), { method: 'approval' }), 409, 'voting_rules_frozen', 'method');

  // Closed: closes_at too.
  ok(await a.client.patch(path, { phase: 'closed' }), 200, 'close');
  assertError(await a.client.patch(path, { closes_at: at(3 * DAY) }), 409, 'voting_rules_frozen', 'closes_at');
  const e = ok(await a.client.patch(path, { title_en: 'Title corrected after the vote' }), 200, 'edit a text once closed');
  assert.equal(e.title_en, 'Title corrected after the vote');

  // Published: every field.
  ok(await a.client.patch(path, { phase: 'published' }), 200, 'publish');
  for (const body of [{ title_fr: 'Encore un titre' }, { summary_en: 'Summary' }, { publish_at: at(4 * DAY) }]) {
    assertError(await a.client.patch(path, body), 409, 'published');
  }
  assert.equal(ok(await a.client.get(path), 200).title_en, 'Title corrected after the vote');
});

test('consultation fields are validated: 400 missing_field, invalid_field, unknown_field; 422 rule errors', async () => {
  const a = await admin();
  const newestDraft = async () => ok(await a.client.get(`${CONSULTATIONS}?phase=draft&limit=1`), 200, 'drafts').consultations[0]?.id;
  const before = await newestDraft();
  const bad = async (status, code, field, overrides) => {
    const body = consultationBody(overrides);
    const r = await a.client.post(CONSULTATIONS, body);
    assertError(r, status, code, field);
  };
  await bad(400, 'missing_field', 'title_fr', { title_fr: undefined });
  await bad(400, 'missing_field', 'summary_fr', { summary_fr: undefined });
  await bad(400, 'missing_field', 'body_fr', { body_fr: undefined });
  await bad(400, 'missing_field', 'voting_at', { voting_at: undefined });
  await bad(400, 'missing_field', 'closes_at', { closes_at: undefined });
  await bad(400, 'missing_field', 'method', { method: undefined, max_choices: undefined, max_ranks: undefined });
  await bad(400, 'invalid_field', 'title_fr', { title_fr: 'ab' });
  await bad(400, 'invalid_field', 'title_fr', { title_fr: 'x'.repeat(201) });
  await bad(400, 'invalid_field', 'title_fr', { title_fr: 'Deux\nlignes' });
  await bad(400, 'invalid_field', 'title_fr', { title_fr: 42 });
  await bad(400, 'invalid_field', 'title_en', { title_en: 'en' });
  await bad(400, 'invalid_field', 'summary_fr', { summary_fr: '' });
  await bad(400, 'invalid_field', 'summary_fr', { summary_fr: 'x'.repeat(2001) });
  await bad(400, 'invalid_field', 'easy_summary_fr', { easy_summary_fr: 'x'.repeat(2001) });
  await bad(400, 'invalid_field', 'body_fr', { body_fr: 'x'.repeat(50001) });
  await bad(400, 'invalid_field', 'method', { method: 'borda' });
  await bad(400, 'invalid_field', 'max_choices', { max_choices: 0 });
  await bad(400, 'invalid_field', 'max_choices', { max_choices: 51 });
  await bad(400, 'invalid_field', 'max_choices', { max_choices: 2.5 });
  await bad(400, 'invalid_field', 'max_choices', { max_choices: '3' });
  await bad(400, 'invalid_field', 'max_ranks', { method: 'ranked', max_ranks: 21 });
  await bad(400, 'invalid_field', 'max_ranks', { method: 'ranked', max_ranks: 0 });
  await bad(400, 'invalid_field', 'weighting', { weighting: 'departements' });
  await bad(400, 'invalid_field', 'moderation', { moderation: 'none' });
  await bad(400, 'invalid_field', 'voting_at', { voting_at: 'demain matin' });
  await bad(400, 'invalid_field', 'voting_at', { voting_at: '2026-13-01T10:00:00Z' });
  await bad(400, 'invalid_field', 'closes_at', { closes_at: 1767225600 });
  await bad(400, 'unknown_field', 'colour', { colour: 'bleu' });
  await bad(400, 'unknown_field', 'phase', { phase: 'voting' });

  await bad(422, 'max_choices_required', 'max_choices', { max_choices: undefined });
  await bad(422, 'max_ranks_required', 'max_ranks', { method: 'ranked', max_ranks: undefined });
  await bad(422, 'not_for_method', 'max_ranks', { max_ranks: 3 });
  await bad(422, 'not_for_method', 'max_choices', { method: 'ranked', max_choices: 3 });
  const dates = async (overrides, fields) => {
    const r = await a.client.post(CONSULTATIONS, consultationBody(overrides));
    const e = assertError(r, 422, 'invalid_dates');
    assert.ok(fields.includes(e.field), `invalid_dates names ${fields.join(' or ')}: ${show(r)}`);
  };
  await dates({ voting_at: at(10 * DAY), closes_at: at(10 * DAY) }, ['closes_at', 'voting_at']);
  await dates({ voting_at: at(10 * DAY), closes_at: at(9 * DAY) }, ['closes_at', 'voting_at']);
  await dates({ gathering_at: at(10 * DAY), voting_at: at(10 * DAY) }, ['gathering_at', 'voting_at']);
  await dates({ gathering_at: at(11 * DAY) }, ['gathering_at', 'voting_at']);
  await dates({ publish_at: at(19 * DAY) }, ['publish_at', 'closes_at']);

  const after = await newestDraft();
  assert.equal(after, before, 'no refused request created a consultation');

  // PATCH: the same rules on the merged values.
  const c = await newConsultation(a, {});
  const path = consultationPath(c.id);
  assertError(await a.client.patch(path, { closes_at: at(5 * DAY) }), 422, 'invalid_dates');
  assertError(await a.client.patch(path, { max_ranks: 4 }), 422, 'not_for_method', 'max_ranks');
  assertError(await a.client.patch(path, { title_fr: 'no' }), 400, 'invalid_field', 'title_fr');
  assertError(await a.client.patch(path, { colour: 'rouge' }), 400, 'unknown_field', 'colour');
  const g = ok(await a.client.get(path), 200);
  sameTime(g.closes_at, c.closes_at, 'closes_at unchanged');
  assert.equal(g.max_ranks, null);
  const okp = ok(await a.client.patch(path, { voting_at: at(4 * DAY), closes_at: at(5 * DAY), max_choices: 7 }), 200, 'valid merged dates');
  sameTime(okp.closes_at, at(5 * DAY), 'closes_at');
  assert.equal(okp.max_choices, 7);
});

test('the list is newest first, filters by phase and refuses bad parameters', async () => {
  const a = await admin();
  const g = await newConsultation(a, {}, { phase: 'gathering' });
  const v = await newConsultation(a, { voting_at: at(-HOUR), closes_at: at(DAY) }, { phase: 'voting' });
  const r = await anon().get(`${CONSULTATIONS}?limit=5`);
  const page = ok(r, 200, 'list');
  assert.deepEqual(Object.keys(page).sort(), ['consultations', 'next_cursor']);
  assert.equal(page.consultations[0].id, v.id, `the newest first: ${show(r)}`);
  assert.equal(page.consultations[1].id, g.id);
  const item = page.consultations[0];
  assert.equal(item.priorities, undefined, 'list items carry no priorities');
  for (const k of CONSULTATION_KEYS.filter((x) => x !== 'priorities')) assert.ok(k in item, `list items have ${k}`);
  const ids = page.consultations.map((x) => x.id);
  assert.deepEqual(ids, ids.slice().sort((x, y) => y - x), 'id descending');

  const dflt = ok(await anon().get(CONSULTATIONS), 200);
  assert.ok(dflt.consultations.length <= 20, 'the default limit is 20');

  const gathering = await listAll(anon(), '&phase=gathering', 50);
  assert.ok(gathering.ids.includes(g.id) && !gathering.ids.includes(v.id), 'phase=gathering');
  assert.ok(gathering.items.every((x) => x.phase === 'gathering'), 'only gathering ones');
  const voting = await listAll(anon(), '&phase=voting', 50);
  assert.ok(voting.ids.includes(v.id) && !voting.ids.includes(g.id), 'phase=voting');

  assertError(await anon().get(`${CONSULTATIONS}?phase=finished`), 400, 'invalid_field', 'phase');
  assertError(await anon().get(`${CONSULTATIONS}?cursor=not-a-cursor`), 400, 'invalid_field', 'cursor');
  assertError(await anon().get(`${CONSULTATIONS}?limit=0`), 400, 'invalid_field', 'limit');
  assertError(await anon().get(`${CONSULTATIONS}?limit=101`), 400, 'invalid_field', 'limit');
  assertError(await anon().get(`${CONSULTATIONS}?limit=ten`), 400, 'invalid_field', 'limit');
  ok(await anon().get(`${CONSULTATIONS}?limit=100`), 200, 'limit=100');
});

test('pages are stable under inserts: no duplicate and no gap while consultations are created', async () => {
  const a = await admin();
  for (let i = 0; i < 8; i++) await newConsultation(a, {}, { phase: i % 2 ? 'gathering' : 'voting' });
  const client = anon();
  const full = await listAll(client);
  assert.ok(full.ids.length >= 8, `at least 8 visible consultations: ${full.ids.length}`);

  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = ok(await client.get(`${CONSULTATIONS}${q}`), 200, `page ${pages}`);
    seen.push(...page.consultations.map((x) => x.id));
    cursor = page.next_cursor;
    pages++;
    // Between two pages, new consultations appear (visible ones and a draft).
    await newConsultation(a, {}, { phase: 'gathering' });
    await newConsultation(a);
  } while (cursor !== null && pages < 200);
  assert.ok(pages >= 3, `several pages: ${pages}`);
  assert.equal(new Set(seen).size, seen.length, `no duplicate: ${seen.join(',')}`);
  assert.deepEqual(seen, full.ids, 'the pages hold exactly the consultations there were when paging began, in order');
});

// --------------------------------------------------------------- priorities

test('moderators create, list and edit priorities; ordered by position then id', async () => {
  const [a, m, [p]] = await Promise.all([admin(), moderator(), participants(1)]);
  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const body = {
    title_fr: 'Fatigue après les traitements',
    title_en: 'Fatigue after treatment',
    description_fr: 'Premier paragraphe.\nSecond paragraphe.',
    question: 'Chez les adultes après un cancer, quelles interventions réduisent la fatigue ?',
    evidence_links: ['https://www.has-sante.fr/jcms/p_3000000', 'http://example.org/revue'],
    position: 5,
  };
  const r = await m.client.post(prioritiesPath(c.id), body);
  const pa = ok(r, 201, 'moderator creates a priority');
  assert.deepEqual(Object.keys(pa).sort(), PRIORITY_KEYS, `the priority fields: ${show(r)}`);
  assert.ok(Number.isInteger(pa.id));
  assert.equal(pa.consultation_id, c.id);
  for (const k of ['title_fr', 'title_en', 'description_fr', 'question', 'position']) assert.equal(pa[k], body[k], k);
  assert.deepEqual(pa.evidence_links, body.evidence_links);
  assert.equal(pa.description_en, null);
  assert.equal(pa.evidence_status, 'unanswered', 'unanswered by default');
  assert.equal(pa.in_vote, true);
  assert.deepEqual(pa.sources, []);
  assert.match(pa.created_at, TIME_RE);
  assert.match(pa.updated_at, TIME_RE);

  const pb = await newPriority(m, c.id, { position: 2 });
  const pc = await newPriority(a, c.id, { position: 5 });
  const pd = await newPriority(m, c.id);
  assert.ok(pd.position > 5, `without a position, after the last: ${pd.position}`);
  const list = ok(await anon().get(prioritiesPath(c.id)), 200, 'list');
  assert.deepEqual(list.priorities.map((x) => x.id), [pb.id, pa.id, pc.id, pd.id], 'by position then id');
  const cg = ok(await anon().get(consultationPath(c.id)), 200);
  assert.deepEqual(cg.priorities.map((x) => x.id), [pb.id, pa.id, pc.id, pd.id], 'the consultation carries them in order');
  assert.deepEqual(cg.priorities[1], pa, 'as created');

  const e = ok(await m.client.patch(priorityPath(pd.id), {
    position: 1, title_fr: 'Retour au travail', evidence_status: 'partly_answered',
    evidence_links: ['https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD007569'],
  }), 200, 'PATCH');
  assert.equal(e.title_fr, 'Retour au travail');
  assert.equal(e.position, 1);
  assert.equal(e.evidence_status, 'partly_answered');
  assert.equal(e.in_vote, true, 'partly answered stays in the vote');
  assert.equal(e.description_fr, pd.description_fr, 'fields not sent are kept');
  const again = ok(await anon().get(prioritiesPath(c.id)), 200);
  assert.deepEqual(again.priorities.map((x) => x.id), [pd.id, pb.id, pa.id, pc.id], 'moved first');

  // Who may.
  assertError(await p.client.post(prioritiesPath(c.id), { title_fr: 'Par un participant' }), 403, 'forbidden');
  assertError(await anon().post(prioritiesPath(c.id), { title_fr: 'Par un anonyme' }), 401, 'authentication_required');
  assertError(await p.client.patch(priorityPath(pa.id), { title_fr: 'Par un participant' }), 403, 'forbidden');
  assertError(await m.client.patch(priorityPath(pa.id), { title_fr: 'Sans jeton' }, { csrf: false }), 403, 'csrf_failed');
  assert.equal(ok(await anon().get(prioritiesPath(c.id)), 200).priorities.length, 4, 'nothing added by refused requests');

  // Validation.
  const bad = async (code, field, b, path = prioritiesPath(c.id), method = 'post') => {
    assertError(await m.client[method](path, b), 400, code, field);
  };
  await bad('missing_field', 'title_fr', { description_fr: 'Sans titre' });
  await bad('invalid_field', 'title_fr', { title_fr: 'ab' });
  await bad('invalid_field', 'title_fr', { title_fr: 'x'.repeat(301) });
  await bad('invalid_field', 'description_fr', { title_fr: 'Une question', description_fr: 'x'.repeat(5001) });
  await bad('invalid_field', 'question', { title_fr: 'Une question', question: 'x'.repeat(2001) });
  await bad('invalid_field', 'position', { title_fr: 'Une question', position: 0 });
  await bad('invalid_field', 'position', { title_fr: 'Une question', position: 1001 });
  await bad('invalid_field', 'evidence_status', { title_fr: 'Une question', evidence_status: 'maybe' });
  await bad('invalid_field', 'evidence_links', { title_fr: 'Une question', evidence_links: ['javascript:alert(1)'] });
  await bad('invalid_field', 'evidence_links', { title_fr: 'Une question', evidence_links: ['ftp://example.org/x'] });
  await bad('invalid_field', 'evidence_links', { title_fr: 'Une question', evidence_links: 'https://example.org' });
  await bad('invalid_field', 'evidence_links', {
    title_fr: 'Une question', evidence_links: Array.from({ length: 21 }, (_, i) => `https://example.org/${i}`),
  });
  await bad('unknown_field', 'colour', { title_fr: 'Une question', colour: 'vert' });
  await bad('invalid_field', 'title_fr', { title_fr: 'ab' }, priorityPath(pa.id), 'patch');
  await bad('invalid_field', 'evidence_status', { evidence_status: 'done' }, priorityPath(pa.id), 'patch');
  await bad('unknown_field', 'consultation_id', { consultation_id: c.id }, priorityPath(pa.id), 'patch');
  const twenty = Array.from({ length: 20 }, (_, i) => `https://example.org/${i}`);
  const t = ok(await m.client.patch(priorityPath(pa.id), { evidence_links: twenty }), 200, '20 links');
  assert.deepEqual(t.evidence_links, twenty);
  assert.equal(ok(await anon().get(prioritiesPath(c.id)), 200).priorities.length, 4, 'nothing added by invalid requests');
});

test('an answered priority leaves the vote but stays published with its evidence', async () => {
  const [a, m] = await Promise.all([admin(), moderator()]);
  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const pr = await newPriority(m, c.id, { title_fr: 'Activité physique et récidive' });
  assert.equal(pr.in_vote, true);
  const links = ['https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD012345'];
  const e = ok(await m.client.patch(priorityPath(pr.id), {
    evidence_status: 'answered', evidence_links: links, question: 'L\u2019activité physique réduit-elle la récidive ?',
  }), 200, 'answered');
  assert.equal(e.evidence_status, 'answered');
  assert.equal(e.in_vote, false, 'answered: not in the vote');
  const pub = ok(await anon().get(prioritiesPath(c.id)), 200).priorities.find((x) => x.id === pr.id);
  assert.ok(pub, 'still listed publicly');
  assert.equal(pub.in_vote, false);
  assert.equal(pub.evidence_status, 'answered');
  assert.deepEqual(pub.evidence_links, links);
  const c2 = ok(await anon().get(consultationPath(c.id)), 200);
  assert.equal(c2.priorities.find((x) => x.id === pr.id).in_vote, false);
  const back = ok(await m.client.patch(priorityPath(pr.id), { evidence_status: 'unanswered' }), 200);
  assert.equal(back.in_vote, true, 'back in the vote while still editable');
});

test('priorities are frozen once voting opens (409 priorities_frozen), whether by phase or by date', async () => {
  const [a, m] = await Promise.all([admin(), moderator()]);
  const { c, ids } = await votingConsultation({ priorities: 2 });
  assertError(await m.client.post(prioritiesPath(c.id), { title_fr: 'Ajoutée pendant le vote' }), 409, 'priorities_frozen');
  assertError(await m.client.patch(priorityPath(ids[0]), { title_fr: 'Changée pendant le vote' }), 409, 'priorities_frozen');
  assertError(await m.client.patch(priorityPath(ids[1]), { evidence_status: 'answered' }), 409, 'priorities_frozen');
  const list = ok(await anon().get(prioritiesPath(c.id)), 200).priorities;
  assert.equal(list.length, 2, 'nothing added');
  assert.notEqual(list[0].title_fr, 'Changée pendant le vote', 'nothing changed');
  assert.equal(list[1].evidence_status, 'unanswered');

  // Gathering stored, but voting_at is past: the vote is open.
  const d = await newConsultation(a, { voting_at: at(-HOUR), closes_at: at(DAY) });
  const pr = await newPriority(m, d.id);
  ok(await a.client.patch(consultationPath(d.id), { phase: 'gathering' }), 200);
  assertError(await m.client.post(prioritiesPath(d.id), { title_fr: 'Trop tard' }), 409, 'priorities_frozen');
  assertError(await m.client.patch(priorityPath(pr.id), { position: 9 }), 409, 'priorities_frozen');

  // Closed and published too.
  ok(await a.client.patch(consultationPath(c.id), { phase: 'closed' }), 200);
  assertError(await m.client.patch(priorityPath(ids[0]), { title_fr: 'Changée après le vote' }), 409, 'priorities_frozen');
});

// -------------------------------------------------------------- submissions

test('participants submit questions while gathering; post-moderated ones are public at once', async () => {
  const [a, [p1, p2]] = await Promise.all([admin(), participants(2)]);
  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const text = 'Comment mieux accompagner le retour au travail après un cancer du sein ?\nEt pour les indépendants ?';
  const r = await p1.client.post(submissionsPath(c.id), { text });
  const s = ok(r, 201, 'submit');
  assert.deepEqual(Object.keys(s).sort(), SUBMISSION_KEYS, `the submission fields: ${show(r)}`);
  assert.equal(s.consultation_id, c.id);
  assert.equal(s.text, text, 'multi-line text kept');
  assert.equal(s.status, 'published', 'post-moderation: published at once');
  assert.equal(s.author, p1.pseudonym);
  assert.equal(s.mine, true);
  assert.deepEqual(s.priority_ids, []);
  assert.match(s.created_at, TIME_RE);

  const seen = (await submissionsOf(anon(), c.id)).submissions;
  assert.equal(seen.length, 1);
  assert.equal(seen[0].id, s.id);
  assert.equal(seen[0].author, p1.pseudonym);
  const by2 = (await submissionsOf(p2.client, c.id)).submissions;
  assert.deepEqual(by2.map((x) => [x.id, x.mine]), [[s.id, false]], 'another participant sees it, not as theirs');
  const by1 = (await submissionsOf(p1.client, c.id)).submissions;
  assert.deepEqual(by1.map((x) => [x.id, x.mine]), [[s.id, true]]);

  // Oldest first, with a cursor.
  const more = [];
  for (let i = 0; i < 4; i++) more.push(ok(await p2.client.post(submissionsPath(c.id), { text: `Question numéro ${i} ${suffix()}` }), 201).id);
  const all = [s.id, ...more];
  const paged = [];
  let cursor = null;
  let n = 0;
  do {
    const page = await submissionsOf(anon(), c.id, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.ok(page.submissions.length <= 2);
    paged.push(...page.submissions.map((x) => x.id));
    cursor = page.next_cursor;
    n++;
  } while (cursor !== null && n < 20);
  assert.deepEqual(paged, all, 'oldest first across pages');
  // "mine" is a boolean for everyone, false for an anonymous visitor.
  assert.equal(seen[0].mine, false, `not mine for an anonymous visitor: ${JSON.stringify(seen[0])}`);
});

test('pre-moderated submissions are pending: seen by their author and moderators only', async () => {
  const [a, m, [p1, p2]] = await Promise.all([admin(), moderator(), participants(2)]);
  const c = await newConsultation(a, { moderation: 'pre' }, { phase: 'gathering' });
  const s = ok(await p1.client.post(submissionsPath(c.id), { text: 'Quels effets tardifs des traitements chez l\u2019enfant ?' }), 201, 'submit');
  assert.equal(s.status, 'pending', 'pre-moderation: pending');
  assert.equal(s.mine, true);
  const mine = (await submissionsOf(p1.client, c.id)).submissions;
  assert.deepEqual(mine.map((x) => [x.id, x.status, x.mine]), [[s.id, 'pending', true]], 'the author sees their pending submission');
  assert.deepEqual((await submissionsOf(p2.client, c.id)).submissions, [], 'another participant does not');
  assert.deepEqual((await submissionsOf(anon(), c.id)).submissions, [], 'an anonymous visitor does not');
  const mod = (await submissionsOf(m.client, c.id)).submissions;
  assert.deepEqual(mod.map((x) => [x.id, x.status, x.mine]), [[s.id, 'pending', false]], 'a moderator does');
});

test('submissions only while gathering (409 not_gathering), by verified participants, validated, no duplicates', async () => {
  const [a, [p, q], u] = await Promise.all([admin(), participants(2), participant({ verified: false })]);
  const text = 'Peut-on prédire la cardiotoxicité des anthracyclines chez l\u2019enfant ?';
  const { c: voting } = await votingConsultation({ priorities: 1 });
  assertError(await p.client.post(submissionsPath(voting.id), { text }), 409, 'not_gathering');
  const byDate = await newConsultation(a, { voting_at: at(-HOUR), closes_at: at(DAY) }, { phase: 'gathering' });
  assert.equal(byDate.phase, 'voting');
  assertError(await p.client.post(submissionsPath(byDate.id), { text }), 409, 'not_gathering');
  const closed = await newConsultation(a, {}, { phase: 'closed' });
  assertError(await p.client.post(submissionsPath(closed.id), { text }), 409, 'not_gathering');

  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const path = submissionsPath(c.id);
  assertError(await anon().post(path, { text }), 401, 'authentication_required');
  assertError(await u.client.post(path, { text }), 403, 'email_not_verified');
  assertError(await p.client.post(path, { text }, { csrf: false }), 403, 'csrf_failed');
  assertError(await p.client.post(path, {}), 400, 'missing_field', 'text');
  assertError(await p.client.post(path, { text: 'Neuf car.' }), 400, 'invalid_field', 'text');
  assertError(await p.client.post(path, { text: 'x'.repeat(2001) }), 400, 'invalid_field', 'text');
  assertError(await p.client.post(path, { text: 12345678901 }), 400, 'invalid_field', 'text');
  assertError(await p.client.post(path, { text, author: 'moi' }), 400, 'unknown_field', 'author');
  assert.deepEqual((await submissionsOf(a.client, c.id)).submissions, [], 'nothing stored by refused requests');

  const s = ok(await p.client.post(path, { text }), 201, 'first');
  assertError(await p.client.post(path, { text }), 409, 'duplicate_submission');
  ok(await q.client.post(path, { text }), 201, 'the same text by another participant');
  const c2 = await newConsultation(a, {}, { phase: 'gathering' });
  ok(await p.client.post(submissionsPath(c2.id), { text }), 201, 'the same text in another consultation');
  const list = (await submissionsOf(anon(), c.id)).submissions;
  assert.equal(list.length, 2, 'two submissions');
  assert.equal(list.filter((x) => x.author === p.pseudonym).length, 1, 'the duplicate was not stored');
  assert.equal(list[0].id, s.id);
});

test('more than 10 submissions an hour by one account, across consultations: 429 too_many_submissions with Retry-After', async () => {
  const [a, [p, q]] = await Promise.all([admin(), participants(2)]);
  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const c2 = await newConsultation(a, {}, { phase: 'gathering' });
  for (let i = 0; i < 10; i++) {
    const where = i < 6 ? c : c2;
    ok(await p.client.post(submissionsPath(where.id), { text: `Question de recherche numéro ${i} ${suffix()}` }), 201, `submission ${i + 1}`);
  }
  for (const where of [c, c2]) {
    const r = await p.client.post(submissionsPath(where.id), { text: `Une onzième question ${suffix()}` });
    assertError(r, 429, 'too_many_submissions');
    const ra = r.headers.get('retry-after');
    assert.match(ra || '', /^\d+$/, `Retry-After in seconds: ${ra}`);
    assert.ok(Number(ra) > 0 && Number(ra) <= 3600, `within the hour: ${ra}`);
  }
  ok(await q.client.post(submissionsPath(c.id), { text: `Une question d\u2019un autre compte ${suffix()}` }), 201, 'another account is not limited');
  assert.equal((await submissionsOf(anon(), c.id)).submissions.length, 7, '6 + 1 stored');
  assert.equal((await submissionsOf(anon(), c2.id)).submissions.length, 4, '4 stored');
});

test('moderators merge submissions into one priority whose sources are public', async () => {
  const [a, m, [p1, p2]] = await Promise.all([admin(), moderator(), participants(2)]);
  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const s1 = ok(await p1.client.post(submissionsPath(c.id), { text: 'Comment réduire la fatigue après une chimiothérapie ?' }), 201);
  const s2 = ok(await p2.client.post(submissionsPath(c.id), { text: 'La fatigue dure des mois après les traitements : que faire ?' }), 201);

  const r = await m.client.post(prioritiesPath(c.id), { title_fr: 'Fatigue liée au cancer', sources: [s1.id, s2.id] });
  const pr = ok(r, 201, 'merge two submissions');
  const bySrc = (p) => p.sources.slice().sort((x, y) => x.id - y.id);
  assert.deepEqual(bySrc(pr).map((x) => [x.id, x.text]), [[s1.id, s1.text], [s2.id, s2.text]], `sources: ${show(r)}`);
  for (const src of pr.sources) assert.match(src.created_at, TIME_RE);
  const pub = ok(await anon().get(prioritiesPath(c.id)), 200).priorities.find((x) => x.id === pr.id);
  assert.deepEqual(bySrc(pub).map((x) => [x.id, x.text]), [[s1.id, s1.text], [s2.id, s2.text]], 'sources shown publicly');
  const inC = ok(await anon().get(consultationPath(c.id)), 200).priorities.find((x) => x.id === pr.id);
  assert.equal(inC.sources.length, 2, 'and with the consultation');
  const subs = Object.fromEntries((await submissionsOf(anon(), c.id)).submissions.map((x) => [x.id, x]));
  assert.deepEqual(subs[s1.id].priority_ids, [pr.id], 'the submission links to its priority');
  assert.deepEqual(subs[s2.id].priority_ids, [pr.id]);

  // PATCH replaces the set, which may keep some of the sources.
  const e = ok(await m.client.patch(priorityPath(pr.id), { sources: [s2.id] }), 200, 'replace the sources');
  assert.deepEqual(e.sources.map((x) => x.id), [s2.id]);
  const subs2 = Object.fromEntries((await submissionsOf(anon(), c.id)).submissions.map((x) => [x.id, x]));
  assert.deepEqual(subs2[s1.id].priority_ids, [], 'no longer linked');
  assert.deepEqual(subs2[s2.id].priority_ids, [pr.id]);
  const both = ok(await m.client.patch(priorityPath(pr.id), { sources: [s1.id, s2.id] }), 200, 'both again');
  assert.equal(both.sources.length, 2);
  const none = ok(await m.client.patch(priorityPath(pr.id), { sources: [] }), 200, 'no source');
  assert.deepEqual(none.sources, []);
  assert.deepEqual(ok(await anon().get(prioritiesPath(c.id)), 200).priorities[0].sources, [], 'none shown');
});

test('every phase value is known to the list filter', async () => {
  for (const ph of PHASES) {
    const r = await anon().get(`${CONSULTATIONS}?phase=${ph}&limit=1`);
    ok(r, 200, `?phase=${ph}`);
    for (const x of r.json.consultations) assert.equal(x.phase, ph);
  }
});

test('sources must be distinct submissions of the consultation: 400 invalid_field, 422 unknown_submission, nothing changed', async () => {
  const [a, m, [p1]] = await Promise.all([admin(), moderator(), participants(1)]);
  const c = await newConsultation(a, {}, { phase: 'gathering' });
  const other = await newConsultation(a, {}, { phase: 'gathering' });
  const s1 = ok(await p1.client.post(submissionsPath(c.id), { text: 'Quels soins de support après une greffe de moelle ?' }), 201);
  const s3 = ok(await p1.client.post(submissionsPath(other.id), { text: 'Une question posée dans une autre consultation.' }), 201);
  const pr = await newPriority(m, c.id, { title_fr: 'Soins de support après greffe', sources: [s1.id] });
  assert.deepEqual(pr.sources.map((x) => x.id), [s1.id]);

  assertError(await m.client.patch(priorityPath(pr.id), { sources: [s1.id, s1.id] }), 400, 'invalid_field', 'sources');
  assertError(await m.client.patch(priorityPath(pr.id), { sources: ['un'] }), 400, 'invalid_field', 'sources');
  assertError(await m.client.post(prioritiesPath(c.id), { title_fr: 'Avec une source d\u2019ailleurs', sources: [s3.id] }), 422, 'unknown_submission');
  assertError(await m.client.patch(priorityPath(pr.id), { sources: [s3.id] }), 422, 'unknown_submission');
  // An id that is no submission at all is no submission of this consultation either.
  assertError(await m.client.post(prioritiesPath(c.id), { title_fr: 'Avec une source inconnue', sources: [2147483000] }), 422, 'unknown_submission');
  assertError(await m.client.patch(priorityPath(pr.id), { sources: [2147483000] }), 422, 'unknown_submission');
  const still = ok(await anon().get(prioritiesPath(c.id)), 200).priorities;
  assert.equal(still.length, 1, 'no priority added by refused requests');
  assert.deepEqual(still[0].sources.map((x) => x.id), [s1.id], 'sources unchanged by refused requests');
});

test('a consultation says how many took part: its ballots, changed or withdrawn, at every phase', async () => {
  const { c, ids } = await votingConsultation({ k: 2 });
  const count = async () => ok(await anon().get(consultationPath(c.id)), 200).participants;
  assert.equal(await count(), 0);
  const [a, b] = await Promise.all([participant(), participant()]);
  await vote(a, c.id, [ids[0]]);
  await vote(b, c.id, [ids[1]]);
  assert.equal(await count(), 2, 'two voters');
  await vote(a, c.id, [ids[1], ids[2]]);
  assert.equal(await count(), 2, 'a changed ballot is still one');
  ok(await deleteBallot(b, c.id), 204, 'withdraw');
  assert.equal(await count(), 1, 'a withdrawn one no longer counts');
  const list = ok(await anon().get(`${CONSULTATIONS}?limit=100`), 200);
  const item = list.consultations.find((x) => x.id === c.id);
  assert.equal(item.participants, 1, 'the list says it too');
});
