// SPDX-License-Identifier: AGPL-3.0-or-later
// Comment threads (issue 6): participants comment on a consultation, on a
// priority or in reply to a comment while it gathers questions or votes;
// threads nest four levels below the page's top and deeper branches are
// fetched with parent_id; deleted comments stay as tombstones keeping their
// replies; keyset pages do not shift when comments arrive; authors edit
// within the edit window (staff see the history); pre-moderated comments
// are seen by their author and staff only until approved; votes are one per
// account with exact counts under concurrency and a Wilson score; the
// per-minute limit and duplicate texts are refused; distress words hold a
// comment and answer with support in the author's language; what is stored
// is returned as written (script payloads included), as JSON strings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORT_TEXTS, commentPath, commentsPath, consultationPath } from './lib/paths.mjs';
import { suffix } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { JSON_CT, TIME_RE, assertError, keys, ok, show } from './lib/assert.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { admin, moderator, participant } from './lib/accounts.mjs';
import { gathering, newConsultation, newPriority, publish, votingConsultation } from './lib/consultations.mjs';
import {
  COMMENTS_PER_MINUTE, COMMENT_KEYS, STAFF_COMMENT_KEYS, VOTE_KEYS, assertScore, assertSupport, comment, crowdOf,
  flagComment, flatten, listAll, listPage, mustDecide, postComment, putVote, seen, seenIds, spent, wilson,
} from './lib/comments.mjs';

// The participants of this file, made once; fresh(n) gives the n who
// commented least in the last minute (to stay within the rate limit).
const { crowd, fresh } = crowdOf(12);

const ids = (list) => list.map((c) => c.id);

// --------------------------------------------------------------- basics

test('a participant comments: 201 with the comment object, seen by everyone, their participation fixed', async () => {
  const [m, [p, q]] = await Promise.all([moderator(), fresh(2)]);
  const c = await gathering();
  const participations = (who) => sql('SELECT count(*)::int AS n FROM participations WHERE consultation_id = :c AND account_id = :a',
    { c: c.id, a: who.id })[0].n;
  assert.equal(participations(p), 0, 'no participation before the first comment');
  const body = 'Premier paragraphe.\n\nSecond paragraphe : accents éàçœ — guillemets « » et un ruban 🎗️.\n';
  const r = await postComment(p, c.id, { body, alignment: 'for' });
  const x = ok(r, 201, 'comment');
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  assert.deepEqual(keys(x), COMMENT_KEYS, `the comment fields: ${show(r)}`);
  assert.equal(typeof x.id, 'number');
  assert.equal(x.consultation_id, c.id);
  assert.equal(x.priority_id, null);
  assert.equal(x.parent_id, null);
  assert.equal(x.depth, 0);
  assert.equal(x.author, p.pseudonym);
  assert.equal(x.mine, true);
  assert.equal(x.alignment, 'for');
  assert.equal(x.body, body, 'the body as written, multi-line');
  assert.equal(x.status, 'published', 'post-moderation: published at once');
  assert.equal(x.deleted, false);
  assert.equal(x.redacted, false);
  assert.equal(x.edited_at, null);
  assert.match(x.created_at, TIME_RE);
  assert.deepEqual([x.up, x.down, x.score, x.my_vote, x.reply_count, x.replies, x.collapsed], [0, 0, 0, 0, 0, [], false]);
  assert.equal(participations(p), 1, 'the first comment fixes the participation');

  const byAnon = await seen(anon(), c.id, x.id);
  assert.ok(byAnon, 'an anonymous visitor sees the comment');
  assert.deepEqual(keys(byAnon), COMMENT_KEYS);
  assert.deepEqual({ ...byAnon, mine: true }, x, 'the listing shows what POST answered');
  assert.equal(byAnon.mine, false);
  const byQ = await seen(q.client, c.id, x.id);
  assert.equal(byQ.mine, false, 'not mine for another participant');
  assert.equal(byQ.body, body);
  const byP = await seen(p.client, c.id, x.id);
  assert.equal(byP.mine, true);
  const byM = await seen(m.client, c.id, x.id);
  assert.deepEqual(keys(byM), STAFF_COMMENT_KEYS, `staff see flag_count and edits: ${JSON.stringify(byM)}`);
  assert.equal(byM.flag_count, 0);
  assert.deepEqual(byM.edits, []);

  const y = await comment(q, c.id, { body: `Sans position donnée ${suffix()}` });
  assert.equal(y.alignment, 'neutral', 'alignment defaults to neutral');
  assert.equal(y.author, q.pseudonym);
  assert.deepEqual(ids(await listAll(anon(), c.id)), [x.id, y.id], 'oldest first by default');
});

test('bad input: each bad field is a 400 naming it, unknown fields too; sign-in, verification and CSRF required; 404s', async () => {
  const [a, m, [p, q], u] = await Promise.all([admin(), moderator(), fresh(2), participant({ verified: false })]);
  const c = await gathering();
  const path = commentsPath(c.id);
  const body = `Un avis valable ${suffix()}`;
  assertError(await anon().post(path, { body }), 401, 'authentication_required');
  assertError(await u.client.post(path, { body }), 403, 'email_not_verified');
  assertError(await p.client.post(path, { body }, { csrf: false }), 403, 'csrf_failed');
  assertError(await p.client.post(path, {}), 400, 'missing_field', 'body');
  assertError(await p.client.post(path, { alignment: 'for' }), 400, 'missing_field', 'body');
  assertError(await p.client.post(path, { body: '' }), 400, 'invalid_field', 'body');
  assertError(await p.client.post(path, { body: 'x'.repeat(5001) }), 400, 'invalid_field', 'body');
  assertError(await p.client.post(path, { body: 12345 }), 400, 'invalid_field', 'body');
  assertError(await p.client.post(path, { body: null }), 400, 'invalid_field', 'body');
  assertError(await p.client.post(path, { body, alignment: 'maybe' }), 400, 'invalid_field', 'alignment');
  assertError(await p.client.post(path, { body, alignment: 1 }), 400, 'invalid_field', 'alignment');
  assertError(await p.client.post(path, { body, priority_id: 'un' }), 400, 'invalid_field', 'priority_id');
  assertError(await p.client.post(path, { body, priority_id: 1.5 }), 400, 'invalid_field', 'priority_id');
  assertError(await p.client.post(path, { body, parent_id: 'abc' }), 400, 'invalid_field', 'parent_id');
  assertError(await p.client.post(path, { body, parent_id: [1] }), 400, 'invalid_field', 'parent_id');
  assertError(await p.client.post(path, { body, author: 'moi' }), 400, 'unknown_field', 'author');
  assertError(await p.client.post(path, undefined, { raw: '{"body": "pas fini' }), 400, 'invalid_json');
  assert.deepEqual(await listAll(m.client, c.id), [], 'nothing stored by refused requests');

  // Bad listing parameters.
  for (const [q2, field] of [['sort=random', 'sort'], ['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=abc', 'limit'],
    ['cursor=not-a-cursor', 'cursor']]) {
    assertError(await anon().get(commentsPath(c.id, `?${q2}`)), 400, 'invalid_field', field);
  }

  // Unknown consultation, drafts.
  assertError(await anon().get(commentsPath(2147483000)), 404, 'not_found');
  assertError(await p.client.post(commentsPath(2147483000), { body }), 404, 'not_found');
  const draft = await newConsultation(a);
  assertError(await anon().get(commentsPath(draft.id)), 404, 'not_found');
  assertError(await p.client.get(commentsPath(draft.id)), 404, 'not_found');
  assertError(await p.client.post(commentsPath(draft.id), { body }), 404, 'not_found');
  ok(await a.client.get(commentsPath(draft.id)), 200, 'staff read the comments of a draft');

  // 5000 characters (not bytes) are accepted.
  const long = 'é'.repeat(4999) + '\n';
  const x = await comment(p, c.id, { body: long }, '5000 characters');
  assert.equal(x.body, long, 'the 5000 characters kept');

  // PATCH and vote inputs.
  assertError(await p.client.patch(commentPath(x.id), { body: '' }), 400, 'invalid_field', 'body');
  assertError(await p.client.patch(commentPath(x.id), { body: 'x'.repeat(5001) }), 400, 'invalid_field', 'body');
  assertError(await p.client.patch(commentPath(x.id), { alignment: 'maybe' }), 400, 'invalid_field', 'alignment');
  assertError(await p.client.patch(commentPath(x.id), { status: 'published' }), 400, 'unknown_field', 'status');
  assertError(await p.client.patch(commentPath(x.id), { body: 'Modifié sans jeton' }, { csrf: false }), 403, 'csrf_failed');
  assertError(await putVote(q, x.id), 400, 'missing_field', 'value');
  assertError(await putVote(q, x.id, 2), 400, 'invalid_field', 'value');
  assertError(await putVote(q, x.id, '1'), 400, 'invalid_field', 'value');
  assertError(await putVote(q, x.id, 0.5), 400, 'invalid_field', 'value');
  assertError(await q.client.send('PUT', `/api/v1/comments/${x.id}/vote`, { value: 1, weight: 2 }), 400, 'unknown_field', 'weight');
  assertError(await anon().send('PUT', `/api/v1/comments/${x.id}/vote`, { value: 1 }), 401, 'authentication_required');
  const after = await seen(m.client, c.id, x.id);
  assert.equal(after.body, long, 'the refused PATCHes changed nothing');
  assert.equal(after.edited_at, null);
  assert.deepEqual([after.up, after.down], [0, 0], 'the refused votes changed nothing');
});

test('comments only while gathering or voting: 409 comments_closed for comments, edits and votes; reading goes on', async () => {
  const [a, [p, q]] = await Promise.all([admin(), fresh(2)]);
  const c = await gathering();
  const x = await comment(p, c.id, {}, 'while gathering');
  const { c: voting } = await votingConsultation({ priorities: 1, adm: a });
  const v = await comment(p, voting.id, {}, 'while voting');
  assert.equal(v.status, 'published');

  const closed = ok(await a.client.patch(consultationPath(c.id), { phase: 'closed' }), 200, 'close');
  assert.equal(closed.phase, 'closed');
  assertError(await postComment(q, c.id), 409, 'comments_closed');
  assertError(await postComment(q, c.id, { parent_id: x.id }), 409, 'comments_closed');
  assertError(await p.client.patch(commentPath(x.id), { body: 'Modifié après la clôture' }), 409, 'comments_closed');
  assertError(await putVote(q, x.id, 1), 409, 'comments_closed');
  const still = await seen(anon(), c.id, x.id);
  assert.ok(still, 'the comments of a closed consultation are still read');
  assert.equal(still.body, x.body);
  assert.equal(still.up, 0);

  await publish(a, c.id);
  assertError(await postComment(q, c.id), 409, 'comments_closed');
  const straightClosed = await newConsultation(a, {}, { phase: 'closed' });
  assertError(await postComment(q, straightClosed.id), 409, 'comments_closed');
  assert.deepEqual(ids(await listAll(a.client, c.id)), [x.id], 'nothing stored after the close');
});

// -------------------------------------------------------------- threads

test('threads nest four levels below the page top; a deeper branch is collapsed and read with parent_id', async () => {
  const authors = await fresh(4);
  const c = await gathering();
  const chain = [];
  for (let i = 0; i < 7; i++) {
    const x = await comment(authors[i % 4], c.id, i ? { parent_id: chain[i - 1].id } : {}, `level ${i}`);
    assert.equal(x.depth, i, `depth of level ${i}`);
    assert.equal(x.parent_id, i ? chain[i - 1].id : null, `parent of level ${i}`);
    chain.push(x);
  }
  const sibling = await comment(authors[3], c.id, { parent_id: chain[0].id }, 'a second reply to the top');

  const top = await listPage(anon(), c.id);
  assert.deepEqual(ids(top.comments), [chain[0].id], 'one thread at the top');
  assert.equal(top.next_cursor, null);
  let node = top.comments[0];
  assert.equal(node.reply_count, 2, 'two direct replies');
  assert.deepEqual(ids(node.replies).sort((x, y) => x - y), [chain[1].id, sibling.id].sort((x, y) => x - y), 'both replies nested');
  assert.equal(node.collapsed, false);
  for (let d = 1; d <= 4; d++) {
    node = node.replies.find((r) => r.id === chain[d].id);
    assert.ok(node, `level ${d} is nested under level ${d - 1}`);
    assert.equal(node.depth, d);
    assert.equal(node.parent_id, chain[d - 1].id);
    assert.equal(node.reply_count, 1, `level ${d} has one reply`);
  }
  assert.deepEqual(node.replies, [], 'level 4 (top + 4) shows no replies');
  assert.equal(node.collapsed, true, `level 4 is collapsed: ${JSON.stringify(node).slice(0, 400)}`);
  for (const x of flatten(top.comments)) if (x.id !== chain[4].id) assert.equal(x.collapsed, false, `only level 4 is collapsed (${x.id})`);

  // The collapsed branch.
  const deeper = await listPage(anon(), c.id, { parent_id: chain[4].id });
  assert.deepEqual(ids(deeper.comments), [chain[5].id], 'parent_id lists the direct replies');
  assert.equal(deeper.next_cursor, null);
  assert.equal(deeper.comments[0].depth, 5);
  assert.deepEqual(ids(deeper.comments[0].replies), [chain[6].id], 'with their replies nested');
  assert.equal(deeper.comments[0].replies[0].depth, 6);
  assert.equal(deeper.comments[0].replies[0].collapsed, false);
  assert.equal(deeper.comments[0].replies[0].reply_count, 0);

  // Four levels below any page top: from level 1, level 5 still shows its reply (level 6 = 2 + 4).
  const fromOne = await listPage(anon(), c.id, { parent_id: chain[1].id });
  assert.deepEqual(ids(fromOne.comments), [chain[2].id]);
  const all = flatten(fromOne.comments);
  assert.deepEqual(ids(all), chain.slice(2).map((x) => x.id), 'levels 2 to 6 in one page');
  assert.equal(all.find((x) => x.id === chain[6].id).depth, 6);
  assert.ok(all.every((x) => x.collapsed === false), 'nothing collapsed within four levels');
  assert.deepEqual((await seenIds(anon(), c.id)).sort((x, y) => x - y), [...ids(chain), sibling.id].sort((x, y) => x - y),
    'every comment can be reached');
});

test('replies take their parent priority; priority_id filters threads; invalid_priority and invalid_parent (422)', async () => {
  const [a, m, [p, q]] = await Promise.all([admin(), moderator(), fresh(2)]);
  const c = await gathering();
  const other = await gathering();
  const [p1, p2] = [await newPriority(m, c.id), await newPriority(m, c.id)];
  const elsewhere = await newPriority(m, other.id);
  const t1 = await comment(p, c.id, { priority_id: p1.id, alignment: 'for' });
  assert.equal(t1.priority_id, p1.id);
  const t2 = await comment(q, c.id, { priority_id: p2.id, alignment: 'against' });
  const t3 = await comment(p, c.id, { priority_id: null });
  assert.equal(t3.priority_id, null);
  const r1 = await comment(q, c.id, { parent_id: t1.id }, 'reply without priority_id');
  assert.equal(r1.priority_id, p1.id, 'a reply takes its parent priority');
  const r2 = await comment(p, c.id, { parent_id: t1.id, priority_id: p1.id }, 'reply with the same priority_id');
  assert.equal(r2.priority_id, p1.id);

  assertError(await postComment(q, c.id, { parent_id: t1.id, priority_id: p2.id }), 422, 'invalid_priority', 'priority_id');
  assertError(await postComment(q, c.id, { priority_id: elsewhere.id }), 422, 'invalid_priority', 'priority_id');
  assertError(await postComment(q, c.id, { priority_id: 2147483000 }), 422, 'invalid_priority', 'priority_id');
  assertError(await postComment(q, c.id, { parent_id: 2147483000 }), 422, 'invalid_parent', 'parent_id');
  const there = await comment(q, other.id, {}, 'a comment elsewhere');
  assertError(await postComment(p, c.id, { parent_id: there.id }), 422, 'invalid_parent', 'parent_id');

  const onP1 = await listAll(anon(), c.id, { priority_id: p1.id });
  assert.deepEqual(ids(onP1), [t1.id], 'only the threads on priority 1');
  assert.deepEqual(ids(onP1[0].replies).sort((x, y) => x - y), [r1.id, r2.id].sort((x, y) => x - y), 'with their replies');
  assert.deepEqual(ids(await listAll(anon(), c.id, { priority_id: p2.id })), [t2.id]);
  assert.deepEqual(ids(await listAll(anon(), c.id)), [t1.id, t2.id, t3.id], 'without priority_id: every thread');
  assert.equal(onP1[0].alignment, 'for');
  assert.deepEqual(ids(await listAll(anon(), other.id)), [there.id], 'the other consultation has its own');
  assert.deepEqual(ids(await listAll(a.client, c.id)), [t1.id, t2.id, t3.id], 'the refused replies were not stored');
});

test('a deleted comment is a tombstone that keeps its replies; deleting again is 204; it takes no edit, reply, vote or flag', async () => {
  const [m, [p, q]] = await Promise.all([moderator(), fresh(2)]);
  const c = await gathering();
  const x = await comment(p, c.id, { body: `Version initiale ${suffix()}` });
  ok(await p.client.patch(commentPath(x.id), { body: `Version corrigée ${suffix()}` }), 200, 'edit');
  assert.equal((await seen(m.client, c.id, x.id)).edits.length, 1, 'one previous version before the deletion');
  const y = await comment(q, c.id, { parent_id: x.id });
  const z = await comment(p, c.id, { parent_id: y.id });
  assertError(await q.client.delete(commentPath(x.id)), 403, 'not_author');
  assertError(await p.client.delete(commentPath(2147483000)), 404, 'not_found');

  const d = await p.client.delete(commentPath(x.id));
  assert.equal(d.status, 204, `DELETE: ${show(d)}`);
  assert.equal(d.text, '', 'no body');
  for (const [who, client] of [['anonymous', anon()], ['another participant', q.client], ['a moderator', m.client]]) {
    const list = await listAll(client, c.id);
    assert.deepEqual(ids(list), [x.id], `${who}: the tombstone is still the thread's top`);
    const t = list[0];
    assert.equal(t.deleted, true, `${who}: deleted`);
    assert.equal(t.body, null, `${who}: no body`);
    assert.equal(t.author, null, `${who}: no author`);
    assert.equal(t.reply_count, 1, `${who}: its reply is counted`);
    assert.deepEqual(ids(t.replies), [y.id], `${who}: its reply is kept`);
    assert.deepEqual(ids(t.replies[0].replies), [z.id], `${who}: and the reply's reply`);
    assert.equal(t.replies[0].body, y.body);
    assert.equal(t.replies[0].author, q.pseudonym);
  }
  assert.deepEqual((await seen(m.client, c.id, x.id)).edits, [], 'the edit history is erased');
  const again = await p.client.delete(commentPath(x.id));
  assert.equal(again.status, 204, `DELETE again: ${show(again)}`);

  assertError(await p.client.patch(commentPath(x.id), { body: 'Ressuscité' }), 409, 'comment_deleted');
  assertError(await postComment(q, c.id, { parent_id: x.id }), 422, 'invalid_parent', 'parent_id');
  assertError(await putVote(q, x.id, 1), 409, 'not_votable');
  assertError(await flagComment(q, x.id, 'spam'), 409, 'comment_deleted');
  // The other comments still work.
  const v = ok(await putVote(p, y.id, 1), 200, 'vote on the kept reply');
  assert.equal(v.up, 1);
});

test('keyset pages: a comment posted after page 1 never shifts page 2 (oldest and newest); best = score, then id', async () => {
  const people = await fresh(6);
  const [w1, w2, w3] = people;
  const voters = people.slice(3);
  const c = await gathering();
  const t = [];
  for (let i = 0; i < 5; i++) t.push(await comment([w1, w2, w3][i % 3], c.id, {}, `top ${i + 1}`));

  // Oldest first.
  const o1 = await listPage(anon(), c.id, { sort: 'oldest', limit: 2 });
  assert.deepEqual(ids(o1.comments), [t[0].id, t[1].id]);
  assert.equal(typeof o1.next_cursor, 'string');
  t.push(await comment(w1, c.id, {}, 'top 6, after page 1'));
  await comment(w2, c.id, { parent_id: t[2].id }, 'a reply, after page 1');
  const o2 = await listPage(anon(), c.id, { sort: 'oldest', limit: 2, cursor: o1.next_cursor });
  assert.deepEqual(ids(o2.comments), [t[2].id, t[3].id], 'page 2 as it was');
  const o3 = await listPage(anon(), c.id, { sort: 'oldest', limit: 2, cursor: o2.next_cursor });
  assert.deepEqual(ids(o3.comments), [t[4].id, t[5].id]);
  if (o3.next_cursor !== null) assert.deepEqual((await listPage(anon(), c.id, { sort: 'oldest', limit: 2, cursor: o3.next_cursor })).comments, []);

  // Newest first.
  const n1 = await listPage(anon(), c.id, { sort: 'newest', limit: 2 });
  assert.deepEqual(ids(n1.comments), [t[5].id, t[4].id]);
  t.push(await comment(w3, c.id, {}, 'top 7, after page 1'));
  const n2 = await listPage(anon(), c.id, { sort: 'newest', limit: 2, cursor: n1.next_cursor });
  assert.deepEqual(ids(n2.comments), [t[3].id, t[2].id], 'page 2 does not shift when a comment arrives');
  const n3 = await listPage(anon(), c.id, { sort: 'newest', limit: 2, cursor: n2.next_cursor });
  assert.deepEqual(ids(n3.comments), [t[1].id, t[0].id]);
  if (n3.next_cursor !== null) assert.deepEqual((await listPage(anon(), c.id, { sort: 'newest', limit: 2, cursor: n3.next_cursor })).comments, [], 'nothing after the last page');
  assert.deepEqual(ids(await listAll(anon(), c.id, { sort: 'newest', limit: 3 })), ids(t).reverse(), 'newest: every thread');
  assert.deepEqual(ids(await listAll(anon(), c.id, { limit: 100 })), ids(t), 'default: oldest');

  // Best: t3 two up, t1 one up, t5 one down; the rest unvoted.
  for (const v of voters.slice(0, 2)) ok(await putVote(v, t[2].id, 1), 200);
  ok(await putVote(voters[2], t[0].id, 1), 200);
  ok(await putVote(voters[2], t[4].id, -1), 200);
  const best = await listAll(anon(), c.id, { sort: 'best', limit: 3 });
  assert.deepEqual(ids(best), [t[2].id, t[0].id, t[1].id, t[3].id, t[4].id, t[5].id, t[6].id],
    `best: score desc, then id asc: ${JSON.stringify(best.map((x) => [x.id, x.score]))}`);
  const byId = Object.fromEntries(best.map((x) => [x.id, x]));
  assertScore(byId[t[2].id].score, 2, 0, 'two up');
  assertScore(byId[t[0].id].score, 1, 0, 'one up');
  assertScore(byId[t[4].id].score, 0, 1, 'one down');
  assert.equal(byId[t[1].id].score, 0, 'no vote: 0');
  assert.ok(wilson(2, 0) > wilson(1, 0));
});

// ------------------------------------------------------------- editing

test('authors edit within the edit window: edited_at, history for staff only; 403 not_author; 409 edit_window_closed after', async () => {
  const [m, [p, q]] = await Promise.all([moderator(), fresh(2)]);
  const c = await gathering();
  const v1 = `Première version ${suffix()}`;
  const v2 = `Deuxième version ${suffix()}\navec une seconde ligne`;
  const v3 = `Troisième version ${suffix()}`;
  const x = await comment(p, c.id, { body: v1, alignment: 'for' });
  assertError(await q.client.patch(commentPath(x.id), { body: 'Pas mon commentaire' }), 403, 'not_author');
  assertError(await p.client.patch(commentPath(2147483000), { body: 'Inconnu' }), 404, 'not_found');

  const r = await p.client.patch(commentPath(x.id), { body: v2 });
  const e = ok(r, 200, 'edit');
  assert.deepEqual(keys(e), COMMENT_KEYS, `the comment fields: ${show(r)}`);
  assert.equal(e.body, v2);
  assert.equal(e.alignment, 'for', 'alignment unchanged');
  assert.equal(e.status, 'published', 'post-moderation: still published');
  assert.match(e.edited_at || '', TIME_RE, 'edited_at set');
  assert.ok(Date.parse(e.edited_at) >= Date.parse(x.created_at));
  assert.equal(e.created_at, x.created_at, 'created_at unchanged');
  ok(await p.client.patch(commentPath(x.id), { body: v3 }), 200, 'second edit');

  const byQ = await seen(q.client, c.id, x.id);
  assert.equal(byQ.body, v3, 'others see the last version');
  assert.deepEqual(keys(byQ), COMMENT_KEYS, 'no history for participants');
  assert.ok(!('edits' in (await seen(p.client, c.id, x.id))), 'nor for the author');
  const byM = await seen(m.client, c.id, x.id);
  assert.deepEqual(byM.edits.map((h) => h.body), [v1, v2], 'staff see the previous versions, oldest first');
  for (const h of byM.edits) {
    assert.deepEqual(keys(h), ['body', 'edited_at']);
    assert.match(h.edited_at, TIME_RE);
  }
  const al = ok(await p.client.patch(commentPath(x.id), { alignment: 'against' }), 200, 'alignment only');
  assert.equal(al.alignment, 'against');
  assert.equal(al.body, v3, 'the body stays');

  // The window: 14 minutes old still editable, 16 minutes old not.
  sqlExec(`UPDATE comments SET created_at = now() - interval '14 minutes' WHERE id = ${x.id}`);
  const v4 = `Quatrième version ${suffix()}`;
  ok(await p.client.patch(commentPath(x.id), { body: v4 }), 200, 'edit at 14 minutes');
  sqlExec(`UPDATE comments SET created_at = now() - interval '16 minutes' WHERE id = ${x.id}`);
  assertError(await p.client.patch(commentPath(x.id), { body: 'Trop tard' }), 409, 'edit_window_closed');
  assertError(await p.client.patch(commentPath(x.id), { alignment: 'neutral' }), 409, 'edit_window_closed');
  const last = await seen(anon(), c.id, x.id);
  assert.equal(last.body, v4, 'the late edit changed nothing');
  assert.equal(last.alignment, 'against');
});

// ---------------------------------------------------------- visibility

test('pre-moderation: a pending comment is seen by its author and staff only; approval publishes it; an edit makes it pending again', async () => {
  const [m, [p, q, r]] = await Promise.all([moderator(), fresh(3)]);
  const c = await gathering({ moderation: 'pre' });
  const x = await comment(p, c.id, { body: `En attente de modération ${suffix()}` });
  assert.equal(x.status, 'pending', 'pre-moderation: pending');
  assert.equal(x.mine, true);
  const byP = await seen(p.client, c.id, x.id);
  assert.equal(byP?.status, 'pending', 'the author sees it, pending');
  assert.equal(await seen(q.client, c.id, x.id), undefined, 'another participant does not');
  assert.equal(await seen(anon(), c.id, x.id), undefined, 'an anonymous visitor does not');
  const byM = await seen(m.client, c.id, x.id);
  assert.equal(byM?.status, 'pending', 'a moderator does');
  assert.equal(byM.mine, false);
  assertError(await postComment(q, c.id, { parent_id: x.id }), 422, 'invalid_parent', 'parent_id');
  assertError(await putVote(q, x.id, 1), 404, 'not_found');
  assertError(await q.client.patch(commentPath(x.id), { body: 'Invisible' }), 404, 'not_found');

  const y = await comment(p, c.id, { parent_id: x.id }, 'the author replies to their pending comment');
  assert.equal(y.status, 'pending');
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'approve' }, 'pending', 'published');
  const byR = await seen(r.client, c.id, x.id);
  assert.equal(byR?.status, 'published', 'approved: seen by everyone');
  assert.equal(byR.reply_count, 0, 'its pending reply is not counted for others');
  assert.deepEqual(byR.replies, []);
  assert.equal((await seen(p.client, c.id, x.id)).reply_count, 1, 'the author sees their pending reply');
  await mustDecide(m, { target_type: 'comment', target_id: y.id, action: 'approve' }, 'pending', 'published');
  assert.deepEqual(await seenIds(anon(), c.id), [x.id, y.id], 'both published');

  const e = ok(await p.client.patch(commentPath(x.id), { body: `Modifié après approbation ${suffix()}` }), 200, 'edit');
  assert.equal(e.status, 'pending', 'an edited published comment is pending again under pre-moderation');
  assert.deepEqual(await seenIds(anon(), c.id), [], 'neither it nor its reply are shown to others');
  assert.deepEqual(await seenIds(q.client, c.id), []);
  assert.deepEqual(await seenIds(p.client, c.id), [x.id, y.id], 'the author still sees both');
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'approve' }, 'pending', 'published');
  assert.deepEqual(await seenIds(anon(), c.id), [x.id, y.id]);

  await mustDecide(m, { target_type: 'comment', target_id: y.id, action: 'reject' }, 'published', 'rejected');
  assert.equal((await seen(p.client, c.id, y.id))?.status, 'rejected', 'the author sees their rejected reply');
  assert.equal(await seen(q.client, c.id, y.id), undefined, 'others do not');
  assert.equal((await seen(m.client, c.id, y.id))?.status, 'rejected', 'staff do');
});

test('post-moderation: a hidden comment and the replies under it are shown to its author and staff only', async () => {
  const [m, [p, q, r]] = await Promise.all([moderator(), fresh(3)]);
  const c = await gathering();
  const x = await comment(p, c.id);
  const y = await comment(q, c.id, { parent_id: x.id });
  const other = await comment(r, c.id);
  assert.deepEqual(await seenIds(anon(), c.id), [x.id, y.id, other.id]);
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'hide' }, 'published', 'hidden');
  assert.deepEqual(await seenIds(anon(), c.id), [other.id], 'anonymous: neither the hidden comment nor its published reply');
  assert.deepEqual(await seenIds(r.client, c.id), [other.id], 'another participant: the same');
  assert.deepEqual(await seenIds(q.client, c.id), [other.id], 'the reply\u2019s author cannot see it under a hidden parent');
  assert.deepEqual(await seenIds(p.client, c.id), [x.id, y.id, other.id], 'the hidden comment\u2019s author sees both');
  const byP = await seen(p.client, c.id, x.id);
  assert.equal(byP.status, 'hidden');
  assert.equal(byP.reply_count, 1);
  assert.deepEqual(await seenIds(m.client, c.id), [x.id, y.id, other.id], 'staff see everything');
  assertError(await putVote(r, x.id, 1), 404, 'not_found');
  assertError(await postComment(r, c.id, { parent_id: x.id }), 422, 'invalid_parent', 'parent_id');
  await mustDecide(m, { target_type: 'comment', target_id: x.id, action: 'restore' }, 'hidden', 'published');
  assert.deepEqual(await seenIds(anon(), c.id), [x.id, y.id, other.id], 'restored: shown again with its reply');
});

// ---------------------------------------------------------------- votes

test('votes: one per account, replaced or removed; the Wilson score; own comment 422; unknown 404', async () => {
  const [p, q, r] = await fresh(3);
  const c = await gathering();
  const x = await comment(p, c.id);
  const v1 = await putVote(q, x.id, 1);
  const b1 = ok(v1, 200, 'vote up');
  assert.deepEqual(keys(b1), VOTE_KEYS, `the vote answer: ${show(v1)}`);
  assert.deepEqual([b1.id, b1.up, b1.down, b1.my_vote], [x.id, 1, 0, 1]);
  assertScore(b1.score, 1, 0);
  const byQ = await seen(q.client, c.id, x.id);
  assert.deepEqual([byQ.up, byQ.down, byQ.my_vote], [1, 0, 1], 'GET shows the vote and my_vote');
  assertScore(byQ.score, 1, 0);
  const byR = await seen(r.client, c.id, x.id);
  assert.deepEqual([byR.up, byR.down, byR.my_vote], [1, 0, 0], 'my_vote is 0 for another account');
  assert.equal((await seen(anon(), c.id, x.id)).my_vote, 0);

  const b2 = ok(await putVote(q, x.id, -1), 200, 'replace with a down vote');
  assert.deepEqual([b2.up, b2.down, b2.my_vote], [0, 1, -1], 'the vote is replaced, not added');
  assertScore(b2.score, 0, 1);
  const b3 = ok(await putVote(r, x.id, -1), 200, 'another down vote');
  assert.deepEqual([b3.up, b3.down, b3.my_vote], [0, 2, -1]);
  const b4 = ok(await putVote(q, x.id, 0), 200, 'remove');
  assert.deepEqual([b4.up, b4.down, b4.my_vote], [0, 1, 0]);
  const b5 = ok(await putVote(q, x.id, 0), 200, 'remove again');
  assert.deepEqual([b5.up, b5.down, b5.my_vote], [0, 1, 0]);
  const b6 = ok(await putVote(q, x.id, 1), 200, 'up again');
  assert.deepEqual([b6.up, b6.down], [1, 1]);
  assertScore(b6.score, 1, 1);

  assertError(await putVote(p, x.id, 1), 422, 'own_comment');
  assertError(await putVote(p, x.id, -1), 422, 'own_comment');
  assertError(await putVote(q, 2147483000, 1), 404, 'not_found');
  const byP = await seen(p.client, c.id, x.id);
  assert.deepEqual([byP.up, byP.down, byP.my_vote], [1, 1, 0], 'the refused votes counted nothing');
});

test('concurrent votes by many accounts on one comment give exact counts', async () => {
  const people = await crowd();
  const [author] = await fresh(1);
  const voters = people.filter((x) => x !== author);
  const c = await gathering();
  const x = await comment(author, c.id);
  const nUp = Math.ceil(voters.length * 2 / 3);

  // Round 1: everyone at once.
  const first = await Promise.all(voters.map((v, i) => putVote(v, x.id, i < nUp ? 1 : -1)));
  first.forEach((r, i) => ok(r, 200, `vote of voter ${i}`));
  let got = await seen(anon(), c.id, x.id);
  assert.deepEqual([got.up, got.down], [nUp, voters.length - nUp], 'round 1: exact counts');
  assertScore(got.score, nUp, voters.length - nUp);

  // Round 2: every up vote turns down and every down vote is removed, at once.
  const second = await Promise.all(voters.map((v, i) => putVote(v, x.id, i < nUp ? -1 : 0)));
  second.forEach((r, i) => ok(r, 200, `second vote of voter ${i}`));
  got = await seen(anon(), c.id, x.id);
  assert.deepEqual([got.up, got.down], [0, nUp], 'round 2: exact counts');

  // Round 3: each account sends an up and a down vote at the same time; the
  // counts are those of whichever vote each account ended with.
  const third = await Promise.all(voters.flatMap((v) => [putVote(v, x.id, 1), putVote(v, x.id, -1)]));
  third.forEach((r, i) => ok(r, 200, `racing vote ${i}`));
  const finals = await Promise.all(voters.map(async (v) => (await seen(v.client, c.id, x.id)).my_vote));
  for (const f of finals) assert.ok(f === 1 || f === -1, `each account ends with one of its votes: ${f}`);
  got = await seen(anon(), c.id, x.id);
  assert.deepEqual([got.up, got.down], [finals.filter((f) => f === 1).length, finals.filter((f) => f === -1).length],
    `round 3: the counts match the accounts' votes ${JSON.stringify(finals)}`);
  assert.equal(got.up + got.down, voters.length, 'one vote per account');
});

// ------------------------------------------------------------ abuse limits

test(`more than ${COMMENTS_PER_MINUTE} comments a minute: 429 too_many_comments with Retry-After; other accounts unaffected`, async () => {
  const [w, [other]] = await Promise.all([participant(), fresh(1)]);
  const c = await gathering();
  const c2 = await gathering();
  for (let i = 0; i < COMMENTS_PER_MINUTE; i++) {
    spent(w, 'comments');
    ok(await w.client.post(commentsPath(i % 2 ? c2.id : c.id), { body: `Commentaire numéro ${i} ${suffix()}` }), 201, `comment ${i + 1}`);
  }
  for (const where of [c, c2]) {
    const r = await w.client.post(commentsPath(where.id), { body: `Un de trop ${suffix()}` });
    assertError(r, 429, 'too_many_comments');
    const ra = r.headers.get('retry-after');
    assert.match(ra || '', /^\d+$/, `Retry-After in seconds: ${ra}`);
    assert.ok(Number(ra) >= 1 && Number(ra) <= 60, `within the minute: ${ra}`);
  }
  const reply = await w.client.post(commentsPath(c.id), { body: `Une réponse de trop ${suffix()}`, parent_id: (await listAll(anon(), c.id))[0].id });
  assertError(reply, 429, 'too_many_comments');
  await comment(other, c.id, {}, 'another account is not limited');
  const mine = (await listAll(anon(), c.id)).concat(await listAll(anon(), c2.id)).filter((x) => x.author === w.pseudonym);
  assert.equal(mine.length, COMMENTS_PER_MINUTE, 'only the allowed comments are stored');
});

test('the same text twice within a day: 409 duplicate_comment, ignoring case and whitespace runs; elsewhere or by another account it is fine', async () => {
  const [p, [q]] = await Promise.all([participant(), fresh(1)]);
  const c = await gathering();
  const c2 = await gathering();
  const tag = suffix();
  const text = `Le suivi apres traitement doit durer plus longtemps ${tag}.`;
  const x = await comment(p, c.id, { body: text });
  const variant = `  LE SUIVI   apres\ttraitement doit\n\ndurer plus LONGTEMPS ${tag.toUpperCase()}. `;
  assertError(await postComment(p, c.id, { body: variant }), 409, 'duplicate_comment', 'body');
  assertError(await postComment(p, c.id, { body: text, parent_id: x.id, alignment: 'against' }), 409, 'duplicate_comment', 'body');
  await comment(p, c2.id, { body: text }, 'the same text in another consultation');
  await comment(q, c.id, { body: text }, 'the same text by another account');
  const inC = await seenIds(anon(), c.id);
  assert.equal(inC.length, 2, `two comments in the first consultation: ${JSON.stringify(inC)}`);
  // A day later the text may come back.
  sqlExec(`UPDATE comments SET created_at = now() - interval '25 hours' WHERE id = ${x.id}`);
  await comment(p, c.id, { body: variant }, 'the same text more than 24 hours later');
});

// ------------------------------------------------------------- payloads

test('stored script payloads come back intact as JSON strings, in every answer that carries them', async () => {
  const [m, [p, q]] = await Promise.all([moderator(), fresh(2)]);
  const c = await gathering();
  const payload = `<script>alert("xss")</script>\n<img src=x onerror="alert(1)"></textarea><svg/onload=alert(2)>\n`
    + `&amp; &lt;b&gt; ' " \\ \` \${1+1} {{7*7}} <!-- --> ]]> \u2028\u2029 ${suffix()}`;
  const r = await postComment(p, c.id, { body: payload, alignment: 'against' });
  const x = ok(r, 201, 'post the payload');
  assert.match(r.headers.get('content-type') || '', JSON_CT);
  assert.equal(x.body, payload, 'POST answers the body as written, not escaped');
  for (const [who, client] of [['anonymous', anon()], ['participant', q.client], ['moderator', m.client]]) {
    const got = await seen(client, c.id, x.id);
    assert.equal(got?.body, payload, `${who}: GET returns it intact`);
  }
  const reply = await comment(q, c.id, { body: `<b onmouseover=alert(3)>répondre</b> ${suffix()}`, parent_id: x.id });
  assert.match(reply.body, /^<b onmouseover=alert\(3\)>répondre<\/b> /);
  const second = `<iframe src="javascript:alert(4)"></iframe> ${suffix()}`;
  const e = ok(await p.client.patch(commentPath(x.id), { body: second }), 200, 'edit to another payload');
  assert.equal(e.body, second);
  const byM = await seen(m.client, c.id, x.id);
  assert.deepEqual(byM.edits.map((h) => h.body), [payload], 'the history keeps the payload intact');
});

// ------------------------------------------------------------- distress

test('distress words hold a comment as pending and answer with support in the author\u2019s language', async () => {
  const [m, [q], fr, en] = await Promise.all([moderator(), fresh(1), participant({ language: 'fr' }), participant({ language: 'en' })]);
  const st = ok(await anon().get(SUPPORT_TEXTS), 200, 'support texts');
  const byLang = Object.fromEntries(st.support_texts.map((s) => [s.language, s]));
  assertSupport(byLang.fr, 'fr', 'the French text');
  assertSupport(byLang.en, 'en', 'the English text');
  const c = await gathering();

  const r1 = await postComment(fr, c.id, { body: `Depuis le diagnostic, j'ai parfois envie de mourir. ${suffix()}` });
  const x = ok(r1, 201, 'French distress words');
  assert.equal(x.status, 'pending', 'held for a moderator');
  assert.deepEqual(keys(x), [...COMMENT_KEYS, 'support'].sort(), `the author gets support: ${show(r1)}`);
  assertSupport(x.support, 'fr');
  assert.deepEqual(x.support, byLang.fr, 'the French support text');

  const y = await comment(en, c.id, { body: `Some days I just want to die. ${suffix()}` }, 'English distress words');
  assert.equal(y.status, 'pending');
  assert.deepEqual(y.support, byLang.en, 'the English support text for an English-speaking author');
  const z = await comment(en, c.id, { body: `Parfois je voudrais en finir avec la vie. ${suffix()}` }, 'French words by an English-speaking author');
  assert.equal(z.status, 'pending');
  assert.deepEqual(z.support, byLang.en, 'support in the author\u2019s language, not the text\u2019s');

  const later = await seen(fr.client, c.id, x.id);
  assert.equal(later?.status, 'pending', 'the author sees their held comment');
  assert.deepEqual(later.support, byLang.fr, 'with the support, later too');
  assert.equal(await seen(q.client, c.id, x.id), undefined, 'other participants do not see it');
  assert.equal(await seen(anon(), c.id, y.id), undefined, 'nor anonymous visitors');
  const byM = await seen(m.client, c.id, x.id);
  assert.equal(byM?.status, 'pending', 'moderators see it');
  assert.ok(!('support' in byM), 'support is for the author only');
  const plain = await comment(fr, c.id, { body: `Un avis sans détresse ${suffix()}` });
  assert.equal(plain.status, 'published');
  assert.ok(!('support' in plain), 'no support on an ordinary comment');
});
