// SPDX-License-Identifier: AGPL-3.0-or-later
// Comments and moderation to test with: posting within the rate limits, threads
// read across pages, votes, flags, decisions, queue, log, notifications, purge.
//
// The stack allows CONCERTO_COMMENTS_PER_MINUTE (5) comments and
// CONCERTO_FLAGS_PER_MINUTE (10) flags per account and minute: the helpers
// that post remember what each account posted and wait, rather than get a
// 429, when a test would go over (tests about the limits send requests
// directly instead). Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { participants } from './accounts.mjs';
import { TIME_RE, keys, ok, show } from './assert.mjs';
import { concerto } from './db.mjs';
import {
  DECISIONS, LOG, NOTIFICATIONS, QUEUE, commentFlagsPath, commentsPath, qs, submissionFlagsPath, votePath,
} from './paths.mjs';
import { sleep, suffix } from './util.mjs';

export const COMMENTS_PER_MINUTE = Number(process.env.CONCERTO_COMMENTS_PER_MINUTE || 5);
export const FLAGS_PER_MINUTE = Number(process.env.CONCERTO_FLAGS_PER_MINUTE || 10);
export const FLAG_THRESHOLD = Number(process.env.CONCERTO_FLAG_THRESHOLD || 3);
export const EDIT_WINDOW = Number(process.env.CONCERTO_EDIT_WINDOW || 900);
export const REDACTED = '[retiré par la modération]';

// ------------------------------------------------------------------ shapes

export const COMMENT_KEYS = ['id', 'consultation_id', 'priority_id', 'parent_id', 'depth', 'author', 'mine',
  'alignment', 'body', 'status', 'deleted', 'redacted', 'edited_at', 'created_at', 'up', 'down', 'score',
  'my_vote', 'reply_count', 'replies', 'collapsed'].sort();
export const STAFF_COMMENT_KEYS = [...COMMENT_KEYS, 'flag_count', 'edits'].sort();
export const SUPPORT_KEYS = ['language', 'title', 'body', 'contacts', 'updated_at'].sort();
export const VOTE_KEYS = ['id', 'up', 'down', 'score', 'my_vote'].sort();
export const FLAG_KEYS = ['target_type', 'target_id', 'reason', 'created_at'].sort();
export const ITEM_KEYS = ['target_type', 'target_id', 'consultation_id', 'priority_id', 'parent_id', 'status', 'body',
  'author', 'created_at', 'edited_at', 'distress', 'flag_count', 'flags', 'edits'].sort();
export const COUNT_KEYS = ['pending', 'hidden', 'flagged', 'distress', 'total'].sort();
export const DECISION_KEYS = ['log_id', 'target_type', 'target_id', 'action', 'from_status', 'to_status', 'reason', 'created_at'].sort();
export const LOG_KEYS = ['id', 'created_at', 'moderator', 'action', 'target_type', 'target_id', 'consultation_id',
  'author_id', 'reason', 'from_status', 'to_status', 'until'].sort();
export const NOTIFICATION_KEYS = ['id', 'kind', 'action', 'reason', 'target_type', 'target_id', 'consultation_id',
  'until', 'support', 'created_at', 'read_at'].sort();

// Asserts a SUPPORT object (in a language when given).
export function assertSupport(s, language, what = 'support') {
  assert.ok(s && typeof s === 'object', `${what}: a support object: ${JSON.stringify(s)}`);
  assert.deepEqual(keys(s), SUPPORT_KEYS, `${what}: the support fields: ${JSON.stringify(s)}`);
  if (language) assert.equal(s.language, language, `${what}: in ${language}: ${JSON.stringify(s)}`);
  assert.equal(typeof s.title, 'string');
  assert.ok(s.title.length > 0, `${what}: a title`);
  assert.equal(typeof s.body, 'string');
  assert.ok(s.body.length > 0, `${what}: a body`);
  assert.ok(Array.isArray(s.contacts), `${what}: contacts is a list`);
  for (const c of s.contacts) assert.equal(typeof c, 'string', `${what}: contacts are strings`);
  assert.match(s.updated_at, TIME_RE);
}

// ------------------------------------------------------------ rate budget

// Waits, when needed, so that `who` makes at most `max` requests of `kind`
// in any 61 seconds (one more than the server's minute, for clock edges).
// Only what the server stored counts: the callers record it with spent().
async function budget(who, kind, max) {
  who.sent ||= {};
  const list = (who.sent[kind] ||= []);
  for (;;) {
    const now = Date.now();
    while (list.length && now - list[0] > 61000) list.shift();
    if (list.length < max) return;
    const wait = 61000 - (now - list[0]) + 50;
    process.stderr.write(`# ${kind}: account ${who.id} waits ${wait} ms for its rate budget\n`);
    await sleep(wait);
  }
}

// Records a request of `kind` the server stored (a comment, a flag).
export function spent(who, kind) {
  who.sent ||= {};
  (who.sent[kind] ||= []).push(Date.now());
}

// The commenters of a test file: crowd() makes `size` participants once,
// at first use; fresh(n) gives the n of them who commented least in the
// last minute (to stay within the rate limit).
export function crowdOf(size) {
  let crowdP;
  const crowd = () => (crowdP ||= participants(size));
  async function fresh(n) {
    const all = await crowd();
    const recent = (p) => (p.sent?.comments || []).filter((t) => Date.now() - t < 61000).length;
    return all.slice().sort((x, y) => recent(x) - recent(y)).slice(0, n);
  }
  return { crowd, fresh };
}

// ---------------------------------------------------------------- comments

export const uniqueBody = (tag = 'Un avis') => `${tag} ${suffix()} : il faut aussi penser aux aidants.`;

// POST a comment (within the rate budget); returns the response.
export async function postComment(who, cid, fields = {}) {
  await budget(who, 'comments', COMMENTS_PER_MINUTE);
  const r = await who.client.post(commentsPath(cid), { body: uniqueBody(), ...fields });
  if (r.status === 201) spent(who, 'comments');
  return r;
}

// POST a comment and assert a 201; returns the comment.
export async function comment(who, cid, fields = {}, what = 'post a comment') {
  const r = await postComment(who, cid, fields);
  return ok(r, 201, what);
}

// One page of a thread listing; returns the JSON after checking its shape.
export async function listPage(client, cid, params = {}) {
  const path = commentsPath(cid, qs(params));
  const r = await client.get(path);
  const page = ok(r, 200, `GET ${path}`);
  assert.ok(Array.isArray(page.comments), `a comments list: ${show(r)}`);
  assert.ok(page.next_cursor === null || typeof page.next_cursor === 'string', `next_cursor: ${show(r)}`);
  return page;
}

// Every top-level comment of a listing, following next_cursor.
export async function listAll(client, cid, params = {}) {
  const out = [];
  let cursor;
  for (let n = 0; n < 100; n++) {
    const page = await listPage(client, cid, { ...params, cursor });
    out.push(...page.comments);
    if (page.next_cursor === null) return out;
    cursor = page.next_cursor;
  }
  assert.fail('more than 100 pages');
}

// Every comment of a nested list, depth first, as a flat list.
export function flatten(list) {
  const out = [];
  const walk = (xs) => { for (const c of xs) { out.push(c); walk(c.replies || []); } };
  walk(list);
  return out;
}

// The comment `id` as `client` sees it in the consultation's threads (all
// pages; replies below the nesting limit are fetched with parent_id), or
// undefined when it is not shown.
export async function seen(client, cid, id) {
  const queue = [await listAll(client, cid)];
  while (queue.length) {
    const list = queue.shift();
    for (const c of flatten(list)) {
      if (c.id === id) return c;
      if (c.collapsed) queue.push(await listAll(client, cid, { parent_id: c.id }));
    }
  }
  return undefined;
}

// The ids shown to `client` (all levels, following collapsed branches).
export async function seenIds(client, cid) {
  const ids = [];
  const queue = [await listAll(client, cid)];
  while (queue.length) {
    const list = queue.shift();
    for (const c of flatten(list)) {
      ids.push(c.id);
      if (c.collapsed) queue.push(await listAll(client, cid, { parent_id: c.id }));
    }
  }
  return ids;
}

// ------------------------------------------------------------------ votes

export const putVote = (who, id, value) => who.client.send('PUT', votePath(id), value === undefined ? {} : { value });

// The Wilson score interval's lower bound (95 %) of up / (up + down).
export function wilson(up, down, z = 1.959963984540054) {
  const n = up + down;
  if (n === 0) return 0;
  const p = up / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}

export function assertScore(score, up, down, what = 'score') {
  assert.equal(typeof score, 'number', `${what} is a number: ${score}`);
  assert.ok(Math.abs(score - wilson(up, down)) < 1e-3, `${what}: ${score} is the Wilson lower bound of ${up} up, ${down} down (${wilson(up, down)})`);
}

// ------------------------------------------------------------------ flags

async function flag(who, path, reason, note) {
  await budget(who, 'flags', FLAGS_PER_MINUTE);
  const r = await who.client.post(path, note === undefined ? { reason } : { reason, note });
  if (r.status === 201) spent(who, 'flags');
  return r;
}

export const flagComment = (who, id, reason = 'spam', note) => flag(who, commentFlagsPath(id), reason, note);
export const flagSubmission = (who, id, reason = 'spam', note) => flag(who, submissionFlagsPath(id), reason, note);

// ------------------------------------------------------------- moderation

export const decide = (mod, fields) => mod.client.post(DECISIONS, { reason: 'Décision de modération motivée', ...fields });

// A decision that must succeed; returns its JSON after checking it.
export async function mustDecide(mod, fields, from, to) {
  const r = await decide(mod, fields);
  const d = ok(r, 200, `${fields.action} ${fields.target_type} ${fields.target_id}`);
  assert.deepEqual(keys(d), DECISION_KEYS, `the decision fields: ${show(r)}`);
  assert.equal(d.action, fields.action);
  assert.equal(d.target_type, fields.target_type);
  assert.equal(d.target_id, fields.target_id);
  if (from !== undefined) assert.equal(d.from_status, from, `${fields.action}: from ${from}: ${show(r)}`);
  if (to !== undefined) assert.equal(d.to_status, to, `${fields.action}: to ${to}: ${show(r)}`);
  assert.equal(typeof d.log_id, 'number');
  assert.match(d.created_at, TIME_RE);
  return d;
}

// The whole queue for these filters (all pages); { items, counts }.
export async function queueAll(mod, params = {}) {
  const items = [];
  let cursor;
  let counts;
  for (let n = 0; n < 100; n++) {
    const path = `${QUEUE}${qs({ ...params, cursor })}`;
    const r = await mod.client.get(path);
    const page = ok(r, 200, `GET ${path}`);
    assert.ok(Array.isArray(page.items), `an items list: ${show(r)}`);
    assert.deepEqual(keys(page.counts), COUNT_KEYS, `the counts: ${show(r)}`);
    if (counts) assert.deepEqual(page.counts, counts, 'the counts are the same on every page');
    counts = page.counts;
    items.push(...page.items);
    if (page.next_cursor === null) return { items, counts };
    assert.equal(typeof page.next_cursor, 'string');
    cursor = page.next_cursor;
  }
  assert.fail('more than 100 queue pages');
}

// The log entries for these filters (all pages), newest first.
export async function logAll(mod, params = {}) {
  const entries = [];
  let cursor;
  for (let n = 0; n < 100; n++) {
    const path = `${LOG}${qs({ ...params, cursor })}`;
    const r = await mod.client.get(path);
    const page = ok(r, 200, `GET ${path}`);
    assert.ok(Array.isArray(page.entries), `an entries list: ${show(r)}`);
    entries.push(...page.entries);
    if (page.next_cursor === null) return entries;
    cursor = page.next_cursor;
  }
  assert.fail('more than 100 log pages');
}

// The notifications of `who` (first page, up to 100) and the unread count.
export async function notificationsOf(who, params = { limit: 100 }) {
  const path = `${NOTIFICATIONS}${qs(params)}`;
  const r = await who.client.get(path);
  const n = ok(r, 200, `GET ${path}`);
  assert.ok(Array.isArray(n.notifications), `a notifications list: ${show(r)}`);
  assert.equal(typeof n.unread, 'number');
  for (const x of n.notifications) assert.deepEqual(keys(x), NOTIFICATION_KEYS, `the notification fields: ${JSON.stringify(x)}`);
  return n;
}

// `concerto purge`: { status, stdout, stderr }.
export const purge = () => concerto(['purge']);
