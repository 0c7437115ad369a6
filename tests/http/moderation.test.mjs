// SPDX-License-Identifier: AGPL-3.0-or-later
// Moderation (issue 6): participants flag comments and submissions, one
// flag per account and target, and CONCERTO_FLAG_THRESHOLD distinct
// accounts hide a published target until a moderator decides; a distress
// flag puts the target at the head of the queue and sends its author
// support in their language; the queue filters, counts and orders what
// waits; every decision follows the allowed transitions, appends one entry
// to a log that SQL cannot change, and notifies the author; redaction
// replaces a passage and keeps the original apart until `concerto purge`;
// suspensions stop every contribution but not reading; support texts are
// read by anyone and written by admins.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  DECISIONS, LOG, NOTIFICATIONS, NOTIFICATIONS_READ, QUEUE, SUPPORT_TEXTS, ballotPath, commentFlagsPath, commentPath,
  commentsPath, consultationPath, qs, submissionFlagsPath, submissionsPath, suspensionPath,
} from './lib/paths.mjs';
import { DAY, HOUR, suffix } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { TIME_RE, assertError, keys, ok, show } from './lib/assert.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { admin, moderator, participant } from './lib/accounts.mjs';
import { gathering, submit, votingConsultation } from './lib/consultations.mjs';
import {
  FLAGS_PER_MINUTE, FLAG_KEYS, FLAG_THRESHOLD, ITEM_KEYS, LOG_KEYS, REDACTED, assertSupport, comment, crowdOf, decide,
  flagComment, flagSubmission, listAll, logAll, mustDecide, notificationsOf, postComment, purge, putVote, queueAll,
  seen, spent,
} from './lib/comments.mjs';

const { crowd, fresh } = crowdOf(8);

const submissionsSeen = async (client, cid) => ok(await client.get(submissionsPath(cid)), 200, 'GET submissions').submissions;
const itemKey = (i) => `${i.target_type}:${i.target_id}`;
const supportTexts = async () => Object.fromEntries(ok(await anon().get(SUPPORT_TEXTS), 200, 'support texts').support_texts
  .map((s) => [s.language, s]));

// ------------------------------------------------------------- access

test('moderation routes: 401 for anonymous visitors, 403 for participants', async () => {
  const [[p, q], x] = await Promise.all([fresh(2), gathering()]);
  const target = await comment(q, x.id);
  for (const path of [QUEUE, LOG]) {
    assertError(await anon().get(path), 401, 'authentication_required');
    assertError(await p.client.get(path), 403, 'forbidden');
  }
  const d = { target_type: 'comment', target_id: target.id, action: 'hide', reason: 'Essai par un participant' };
  assertError(await anon().post(DECISIONS, d), 401, 'authentication_required');
  assertError(await p.client.post(DECISIONS, d), 403, 'forbidden');
  assertError(await p.client.post(suspensionPath(q.id), { days: 3, reason: 'Essai par un participant' }), 403, 'forbidden');
  assert.equal((await seen(anon(), x.id, target.id))?.status, 'published', 'nothing was decided');
});

// ---------------------------------------------------------------- flags

test('flags: 201 with the flag; one per account and target; own content 422; unknown 404; each bad field 400', async () => {
  const [m, [p, q, r]] = await Promise.all([moderator(), fresh(3)]);
  const c = await gathering();
  const x = await comment(p, c.id);
  const res = await flagComment(q, x.id, 'off_topic', 'Parle d\u2019une autre consultation.\nDeuxième ligne.');
  const f = ok(res, 201, 'flag');
  assert.deepEqual(keys(f), FLAG_KEYS, `the flag fields: ${show(res)}`);
  assert.deepEqual([f.target_type, f.target_id, f.reason], ['comment', x.id, 'off_topic']);
  assert.match(f.created_at, TIME_RE);
  assertError(await flagComment(q, x.id, 'off_topic'), 409, 'already_flagged');
  assertError(await flagComment(q, x.id, 'spam'), 409, 'already_flagged');
  assertError(await flagComment(p, x.id, 'spam'), 422, 'own_content');
  assertError(await flagComment(q, 2147483000, 'spam'), 404, 'not_found');
  assertError(await anon().post(commentFlagsPath(x.id), { reason: 'spam' }), 401, 'authentication_required');
  assertError(await r.client.post(commentFlagsPath(x.id), { reason: 'spam' }, { csrf: false }), 403, 'csrf_failed');

  const path = commentFlagsPath(x.id);
  assertError(await r.client.post(path, {}), 400, 'missing_field', 'reason');
  assertError(await r.client.post(path, { note: 'Sans motif' }), 400, 'missing_field', 'reason');
  assertError(await r.client.post(path, { reason: 'boring' }), 400, 'invalid_field', 'reason');
  assertError(await r.client.post(path, { reason: 3 }), 400, 'invalid_field', 'reason');
  assertError(await r.client.post(path, { reason: 'spam', note: 'x'.repeat(1001) }), 400, 'invalid_field', 'note');
  assertError(await r.client.post(path, { reason: 'spam', note: 42 }), 400, 'invalid_field', 'note');
  assertError(await r.client.post(path, { reason: 'spam', severity: 'high' }), 400, 'unknown_field', 'severity');
  spent(r, 'flags');
  const g = ok(await r.client.post(path, { reason: 'misinformation', note: null }), 201, 'a null note');
  assert.equal(g.reason, 'misinformation');

  const byM = await seen(m.client, c.id, x.id);
  assert.equal(byM.flag_count, 2, 'staff see the unresolved flags');
  assert.equal(byM.status, 'published', `${FLAG_THRESHOLD - 1} flags do not hide it`);
  assert.equal((await seen(anon(), c.id, x.id))?.status, 'published', 'still public');
  const { items } = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(items.map(itemKey), [`comment:${x.id}`], 'a flagged published comment is in the queue');
  const it = items[0];
  assert.equal(it.flag_count, 2);
  assert.deepEqual(it.flags.map((fl) => [fl.reason, fl.note]).sort(),
    [['misinformation', null], ['off_topic', 'Parle d\u2019une autre consultation.\nDeuxième ligne.']], 'the flags with their notes');
  for (const fl of it.flags) {
    assert.deepEqual(keys(fl), ['created_at', 'note', 'reason']);
    assert.match(fl.created_at, TIME_RE);
  }

  // A comment its viewer cannot see cannot be flagged.
  const pre = await gathering({ moderation: 'pre' });
  const pending = await comment(p, pre.id);
  assertError(await flagComment(q, pending.id, 'spam'), 404, 'not_found');
});

test(`${FLAG_THRESHOLD} distinct accounts flagging a published comment hide it until a moderator decides; approval dismisses the flags`, async () => {
  const [m, [p, f1, f2, f3, v]] = await Promise.all([moderator(), fresh(5)]);
  const c = await gathering();
  const x = await comment(p, c.id);
  const other = await comment(v, c.id);
  ok(await flagComment(f1, x.id, 'spam'), 201);
  ok(await flagComment(f2, x.id, 'abuse'), 201);
  assert.equal((await seen(anon(), c.id, x.id))?.status, 'published', 'two flags: still public');
  ok(await flagComment(f3, x.id, 'off_topic'), 201);
  assert.equal(await seen(anon(), c.id, x.id), undefined, 'three: hidden from anonymous visitors');
  assert.equal(await seen(v.client, c.id, x.id), undefined, 'and from other participants');
  assert.equal(await seen(f1.client, c.id, x.id), undefined, 'and from those who flagged it');
  assert.equal((await seen(p.client, c.id, x.id))?.status, 'hidden', 'its author sees it hidden');
  const byM = await seen(m.client, c.id, x.id);
  assert.deepEqual([byM?.status, byM?.flag_count], ['hidden', 3], 'staff see it hidden with its flags');
  assert.equal((await seen(anon(), c.id, other.id))?.status, 'published', 'the other comment is untouched');
  assertError(await putVote(v, x.id, 1), 404, 'not_found');

  let q = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(q.items.map(itemKey), [`comment:${x.id}`]);
  assert.equal(q.items[0].status, 'hidden');
  assert.deepEqual(q.items[0].flags.map((fl) => fl.reason).sort(), ['abuse', 'off_topic', 'spam']);
  assert.deepEqual(q.counts, { pending: 0, hidden: 1, flagged: 1, distress: 0, total: 1 });

  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'approve', reason: 'Propos acceptables' }, 'hidden', 'published');
  assert.equal((await seen(anon(), c.id, x.id))?.status, 'published', 'approved: public again');
  assert.equal((await seen(m.client, c.id, x.id)).flag_count, 0, 'its flags are resolved');
  q = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(q.items, [], 'out of the queue');
  assert.equal(q.counts.total, 0);
  ok(await flagComment(v, x.id, 'spam'), 201, 'a new flag after the decision');
  assert.equal((await seen(m.client, c.id, x.id)).flag_count, 1, 'counted from zero again');
  assert.equal((await seen(anon(), c.id, x.id))?.status, 'published', 'one new flag does not hide it');
});

test(`more than ${FLAGS_PER_MINUTE} flags a minute: 429 too_many_flags with Retry-After`, async () => {
  const [[a1, a2, a3], flagger, other] = await Promise.all([fresh(3), participant(), participant()]);
  const c = await gathering();
  const targets = [];
  for (let i = 0; i <= FLAGS_PER_MINUTE; i++) targets.push(await comment([a1, a2, a3][i % 3], c.id));
  for (let i = 0; i < FLAGS_PER_MINUTE; i++) {
    ok(await flagger.client.post(commentFlagsPath(targets[i].id), { reason: 'off_topic' }), 201, `flag ${i + 1}`);
  }
  const r = await flagger.client.post(commentFlagsPath(targets[FLAGS_PER_MINUTE].id), { reason: 'off_topic' });
  assertError(r, 429, 'too_many_flags');
  const ra = r.headers.get('retry-after');
  assert.match(ra || '', /^\d+$/, `Retry-After in seconds: ${ra}`);
  assert.ok(Number(ra) >= 1 && Number(ra) <= 60, `within the minute: ${ra}`);
  ok(await other.client.post(commentFlagsPath(targets[FLAGS_PER_MINUTE].id), { reason: 'off_topic' }), 201, 'another account is not limited');
  const m = await moderator();
  assert.equal((await seen(m.client, c.id, targets[FLAGS_PER_MINUTE].id)).flag_count, 1, 'the refused flag was not stored');
});

test('submission flags: the threshold hides a submission, a moderator restores it; 409 not_gathering outside gathering', async () => {
  const [a, m, [p, f1, f2, f3]] = await Promise.all([admin(), moderator(), fresh(4)]);
  const c = await gathering();
  const text = `<em>Quelle place</em> pour l\u2019activité physique pendant la chimiothérapie ? ${suffix()}`;
  const s = await submit(p, c.id, text);
  const res = await flagSubmission(f1, s.id, 'misinformation', 'Affirmation sans source');
  const f = ok(res, 201, 'flag a submission');
  assert.deepEqual(keys(f), FLAG_KEYS, `the flag fields: ${show(res)}`);
  assert.deepEqual([f.target_type, f.target_id, f.reason], ['submission', s.id, 'misinformation']);
  assertError(await flagSubmission(f1, s.id, 'spam'), 409, 'already_flagged');
  assertError(await flagSubmission(p, s.id, 'spam'), 422, 'own_content');
  assertError(await flagSubmission(f1, 2147483000, 'spam'), 404, 'not_found');
  assertError(await f2.client.post(submissionFlagsPath(s.id), { reason: 'nonsense' }), 400, 'invalid_field', 'reason');
  ok(await flagSubmission(f2, s.id, 'spam'), 201);
  assert.deepEqual((await submissionsSeen(anon(), c.id)).map((x) => x.id), [s.id], `${FLAG_THRESHOLD - 1} flags: still public`);
  ok(await flagSubmission(f3, s.id, 'abuse'), 201);
  assert.deepEqual(await submissionsSeen(anon(), c.id), [], 'hidden from anonymous visitors');
  assert.deepEqual(await submissionsSeen(f3.client, c.id), [], 'and from participants');

  const { items, counts } = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(items.map(itemKey), [`submission:${s.id}`]);
  const it = items[0];
  assert.deepEqual(keys(it), ITEM_KEYS, `the item fields: ${JSON.stringify(it)}`);
  assert.equal(it.status, 'hidden');
  assert.equal(it.consultation_id, c.id);
  assert.equal(it.priority_id, null, 'no priority for a submission');
  assert.equal(it.body, text, 'the text, intact');
  assert.deepEqual(it.author, { id: p.id, pseudonym: p.pseudonym });
  assert.equal(it.flag_count, 3);
  assert.deepEqual(counts, { pending: 0, hidden: 1, flagged: 1, distress: 0, total: 1 });

  await mustDecide(m, { target_type: 'submission', target_id: s.id, action: 'reject', reason: 'Hors du champ de la consultation' }, 'hidden', 'rejected');
  assert.deepEqual(await submissionsSeen(anon(), c.id), [], 'rejected: not public');
  await mustDecide(m, { target_type: 'submission', target_id: s.id, action: 'restore', reason: 'Après relecture, dans le champ' }, 'rejected', 'published');
  assert.deepEqual((await submissionsSeen(anon(), c.id)).map((x) => x.id), [s.id], 'restored: public again');
  assert.deepEqual((await queueAll(m, { consultation_id: c.id })).items, [], 'the flags are resolved');
  const entries = await logAll(m, { target_type: 'submission', target_id: s.id });
  assert.deepEqual(entries.map((e) => [e.action, e.from_status, e.to_status]), [['restore', 'rejected', 'published'], ['reject', 'hidden', 'rejected']]);

  ok(await a.client.patch(consultationPath(c.id), { phase: 'closed' }), 200, 'close');
  const [late] = (await crowd()).filter((x) => ![p, f1, f2, f3].includes(x));
  assertError(await flagSubmission(late, s.id, 'spam'), 409, 'not_gathering');
});

test('a distress flag puts its target at the head of the queue and sends its author support, once, in their language', async () => {
  const [m, [p, f1, f2, f3], en] = await Promise.all([moderator(), fresh(4), participant({ language: 'en' })]);
  const texts = await supportTexts();
  const c = await gathering();
  const older = await comment(p, c.id);
  const x = await comment(en, c.id, { body: `I feel very alone since my treatment ended. ${suffix()}` });
  assert.equal(x.status, 'published', 'no distress words: published');
  ok(await flagComment(f1, older.id, 'spam'), 201);
  ok(await flagComment(f1, x.id, 'spam'), 201);
  let q = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(q.items.map(itemKey), [`comment:${older.id}`, `comment:${x.id}`], 'oldest first');

  ok(await flagComment(f2, x.id, 'distress', 'Semble en grande difficulté'), 201, 'distress flag');
  q = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(q.items.map(itemKey), [`comment:${x.id}`, `comment:${older.id}`], 'the distress flag puts it first');
  assert.deepEqual(q.items.map((i) => i.distress), [true, false]);
  assert.deepEqual(q.counts, { pending: 0, hidden: 0, flagged: 2, distress: 1, total: 2 });
  const only = await queueAll(m, { consultation_id: c.id, reason: 'distress' });
  assert.deepEqual(only.items.map(itemKey), [`comment:${x.id}`], 'reason=distress');
  assert.equal(only.counts.total, 1);

  let n = await notificationsOf(en);
  const support = n.notifications.filter((k) => k.kind === 'support');
  assert.equal(support.length, 1, `one support notification: ${JSON.stringify(n.notifications)}`);
  assertSupport(support[0].support, 'en', 'the notification');
  assert.deepEqual(support[0].support, texts.en, 'the English support text');
  assert.deepEqual([support[0].target_type, support[0].target_id, support[0].consultation_id], ['comment', x.id, c.id]);
  assert.equal(support[0].read_at, null);
  assert.equal(n.unread, 1);

  ok(await flagComment(f3, x.id, 'distress'), 201, 'a second distress flag');
  n = await notificationsOf(en);
  assert.equal(n.notifications.filter((k) => k.kind === 'support').length, 1, 'the author is notified once');
  assert.equal((await seen(m.client, c.id, x.id)).status, 'hidden', `${FLAG_THRESHOLD} flags hide it`);
  assert.equal((await notificationsOf(p)).notifications.filter((k) => k.kind === 'support' && k.target_id === older.id).length, 0,
    'no support for the author of the other comment');
});

// ---------------------------------------------------------------- queue

test('the queue: pending, hidden and flagged items, distress first then oldest; filters, counts over the whole queue, pages', async () => {
  const [m, [p1, p2, p3, p4, f]] = await Promise.all([moderator(), fresh(5)]);
  const c = await gathering({ moderation: 'pre' });
  const c2 = await gathering({ moderation: 'pre' });
  const first = `Version d\u2019origine ${suffix()}`;
  const a1 = await comment(p1, c.id, { body: first });
  const a2 = await comment(p2, c.id);
  const s = await submit(p3, c.id);
  assert.equal(s.status, 'pending', 'pre-moderation: the submission is pending');
  const gone = await comment(p3, c.id);
  const d = await comment(p4, c.id, { body: `Je n\u2019en peux plus, j\u2019ai envie de mourir. ${suffix()}` });
  assert.equal(d.status, 'pending');
  const elsewhere = await comment(p1, c2.id);
  assert.equal((await p3.client.delete(commentPath(gone.id))).status, 204, 'a deleted comment leaves the queue');
  const edited = `Version corrigée ${suffix()}`;
  ok(await p1.client.patch(commentPath(a1.id), { body: edited }), 200, 'edit while pending');
  await mustDecide(m, { target_type: 'comment', target_id: a2.id, action: 'approve' }, 'pending', 'published');
  ok(await flagComment(f, a2.id, 'spam', 'Publicité'), 201);

  let q = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(q.items.map(itemKey), [`comment:${d.id}`, `comment:${a1.id}`, `comment:${a2.id}`, `submission:${s.id}`],
    'distress first, then oldest');
  assert.deepEqual(q.counts, { pending: 3, hidden: 0, flagged: 1, distress: 1, total: 4 });
  const by = Object.fromEntries(q.items.map((i) => [itemKey(i), i]));
  for (const i of q.items) assert.deepEqual(keys(i), ITEM_KEYS, `item fields: ${JSON.stringify(i)}`);
  const i1 = by[`comment:${a1.id}`];
  assert.deepEqual([i1.consultation_id, i1.priority_id, i1.parent_id, i1.status, i1.body, i1.distress, i1.flag_count],
    [c.id, null, null, 'pending', edited, false, 0]);
  assert.deepEqual(i1.author, { id: p1.id, pseudonym: p1.pseudonym });
  assert.match(i1.created_at, TIME_RE);
  assert.match(i1.edited_at || '', TIME_RE, 'edited_at of the edited comment');
  assert.deepEqual(i1.edits.map((e) => e.body), [first], 'its previous version');
  assert.deepEqual(i1.flags, []);
  assert.equal(by[`comment:${d.id}`].distress, true, 'distress words');
  assert.equal(by[`comment:${d.id}`].edited_at, null);
  const i2 = by[`comment:${a2.id}`];
  assert.deepEqual([i2.status, i2.flag_count, i2.flags[0]?.reason, i2.flags[0]?.note], ['published', 1, 'spam', 'Publicité']);
  assert.equal(by[`submission:${s.id}`].body, s.text);
  assert.equal(by[`submission:${s.id}`].status, 'pending');

  await mustDecide(m, { target_type: 'comment', target_id: a1.id, action: 'hide' }, 'pending', 'hidden');
  q = await queueAll(m, { consultation_id: c.id });
  assert.deepEqual(q.counts, { pending: 2, hidden: 1, flagged: 1, distress: 1, total: 4 }, 'hidden instead of pending');
  const paged = await queueAll(m, { consultation_id: c.id, limit: 1 });
  assert.deepEqual(paged.items.map(itemKey), q.items.map(itemKey), 'one per page: the same order, counts on every page');
  assert.deepEqual(paged.counts, q.counts);
  const spam = await queueAll(m, { consultation_id: c.id, reason: 'spam' });
  assert.deepEqual(spam.items.map(itemKey), [`comment:${a2.id}`], 'reason=spam: the item with a spam flag');
  assert.deepEqual(spam.counts, { pending: 0, hidden: 0, flagged: 1, distress: 0, total: 1 });
  assert.deepEqual((await queueAll(m, { consultation_id: c.id, reason: 'abuse' })).items, []);
  assert.deepEqual((await queueAll(m, { consultation_id: c2.id })).items.map(itemKey), [`comment:${elsewhere.id}`], 'per consultation');
  const whole = await queueAll(m, { limit: 100 });
  const keysAll = whole.items.map(itemKey);
  for (const k of [`comment:${d.id}`, `comment:${a1.id}`, `comment:${elsewhere.id}`]) assert.ok(keysAll.includes(k), `the whole queue holds ${k}`);
  assert.ok(!keysAll.includes(`comment:${gone.id}`), 'not the deleted comment');
  assert.equal(whole.counts.total, whole.items.length, 'total counts the items');
  const distressFirst = whole.items.findIndex((i) => !i.distress);
  assert.ok(whole.items.slice(distressFirst < 0 ? whole.items.length : distressFirst).every((i) => !i.distress), 'distress items before the others');

  for (const [q2, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['reason=boring', 'reason'], ['consultation_id=abc', 'consultation_id'],
    ['cursor=xyz', 'cursor']]) {
    assertError(await m.client.get(`${QUEUE}?${q2}`), 400, 'invalid_field', field);
  }
});

// ------------------------------------------------------------ decisions

test('every decision follows the allowed transitions, logs one entry and notifies the author; others are 409 invalid_transition', async () => {
  const [m, p, [q]] = await Promise.all([moderator(), participant(), fresh(1)]);
  const post = await gathering();
  const pre = await gathering({ moderation: 'pre' });
  const x = await comment(p, post.id);
  const cx = { target_type: 'comment', target_id: x.id };
  const steps = [];
  const step = async (action, from, to) => {
    const reason = `Motif ${action} ${suffix()}`;
    const dd = await mustDecide(m, { ...cx, action, reason }, from, to);
    assert.equal(dd.reason, reason);
    steps.push({ ...dd, reason });
    const now = await seen(m.client, post.id, x.id);
    assert.equal(now.status, to, `after ${action}, the comment is ${to}`);
    return dd;
  };
  const refuse = async (action) => assertError(await decide(m, { ...cx, action }), 409, 'invalid_transition');

  await refuse('approve'); // a published comment without flags
  await refuse('restore');
  await step('hide', 'published', 'hidden');
  await refuse('hide');
  await step('approve', 'hidden', 'published');
  await step('reject', 'published', 'rejected');
  await refuse('approve');
  await refuse('hide');
  await refuse('reject');
  await step('restore', 'rejected', 'published');
  await step('hide', 'published', 'hidden');
  await step('reject', 'hidden', 'rejected');
  await step('restore', 'rejected', 'published');
  await step('hide', 'published', 'hidden');
  await step('restore', 'hidden', 'published');
  ok(await flagComment(q, x.id, 'abuse'), 201);
  await step('approve', 'published', 'published');
  assert.equal((await seen(m.client, post.id, x.id)).flag_count, 0, 'approval dismissed the flag');
  await refuse('approve'); // nothing left to approve

  // From pending (pre-moderation).
  const y1 = await comment(p, pre.id);
  const y2 = await comment(p, pre.id);
  const y3 = await comment(p, pre.id);
  assertError(await decide(m, { target_type: 'comment', target_id: y1.id, action: 'restore' }), 409, 'invalid_transition');
  await mustDecide(m, { target_type: 'comment', target_id: y1.id, action: 'approve' }, 'pending', 'published');
  await mustDecide(m, { target_type: 'comment', target_id: y2.id, action: 'hide' }, 'pending', 'hidden');
  await mustDecide(m, { target_type: 'comment', target_id: y3.id, action: 'reject' }, 'pending', 'rejected');
  const preSub = await submit(p, pre.id);
  await mustDecide(m, { target_type: 'submission', target_id: preSub.id, action: 'approve' }, 'pending', 'published');
  assert.deepEqual((await submissionsSeen(anon(), pre.id)).map((s) => s.id), [preSub.id], 'an approved submission is public');

  // The log of x: one entry per decision, newest first.
  const entries = await logAll(m, { target_type: 'comment', target_id: x.id });
  assert.equal(entries.length, steps.length, `one entry per decision: ${JSON.stringify(entries.map((e) => e.action))}`);
  const expected = steps.slice().reverse();
  entries.forEach((e, i) => {
    assert.deepEqual(keys(e), LOG_KEYS, `log entry fields: ${JSON.stringify(e)}`);
    const s = expected[i];
    assert.deepEqual([e.id, e.action, e.from_status, e.to_status, e.reason], [s.log_id, s.action, s.from_status, s.to_status, s.reason],
      `entry ${i} is decision ${s.action}`);
    assert.deepEqual(e.moderator, { id: m.id, pseudonym: m.pseudonym });
    assert.deepEqual([e.target_type, e.target_id, e.consultation_id, e.author_id, e.until], ['comment', x.id, post.id, p.id, null]);
    assert.match(e.created_at, TIME_RE);
  });
  const paged = await logAll(m, { target_type: 'comment', target_id: x.id, limit: 2 });
  assert.deepEqual(paged.map((e) => e.id), entries.map((e) => e.id), 'the same entries two by two');
  const ofPre = await logAll(m, { consultation_id: pre.id });
  assert.deepEqual(ofPre.map((e) => [e.target_type, e.target_id, e.action]),
    [['submission', preSub.id, 'approve'], ['comment', y3.id, 'reject'], ['comment', y2.id, 'hide'], ['comment', y1.id, 'approve']],
    'consultation_id filters the log, newest first');
  assert.deepEqual((await logAll(m, { target_type: 'submission', target_id: preSub.id })).map((e) => e.action), ['approve']);

  // The author has one notification per decision.
  const n = await notificationsOf(p);
  const mod = n.notifications.filter((k) => k.kind === 'moderation');
  assert.equal(mod.length, steps.length + 4, `one notification per decision: ${mod.length}`);
  const aboutX = mod.filter((k) => k.target_type === 'comment' && k.target_id === x.id);
  assert.deepEqual(aboutX.map((k) => [k.action, k.reason]), expected.map((s) => [s.action, s.reason]), 'newest first, with the reasons');
  for (const k of aboutX) assert.equal(k.consultation_id, post.id);
  assert.equal(n.unread, n.notifications.length, 'all unread');

  // Unknown and deleted targets.
  assertError(await decide(m, { target_type: 'comment', target_id: 2147483000, action: 'hide' }), 404, 'not_found');
  assertError(await decide(m, { target_type: 'submission', target_id: 2147483000, action: 'hide' }), 404, 'not_found');
  const z = await comment(p, post.id);
  assert.equal((await p.client.delete(commentPath(z.id))).status, 204);
  assertError(await decide(m, { target_type: 'comment', target_id: z.id, action: 'hide' }), 409, 'comment_deleted');
  assert.equal((await logAll(m, { target_type: 'comment', target_id: z.id })).length, 0, 'no entry for a refused decision');
  assert.equal((await logAll(m, { target_type: 'comment', target_id: x.id })).length, steps.length, 'refused transitions logged nothing');
});

test('decisions: each bad field is a 400 naming it; passage_required and passage_not_found (422); nothing changes', async () => {
  const [m, [p]] = await Promise.all([moderator(), fresh(1)]);
  const c = await gathering();
  const x = await comment(p, c.id, { body: `Un texte à modérer ${suffix()}` });
  const base = { target_type: 'comment', target_id: x.id, action: 'hide', reason: 'Un motif valable' };
  const without = (k) => Object.fromEntries(Object.entries(base).filter(([kk]) => kk !== k));
  for (const k of Object.keys(base)) assertError(await m.client.post(DECISIONS, without(k)), 400, 'missing_field', k);
  const bad = [
    [{ target_type: 'priority' }, 'target_type'], [{ target_type: 1 }, 'target_type'], [{ target_id: 'abc' }, 'target_id'],
    [{ target_id: 1.5 }, 'target_id'], [{ action: 'delete' }, 'action'], [{ action: null }, 'action'], [{ reason: 'ab' }, 'reason'],
    [{ reason: 'x'.repeat(1001) }, 'reason'], [{ reason: 7 }, 'reason'],
    [{ action: 'redact', passage: '' }, 'passage'], [{ action: 'redact', passage: 'x'.repeat(5001) }, 'passage'],
  ];
  for (const [patch, field] of bad) assertError(await m.client.post(DECISIONS, { ...base, ...patch }), 400, 'invalid_field', field);
  assertError(await m.client.post(DECISIONS, { ...base, severity: 3 }), 400, 'unknown_field', 'severity');
  assertError(await m.client.post(DECISIONS, base, { csrf: false }), 403, 'csrf_failed');
  assertError(await m.client.post(DECISIONS, { ...base, action: 'redact' }), 422, 'passage_required');
  assertError(await m.client.post(DECISIONS, { ...base, action: 'redact', passage: 'absent du texte' }), 422, 'passage_not_found');
  const now = await seen(m.client, c.id, x.id);
  assert.deepEqual([now.status, now.body, now.redacted], ['published', x.body, false], 'nothing changed');
  assert.deepEqual(await logAll(m, { target_type: 'comment', target_id: x.id }), [], 'nothing logged');
  for (const [q2, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['target_type=priority', 'target_type'], ['target_id=abc', 'target_id']]) {
    assertError(await m.client.get(`${LOG}?${q2}`), 400, 'invalid_field', field);
  }
});

test('redaction replaces every occurrence of the passage; the original is kept apart, then erased by concerto purge after a year', async () => {
  const [m, [p, q]] = await Promise.all([moderator(), fresh(2)]);
  const c = await gathering();
  const pre = await gathering({ moderation: 'pre' });
  const tag = suffix();
  const passage = `Dr Martin-${tag}`;
  const body = `Le ${passage}, oncologue à l\u2019hôpital Nord, m\u2019a dit que…\nBref, le ${passage} ne répond plus.`;
  const x = await comment(p, c.id, { body });
  const d = await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'redact', passage, reason: 'Nom d\u2019un soignant' },
    'published', 'published');
  const expected = body.split(passage).join(REDACTED);
  for (const [who, client] of [['anonymous', anon()], ['participant', q.client], ['author', p.client], ['moderator', m.client]]) {
    const got = await seen(client, c.id, x.id);
    assert.equal(got?.body, expected, `${who}: every occurrence replaced`);
    assert.equal(got.redacted, true, `${who}: redacted`);
    assert.equal(got.status, 'published', `${who}: status unchanged`);
  }
  const [entry] = await logAll(m, { target_type: 'comment', target_id: x.id });
  assert.deepEqual([entry.id, entry.action, entry.from_status, entry.to_status], [d.log_id, 'redact', 'published', 'published']);
  assert.ok((await notificationsOf(p)).notifications.some((k) => k.kind === 'moderation' && k.action === 'redact' && k.target_id === x.id),
    'the author is notified');

  // A pending comment keeps its status; a submission is redacted too.
  const tag2 = suffix();
  const y = await comment(p, pre.id, { body: `Mon numéro est 06 12 ${tag2}, appelez-moi.` });
  await mustDecide(m, { target_type: 'comment', target_id: y.id, action: 'redact', passage: `06 12 ${tag2}`, reason: 'Donnée personnelle' },
    'pending', 'pending');
  const yy = await seen(p.client, pre.id, y.id);
  assert.deepEqual([yy.status, yy.body, yy.redacted], ['pending', `Mon numéro est ${REDACTED}, appelez-moi.`, true]);
  const tag3 = suffix();
  const s = await submit(q, c.id, `Question posée par Mme Durand-${tag3} : quel suivi ?`);
  await mustDecide(m, { target_type: 'submission', target_id: s.id, action: 'redact', passage: `Mme Durand-${tag3}`, reason: 'Nom propre' },
    'published', 'published');
  const subs = await submissionsSeen(anon(), c.id);
  assert.equal(subs.find((z) => z.id === s.id)?.text, `Question posée par ${REDACTED} : quel suivi ?`, 'the submission text redacted');

  // The originals, kept apart.
  const originals = (t) => sql('SELECT original, created_at FROM redactions WHERE original LIKE :\'pat\'',
    { pat: `%${t}%` });
  for (const t of [tag, tag2, tag3]) assert.equal(originals(t).length, 1, `one redaction row keeps the original with ${t}`);
  assert.ok(originals(tag)[0].original.includes(passage), 'the original holds the passage');

  // Aged past the keeping period: purged; a 364-day-old one stays.
  sqlExec(`UPDATE redactions SET created_at = now() - interval '366 days' WHERE original LIKE '%${tag}%'`);
  sqlExec(`UPDATE redactions SET created_at = now() - interval '364 days' WHERE original LIKE '%${tag2}%'`);
  const before = sql('SELECT count(*)::int AS n FROM redactions WHERE original IS NULL')[0].n;
  const r = purge();
  const out = `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.equal(r.status, 0, `concerto purge exits 0: ${out}`);
  const mm = /purge: (\d+) redacted original/.exec(r.stdout);
  assert.ok(mm, `purge prints "purge: N redacted original(s)": ${out}`);
  assert.ok(Number(mm[1]) >= 1, `at least the aged original is counted: ${out}`);
  assert.equal(originals(tag).length, 0, 'the aged original is gone');
  assert.equal(sql('SELECT count(*)::int AS n FROM redactions WHERE original IS NULL')[0].n, before + Number(mm[1]),
    'its row stays, with original NULL');
  assert.equal(originals(tag2).length, 1, 'a 364-day-old original stays');
  assert.equal(originals(tag3).length, 1, 'a fresh original stays');
  assert.equal((await seen(anon(), c.id, x.id))?.body, expected, 'the public text is unchanged by the purge');
  const again = purge();
  assert.equal(again.status, 0);
  assert.match(again.stdout, /purge: 0 redacted original/, `nothing more to purge: ${again.stdout}`);
});

test('the moderation log refuses UPDATE, DELETE and TRUNCATE in SQL', async () => {
  const [m, [p]] = await Promise.all([moderator(), fresh(1)]);
  const c = await gathering();
  const x = await comment(p, c.id);
  const d = await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'hide', reason: 'Motif d\u2019origine' });
  const row = () => sql('SELECT id, reason, action FROM moderation_log WHERE id = :id', { id: d.log_id });
  const original = row();
  assert.equal(original.length, 1, 'the decision is in moderation_log');
  const total = () => sql('SELECT count(*)::int AS n FROM moderation_log')[0].n;
  const n0 = total();
  const psqlAs = (conn, statement) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', conn], {
    input: `${statement};\n`, encoding: 'utf8', timeout: 30000, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const refused = (conn, statement, who) => assert.throws(() => psqlAs(conn, statement),
    (e) => /ERROR/.test(String(e.stderr)), `${who}: ${statement} must raise an error`);
  for (const [who, conn] of [['owner', process.env.CONCERTO_DB_ADMIN], ['application', process.env.CONCERTO_DB]]) {
    assert.ok(conn, `the ${who} connection string is set`);
    refused(conn, `UPDATE moderation_log SET reason = 'falsifié' WHERE id = ${d.log_id}`, who);
    refused(conn, `UPDATE moderation_log SET reason = reason`, who);
    refused(conn, `DELETE FROM moderation_log WHERE id = ${d.log_id}`, who);
    refused(conn, 'BEGIN; TRUNCATE moderation_log; ROLLBACK', who);
  }
  assert.deepEqual(row(), original, 'the entry is unchanged');
  assert.equal(total(), n0, 'no entry removed');
  const [entry] = await logAll(m, { target_type: 'comment', target_id: x.id });
  assert.equal(entry.reason, 'Motif d\u2019origine');
  // Appending still works.
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'restore' }, 'hidden', 'published');
  assert.equal(total(), n0 + 1);
});

// ------------------------------------------------------------ suspension

test('a suspension blocks comments, votes, flags, ballots and submissions (403 account_suspended) but not reading; 0 days lifts it', async () => {
  const [a, m, [p, q]] = await Promise.all([admin(), moderator(), fresh(2)]);
  const c = await gathering();
  const { c: voting, ids } = await votingConsultation({ priorities: 2, adm: a });
  const x = await comment(q, c.id);
  const own = await comment(p, c.id);
  const reason = `Propos insultants répétés ${suffix()}`;
  const t0 = Date.now();
  const res = await m.client.post(suspensionPath(p.id), { days: 7, reason });
  const s = ok(res, 200, 'suspend');
  assert.deepEqual(keys(s), ['account_id', 'reason', 'suspended_until'], `the suspension fields: ${show(res)}`);
  assert.equal(s.account_id, p.id);
  assert.equal(s.reason, reason);
  assert.match(s.suspended_until || '', TIME_RE);
  const until = Date.parse(s.suspended_until);
  assert.ok(Math.abs(until - (t0 + 7 * DAY)) < HOUR, `suspended for 7 days: ${s.suspended_until}`);

  // Reading still works.
  ok(await p.client.get(commentsPath(c.id)), 200, 'read comments');
  ok(await p.client.get(submissionsPath(c.id)), 200, 'read submissions');
  ok(await p.client.get('/api/v1/me'), 200, 'read the account');
  assert.equal((await seen(p.client, c.id, x.id))?.body, x.body);
  // Every contribution is refused.
  assertError(await postComment(p, c.id), 403, 'account_suspended');
  assertError(await postComment(p, c.id, { parent_id: x.id }), 403, 'account_suspended');
  assertError(await p.client.patch(commentPath(own.id), { body: 'Modifié pendant la suspension' }), 403, 'account_suspended');
  assertError(await putVote(p, x.id, 1), 403, 'account_suspended');
  assertError(await flagComment(p, x.id, 'spam'), 403, 'account_suspended');
  assertError(await p.client.post(submissionsPath(c.id), { text: `Une question pendant la suspension ${suffix()}` }), 403, 'account_suspended');
  assertError(await p.client.send('PUT', ballotPath(voting.id), { choices: [ids[0]] }), 403, 'account_suspended');
  assert.deepEqual((await listAll(m.client, c.id)).map((z) => z.id), [x.id, own.id], 'nothing stored');
  assert.equal((await seen(m.client, c.id, x.id)).flag_count, 0);

  // Logged and notified.
  const [entry] = await logAll(m, { target_type: 'account', target_id: p.id });
  assert.deepEqual(keys(entry), LOG_KEYS);
  assert.deepEqual([entry.action, entry.target_type, entry.target_id, entry.reason, entry.consultation_id],
    ['suspend', 'account', p.id, reason, null]);
  assert.equal(Date.parse(entry.until), until, 'the log keeps the end of the suspension');
  assert.deepEqual(entry.moderator, { id: m.id, pseudonym: m.pseudonym });
  let n = await notificationsOf(p);
  const note = n.notifications.find((k) => k.kind === 'suspension');
  assert.ok(note, `a suspension notification: ${JSON.stringify(n.notifications.slice(0, 3))}`);
  assert.equal(n.notifications[0].kind, 'suspension', 'the newest');
  assert.equal(note.reason, reason);
  assert.equal(Date.parse(note.until), until);

  // Lifted.
  const lift = ok(await m.client.post(suspensionPath(p.id), { days: 0, reason: 'Levée après échange' }), 200, 'lift');
  assert.deepEqual([lift.account_id, lift.suspended_until], [p.id, null]);
  const log2 = await logAll(m, { target_type: 'account', target_id: p.id });
  assert.deepEqual(log2.map((e) => [e.action, e.until === null]), [['unsuspend', true], ['suspend', false]]);
  n = await notificationsOf(p);
  assert.deepEqual([n.notifications[0].kind, n.notifications[0].until, n.notifications[0].reason], ['suspension', null, 'Levée après échange']);
  await comment(p, c.id, {}, 'comment again');
  ok(await putVote(p, x.id, 1), 200, 'vote again');
  ok(await flagComment(p, x.id, 'off_topic'), 201, 'flag again');
  ok(await p.client.send('PUT', ballotPath(voting.id), { choices: [ids[0]] }), 200, 'ballot again');

  // Who cannot be suspended, and bad input.
  assertError(await m.client.post(suspensionPath(m.id), { days: 1, reason: 'Moi-même' }), 422, 'staff_account');
  assertError(await m.client.post(suspensionPath(a.id), { days: 1, reason: 'Un administrateur' }), 422, 'staff_account');
  assertError(await m.client.post(suspensionPath(2147483000), { days: 1, reason: 'Inconnu' }), 404, 'not_found');
  const gone = await participant();
  assert.equal((await gone.client.delete('/api/v1/me', { password: gone.password })).status, 204, 'an account deletes itself');
  assertError(await m.client.post(suspensionPath(gone.id), { days: 1, reason: 'Compte supprimé' }), 404, 'not_found');
  const path = suspensionPath(q.id);
  for (const [body, code, field] of [
    [{ reason: 'Sans durée' }, 'missing_field', 'days'], [{ days: 1 }, 'missing_field', 'reason'],
    [{ days: -1, reason: 'Négatif' }, 'invalid_field', 'days'], [{ days: 3651, reason: 'Trop long' }, 'invalid_field', 'days'],
    [{ days: '7', reason: 'Une chaîne' }, 'invalid_field', 'days'], [{ days: 1.5, reason: 'Un décimal' }, 'invalid_field', 'days'],
    [{ days: 1, reason: 'ab' }, 'invalid_field', 'reason'], [{ days: 1, reason: 'x'.repeat(1001) }, 'invalid_field', 'reason'],
    [{ days: 1, reason: 'Un motif', scope: 'all' }, 'unknown_field', 'scope'],
  ]) assertError(await m.client.post(path, body), 400, code, field);
  assertError(await m.client.post(path, { days: 1, reason: 'Sans jeton' }, { csrf: false }), 403, 'csrf_failed');
  await comment(q, c.id, {}, 'the refused suspensions did not suspend');
  const maxi = ok(await m.client.post(path, { days: 3650, reason: 'Durée maximale' }), 200, '3650 days');
  assert.ok(Math.abs(Date.parse(maxi.suspended_until) - (Date.now() + 3650 * DAY)) < DAY, `ten years: ${maxi.suspended_until}`);
  ok(await m.client.post(path, { days: 0, reason: 'Levée immédiate' }), 200, 'lift');
});

// --------------------------------------------------------- notifications

test('notifications: newest first, paged, unread count; read up_to marks those at or below it, for this account only', async () => {
  const [m, p, [q]] = await Promise.all([moderator(), participant(), fresh(1)]);
  const c = await gathering();
  assertError(await anon().get(NOTIFICATIONS), 401, 'authentication_required');
  const empty = await notificationsOf(p);
  assert.deepEqual([empty.notifications, empty.unread, empty.next_cursor], [[], 0, null], 'none at first');
  const x = await comment(p, c.id);
  const y = await comment(p, c.id);
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'hide', reason: 'Premier motif' });
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'restore', reason: 'Deuxième motif' });
  await mustDecide(m, { target_type: 'comment', target_id: y.id, action: 'reject', reason: 'Troisième motif' });
  const n = await notificationsOf(p);
  assert.equal(n.unread, 3);
  assert.deepEqual(n.notifications.map((k) => [k.kind, k.action, k.reason, k.target_type, k.target_id, k.consultation_id]), [
    ['moderation', 'reject', 'Troisième motif', 'comment', y.id, c.id],
    ['moderation', 'restore', 'Deuxième motif', 'comment', x.id, c.id],
    ['moderation', 'hide', 'Premier motif', 'comment', x.id, c.id],
  ], 'newest first');
  for (const k of n.notifications) {
    assert.deepEqual([k.until, k.support, k.read_at], [null, null, null]);
    assert.match(k.created_at, TIME_RE);
  }
  const page1 = ok(await p.client.get(`${NOTIFICATIONS}${qs({ limit: 2 })}`), 200);
  assert.deepEqual(page1.notifications.map((k) => k.id), n.notifications.slice(0, 2).map((k) => k.id));
  assert.equal(typeof page1.next_cursor, 'string');
  const page2 = ok(await p.client.get(`${NOTIFICATIONS}${qs({ limit: 2, cursor: page1.next_cursor })}`), 200);
  assert.deepEqual(page2.notifications.map((k) => k.id), [n.notifications[2].id]);
  assertError(await p.client.get(`${NOTIFICATIONS}?limit=0`), 400, 'invalid_field', 'limit');

  assertError(await p.client.post(NOTIFICATIONS_READ, {}), 400, 'missing_field', 'up_to');
  assertError(await p.client.post(NOTIFICATIONS_READ, { up_to: 'all' }), 400, 'invalid_field', 'up_to');
  assertError(await p.client.post(NOTIFICATIONS_READ, { up_to: 1, all: true }), 400, 'unknown_field', 'all');
  assertError(await p.client.post(NOTIFICATIONS_READ, { up_to: n.notifications[0].id }, { csrf: false }), 403, 'csrf_failed');
  // Another account marking "everything" marks only its own.
  ok(await q.client.post(NOTIFICATIONS_READ, { up_to: 2147483000 }), 200, 'another account reads its own');
  assert.equal((await notificationsOf(p)).unread, 3, 'not those of p');

  const r1 = ok(await p.client.post(NOTIFICATIONS_READ, { up_to: n.notifications[1].id }), 200, 'read the two oldest');
  assert.deepEqual(r1, { unread: 1 });
  const after = await notificationsOf(p);
  assert.equal(after.unread, 1);
  assert.equal(after.notifications[0].read_at, null, 'the newest is unread');
  for (const k of after.notifications.slice(1)) assert.match(k.read_at || '', TIME_RE, 'the others are read');
  assert.deepEqual(ok(await p.client.post(NOTIFICATIONS_READ, { up_to: n.notifications[0].id }), 200), { unread: 0 });
  assert.equal((await notificationsOf(p)).unread, 0);
});

// --------------------------------------------------------- support texts

test('support texts: anyone reads both languages; only admins change them; each bad field is a 400', async () => {
  const [a, m, [p]] = await Promise.all([admin(), moderator(), fresh(1)]);
  const texts = await supportTexts();
  assert.deepEqual(Object.keys(texts).sort(), ['en', 'fr']);
  assertSupport(texts.fr, 'fr');
  assertSupport(texts.en, 'en');
  const body = { title: `Vous n\u2019êtes pas seul·e ${suffix()}`, body: 'Appelez le 3114, jour et nuit.\nGratuit et confidentiel.',
    contacts: ['3114 — numéro national de prévention du suicide', 'SOS Amitié : 09 72 39 40 50'] };
  const path = `${SUPPORT_TEXTS}/fr`;
  assertError(await anon().send('PUT', path, body), 401, 'authentication_required');
  assertError(await p.client.send('PUT', path, body), 403, 'forbidden');
  assertError(await m.client.send('PUT', path, body), 403, 'forbidden');
  assertError(await a.client.send('PUT', `${SUPPORT_TEXTS}/de`, body), 404, 'not_found');
  for (const [patch, code, field] of [
    [{ title: undefined }, 'missing_field', 'title'], [{ title: 'ab' }, 'invalid_field', 'title'], [{ title: 'x'.repeat(201) }, 'invalid_field', 'title'],
    [{ body: '' }, 'invalid_field', 'body'], [{ body: 'x'.repeat(5001) }, 'invalid_field', 'body'],
    [{ contacts: 'SOS Amitié' }, 'invalid_field', 'contacts'], [{ contacts: ['deux\nlignes'] }, 'invalid_field', 'contacts'],
    [{ contacts: [''] }, 'invalid_field', 'contacts'], [{ contacts: ['x'.repeat(301)] }, 'invalid_field', 'contacts'],
    [{ contacts: Array.from({ length: 21 }, (_, i) => `Contact ${i}`) }, 'invalid_field', 'contacts'], [{ contacts: [3114] }, 'invalid_field', 'contacts'],
    [{ language: 'fr' }, 'unknown_field', 'language'],
  ]) assertError(await a.client.send('PUT', path, { ...body, ...patch }), 400, code, field);
  assert.deepEqual(await supportTexts(), texts, 'nothing changed by the refused requests');

  try {
    const r = await a.client.send('PUT', path, body);
    const s = ok(r, 200, 'admin PUT');
    assertSupport(s, 'fr');
    assert.deepEqual([s.title, s.body, s.contacts], [body.title, body.body, body.contacts]);
    assert.ok(Date.parse(s.updated_at) >= Date.parse(texts.fr.updated_at));
    const now = await supportTexts();
    assert.deepEqual(now.fr, s, 'GET shows the new text');
    assert.deepEqual(now.en, texts.en, 'the other language is unchanged');
    const c = await gathering();
    const held = await comment(p, c.id, { body: `Je veux me suicider ${suffix()}` }, 'distress words');
    assert.equal(held.status, 'pending');
    assert.deepEqual(held.support, s, 'distress answers the new text');
    const noContacts = ok(await a.client.send('PUT', path, { ...body, contacts: [] }), 200, 'no contacts');
    assert.deepEqual(noContacts.contacts, []);
  } finally {
    ok(await a.client.send('PUT', path, { title: texts.fr.title, body: texts.fr.body, contacts: texts.fr.contacts }), 200, 'put the text back');
  }
  const back = await supportTexts();
  assert.deepEqual([back.fr.title, back.fr.body, back.fr.contacts], [texts.fr.title, texts.fr.body, texts.fr.contacts]);
});
