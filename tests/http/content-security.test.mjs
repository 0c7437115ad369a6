// Content security (sql/008_content_security.sql), one section each:
//   priority sources: the public sees only the published ones (staff see
//     all, with their status);
//   redacted comments: no longer their authors' to edit.
//
// Node 18: only built-in modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertError, concerto, sql, sqlExec, suffix } from './accounts-helpers.mjs';
import {
  admin, assisted, consultationPath, csvPath, moderator, newConsultation, ok, participants, prioritiesPath, show,
  staffClient, submissionsPath, votingConsultation,
} from './consultations-helpers.mjs';
import {
  FLAG_THRESHOLD, LOG_KEYS, REDACTED, anon, comment, commentPath, commentsPath, flagSubmission, keys, listPage,
  logAll, mustDecide,
} from './comments-helpers.mjs';
import { ROOT } from './helpers.mjs';

// comment_depth_max() (sql/008_content_security.sql), as README says.
const DEPTH_MAX = 8;
const ASSISTED_PER_MINUTE = Number(process.env.CONCERTO_ASSISTED_PER_MINUTE || 20);
const PUBLIC_SOURCE_KEYS = ['id', 'text', 'created_at'].sort();
const STAFF_SOURCE_KEYS = [...PUBLIC_SOURCE_KEYS, 'status'].sort();

// The participants of this file, made once; fresh(n) gives the n who
// commented least in the last minute (to stay within the rate limit).
let crowdP;
const crowd = () => (crowdP ||= participants(2 + FLAG_THRESHOLD));
async function fresh(n) {
  const all = await crowd();
  const recent = (p) => (p.sent?.comments || []).filter((t) => Date.now() - t < 61000).length;
  return all.slice().sort((x, y) => recent(x) - recent(y)).slice(0, n);
}

const gathering = async (overrides = {}) => newConsultation(await admin(), overrides, { phase: 'gathering' });
const submit = async (who, cid, text) => ok(await who.client.post(submissionsPath(cid), { text }), 201, 'submit');

// --------------------------------------------------------- priority sources

test('priority sources: the public sees only published ones (consultation and priorities); staff see all with their status', async () => {
  const [m, all] = await Promise.all([moderator(), crowd()]);
  const [p1, p2, ...flaggers] = all;
  const c = await gathering();
  const s1 = await submit(p1, c.id, `Comment reprendre le travail après un cancer ? ${suffix()}`);
  const s2 = await submit(p2, c.id, `Mon dossier : lymphome, traité à l'hôpital X, numéro 1 84 ${suffix()}`);
  const s3 = await submit(p1, c.id, `Une question hors sujet sur le stationnement ${suffix()}`);
  const pr = ok(await m.client.post(prioritiesPath(c.id), { title_fr: 'Retour au travail', sources: [s1.id, s2.id, s3.id] }),
    201, 'merge three submissions');

  // s2 discloses health data: the flags hide it; s3 is rejected.
  for (const f of flaggers.slice(0, FLAG_THRESHOLD)) ok(await flagSubmission(f, s2.id, 'health_data_disclosure'), 201, 'flag');
  await mustDecide(m, { target_type: 'submission', target_id: s3.id, action: 'reject' }, 'published', 'rejected');
  const staffSubs = ok(await m.client.get(submissionsPath(c.id)), 200).submissions;
  assert.equal(staffSubs.find((s) => s.id === s2.id)?.status, 'hidden', 'the flags hid s2');

  const sourcesIn = async (client) => {
    const inC = ok(await client.get(consultationPath(c.id)), 200, 'GET consultation').priorities.find((x) => x.id === pr.id);
    const inP = ok(await client.get(prioritiesPath(c.id)), 200, 'GET priorities').priorities.find((x) => x.id === pr.id);
    assert.deepEqual(inP.sources, inC.sources, 'the same sources in both reads');
    return inC.sources;
  };
  for (const [who, client] of [['anonymous', anon()], ['the author of the hidden one', p2.client], ['a flagger', flaggers[0].client]]) {
    const src = await sourcesIn(client);
    assert.deepEqual(src.map((s) => s.id), [s1.id], `${who} sees only the published source: ${JSON.stringify(src)}`);
    assert.deepEqual(keys(src[0]), PUBLIC_SOURCE_KEYS, `${who}: the public shape of a source`);
    assert.equal(JSON.stringify(src).includes(s2.text), false, `${who}: the hidden text is not sent`);
  }
  const staff = await sourcesIn(m.client);
  assert.deepEqual(staff.map((s) => [s.id, s.status]), [[s1.id, 'published'], [s2.id, 'hidden'], [s3.id, 'rejected']],
    `staff see every source with its status: ${JSON.stringify(staff)}`);
  for (const s of staff) assert.deepEqual(keys(s), STAFF_SOURCE_KEYS);

  // Restored, it is public again.
  await mustDecide(m, { target_type: 'submission', target_id: s2.id, action: 'approve' }, 'hidden', 'published');
  assert.deepEqual((await sourcesIn(anon())).map((s) => s.id), [s1.id, s2.id], 'approved: shown again');
});

// -------------------------------------------------------- redacted comments

test('a redacted comment cannot be edited by its author: 409 comment_redacted, the redaction stays', async () => {
  const [m, [p]] = await Promise.all([moderator(), fresh(1)]);
  const c = await gathering();
  const passage = `le Dr Martin-${suffix()}`;
  const original = `Mon oncologue, ${passage}, m'a bien expliqué les effets secondaires.`;
  const x = await comment(p, c.id, { body: original });
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'redact', passage, reason: 'Nom d\u2019un soignant' },
    'published', 'published');
  const redacted = `Mon oncologue, ${REDACTED}, m'a bien expliqué les effets secondaires.`;
  const edits = () => sql('SELECT count(*)::int AS n FROM comment_edits WHERE comment_id = :id', { id: x.id })[0].n;
  const before = edits();

  assertError(await p.client.patch(commentPath(x.id), { body: original }), 409, 'comment_redacted');
  assertError(await p.client.patch(commentPath(x.id), { body: `${original} Autre version.` }), 409, 'comment_redacted');
  assertError(await p.client.patch(commentPath(x.id), { alignment: 'for' }), 409, 'comment_redacted');

  const now = (await listPage(anon(), c.id)).comments.find((y) => y.id === x.id);
  assert.deepEqual([now.body, now.redacted, now.status, now.alignment, now.edited_at], [redacted, true, 'published', 'neutral', null],
    `the comment is as the moderator left it: ${JSON.stringify(now)}`);
  assert.equal(edits(), before, 'no version was added to the history');
  assert.equal(sql('SELECT count(*)::int AS n FROM comments WHERE id = :id AND body LIKE :\'p\'', { id: x.id, p: `%${passage}%` })[0].n,
    0, 'the removed passage is nowhere in the comment');
  // Deleting stays the author's right.
  assert.equal((await p.client.delete(commentPath(x.id))).status, 204, 'the author may still delete it');
});

test('submissions have no edit route (a redacted submission stays redacted)', () => {
  const r = concerto(['routes']);
  assert.equal(r.status, 0, r.stderr);
  const writes = JSON.parse(r.stdout).filter((x) => /submissions/.test(x.pattern) && ['PUT', 'PATCH'].includes(x.method));
  assert.deepEqual(writes, [], 'no route changes a submission once sent');
});
