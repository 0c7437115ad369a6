// SPDX-License-Identifier: AGPL-3.0-or-later
// Content security (sql/008_content_security.sql), one section each:
//   priority sources: the public sees only the published ones (staff see
//     all, with their status);
//   redacted comments: no longer their authors' to edit;
//   thread depth: replies stop at comment_depth_max(), and the descendants
//     read is bounded by its consultation whatever plan PostgreSQL caches;
//   assisted ballots: each in the moderation log, a budget a minute per
//     facilitator;
//   results CSV: formulas defused behind white space and in full width.
//
// Node 18: only built-in modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentPath, consultationPath, csvPath, prioritiesPath, submissionsPath } from './lib/paths.mjs';
import { suffix } from './lib/util.mjs';
import { anon } from './lib/client.mjs';
import { assertError, keys, ok, show } from './lib/assert.mjs';
import { concerto, sql, sqlExec } from './lib/db.mjs';
import { statements } from './lib/statements.mjs';
import { admin, moderator, staffClient } from './lib/accounts.mjs';
import { assisted, gathering, submit, votingConsultation } from './lib/consultations.mjs';
import {
  FLAG_THRESHOLD, LOG_KEYS, REDACTED, comment, crowdOf, flagSubmission, listPage, logAll, mustDecide,
} from './lib/comments.mjs';

// comment_depth_max() (sql/008_content_security.sql), as README says.
const DEPTH_MAX = 8;
const ASSISTED_PER_MINUTE = Number(process.env.CONCERTO_ASSISTED_PER_MINUTE || 20);
const PUBLIC_SOURCE_KEYS = ['id', 'text', 'created_at'].sort();
const STAFF_SOURCE_KEYS = [...PUBLIC_SOURCE_KEYS, 'status'].sort();

// The participants of this file, made once; fresh(n) gives the n who
// commented least in the last minute (to stay within the rate limit).
const { crowd, fresh } = crowdOf(2 + FLAG_THRESHOLD);

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

// ------------------------------------------------------------- thread depth

test('a reply to a comment at the depth cap lands at the cap, beside it: its parent is the ancestor one level up', async () => {
  const max = DEPTH_MAX;
  const authors = await fresh(3);
  const c = await gathering();
  const chain = [];
  for (let i = 0; i <= max; i++) {
    const x = await comment(authors[i % 3], c.id, i ? { parent_id: chain[i - 1].id } : {}, `level ${i}`);
    assert.deepEqual([x.depth, x.parent_id], [i, i ? chain[i - 1].id : null], `level ${i} as asked`);
    chain.push(x);
  }
  const atCap = chain[max];
  const r = await comment(authors[0], c.id, { parent_id: atCap.id }, 'a reply to the comment at the cap');
  assert.equal(r.depth, max, `the reply sits at the cap: ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(r.parent_id, chain[max - 1].id, 'its parent is the ancestor at the level above the cap');
  const rr = await comment(authors[1], c.id, { parent_id: r.id }, 'a reply to that reply');
  assert.deepEqual([rr.depth, rr.parent_id], [max, chain[max - 1].id], 'so is a reply to the reply');
  const path = sql('SELECT path FROM comments WHERE id = :id', { id: rr.id })[0].path;
  assert.deepEqual(path, [...chain.slice(0, max).map((x) => x.id), rr.id], 'its path is its real ancestors');

  // The listing says the same as the POST answers.
  const page = await listPage(anon(), c.id, { parent_id: chain[max - 1].id });
  const byId = Object.fromEntries(page.comments.map((x) => [x.id, x]));
  assert.deepEqual(page.comments.map((x) => x.id), [atCap.id, r.id, rr.id], 'three replies to the level above the cap');
  for (const x of [atCap, r, rr]) assert.deepEqual([byId[x.id].depth, byId[x.id].parent_id], [max, chain[max - 1].id]);
  assert.equal(byId[atCap.id].reply_count, 0, 'nothing hangs below the cap');
  const above = (await listPage(anon(), c.id, { parent_id: chain[max - 2].id })).comments[0];
  assert.equal(above.id, chain[max - 1].id);
  assert.equal(above.reply_count, 3, `the level above the cap counts the three: ${JSON.stringify(above).slice(0, 300)}`);
  assert.equal(sql('SELECT comment_depth_max() AS n')[0].n, DEPTH_MAX, 'the named constant in SQL is the documented cap');
});

// The text and parameter count of a statement of src/db_sql.c, as the
// workers prepare it (lib/statements.mjs: macros expanded too).
function statement(name) {
  const st = statements().get(name);
  assert.ok(st, `${name} is in src/db_sql.c`);
  return { text: st.text, nparams: st.nparams };
}

// Every node of an EXPLAIN (FORMAT JSON) plan.
function planNodes(plan) {
  const out = [plan];
  for (const p of plan.Plans || []) out.push(...planNodes(p));
  return out;
}

test('the descendants of a page are read from their parents in the generic plan, within the consultation, not by scanning every comment', async () => {
  const [deep, other] = [await gathering(), await gathering()];
  // A 1,000-deep chain made before the cap in one consultation, and a few
  // dozen small consultations, then fresh statistics.
  const author = (await crowd())[0].id;
  sqlExec(`DO $$
DECLARE p bigint[] := '{}'; nid bigint; i int; j int; k bigint; r bigint;
BEGIN
	FOR i IN 0..999 LOOP
		nid := nextval(pg_get_serial_sequence('comments', 'id'));
		INSERT INTO comments (id, consultation_id, parent_id, path, depth, account_id, body, fingerprint, status)
		VALUES (nid, ${deep.id}, p[cardinality(p)], p || nid, i, ${author}, 'niveau ' || i, md5('deep' || nid), 'published');
		p := p || nid;
	END LOOP;
	FOR j IN 1..30 LOOP
		INSERT INTO consultations (phase, title_fr, summary_fr, body_fr, voting_at, closes_at, method, k)
		VALUES ('gathering', 'Plan ${suffix()} ' || j, 's', 'b', now() + interval '1 day', now() + interval '2 days', 'approval', 3)
		RETURNING id INTO k;
		FOR i IN 1..5 LOOP
			r := nextval(pg_get_serial_sequence('comments', 'id'));
			INSERT INTO comments (id, consultation_id, path, depth, account_id, body, fingerprint, status)
			VALUES (r, k, ARRAY[r], 0, ${author}, 'fil', md5('t' || r), 'published');
			nid := nextval(pg_get_serial_sequence('comments', 'id'));
			INSERT INTO comments (id, consultation_id, parent_id, path, depth, account_id, body, fingerprint, status)
			VALUES (nid, k, r, ARRAY[r, nid], 1, ${author}, 'réponse', md5('r' || nid), 'published');
		END LOOP;
	END LOOP;
END $$;
ANALYZE comments`);
  await comment((await fresh(1))[0], other.id, {}, 'a thread elsewhere');

  const st = statement('comment_descendants');
  const out = sqlExec(`SET plan_cache_mode = force_generic_plan;
PREPARE descendants AS ${st.text};
EXPLAIN (FORMAT JSON) EXECUTE descendants(${Array(st.nparams).fill('NULL').join(', ')})`);
  const nodes = planNodes(JSON.parse(out)[0].Plan);
  const shown = JSON.stringify(nodes.map((n) => [n['Node Type'], n['Index Name'], n['Index Cond'], n['Recheck Cond'], n.Filter]));
  assert.deepEqual(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'comments'), [],
    `no sequential scan of comments: ${shown}`);
  // Each level is read by its parents' ids (comments_parent), held to the
  // consultation and the depth: what is read is the subtree shown, not the
  // 1,000-deep chain nor the other consultations.
  const levels = nodes.filter((n) => n['Relation Name'] === 'comments' && /^\(parent_id = /.test(n['Index Cond'] || '')
    && /consultation_id = \$\d+/.test(n.Filter || '') && /depth <= \$\d+/.test(n.Filter || ''));
  assert.ok(levels.length >= 2, `the first level and the next ones, by parent, consultation and depth: ${shown}`);
});

// ------------------------------------------------------- assisted ballots

test('each assisted ballot is in the moderation log: the facilitator, the consultation, the ballot; a refused one is not', async () => {
  const [f, { c, ids }] = await Promise.all([staffClient('moderator'), votingConsultation()]);
  const b = ok(await assisted(f, c.id, { choices: [ids[0]] }), 201, 'assisted ballot');
  assertError(await assisted(f, c.id, { choices: [2147483000] }), 422, 'unknown_priority', 'choices');

  const entries = await logAll(f, { consultation_id: c.id });
  assert.equal(entries.length, 1, `one entry for the consultation: ${JSON.stringify(entries)}`);
  const e = entries[0];
  assert.deepEqual(keys(e), LOG_KEYS, `the log entry fields: ${JSON.stringify(e)}`);
  assert.deepEqual([e.action, e.target_type, e.target_id, e.consultation_id, e.moderator.id, e.author_id],
    ['assisted_ballot', 'ballot', b.id, c.id, f.id, null], `who, where, what: ${JSON.stringify(e)}`);
  assert.equal(typeof e.reason, 'string');
  assert.ok(e.reason.length > 0);
  assert.deepEqual((await logAll(f, { target_type: 'ballot', target_id: b.id })).map((x) => x.id), [e.id], 'filtered by the ballot');
});

test('a facilitator enters at most CONCERTO_ASSISTED_PER_MINUTE ballots a minute, then 429 too_many_assisted_ballots; another is not limited', async () => {
  const [f, g, { c, ids }] = await Promise.all([staffClient('moderator'), staffClient('moderator'), votingConsultation()]);
  for (let i = 0; i < ASSISTED_PER_MINUTE; i++) ok(await assisted(f, c.id, { choices: [ids[i % ids.length]] }), 201, `ballot ${i + 1}`);
  const r = await assisted(f, c.id, { choices: [ids[0]] });
  assertError(r, 429, 'too_many_assisted_ballots');
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After in seconds: ${r.headers.get('retry-after')}`);
  // A refusal for now does not keep the Idempotency-Key: a later retry with it is served.
  const key = `assisted-${suffix()}`;
  assertError(await assisted(f, c.id, { choices: [ids[1]] }, { 'idempotency-key': key }), 429, 'too_many_assisted_ballots');
  assert.equal(sql('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = :\'k\'', { k: key })[0].n, 0, 'the key stays free');

  const n = (who) => sql('SELECT count(*)::int AS n FROM ballots WHERE consultation_id = :c AND assisted_by = :a',
    { c: c.id, a: who.id })[0].n;
  assert.equal(n(f), ASSISTED_PER_MINUTE, 'the refused ballots were not stored');
  assert.equal(sql('SELECT count(*)::int AS n FROM moderation_log WHERE consultation_id = :c AND moderator_id = :a',
    { c: c.id, a: f.id })[0].n, ASSISTED_PER_MINUTE, 'one log entry per stored ballot');
  ok(await assisted(g, c.id, { choices: [ids[0]] }), 201, 'another facilitator');
  assert.equal(n(g), 1);
});

// ----------------------------------------------------------- results CSV

test('results CSV: a title that is a formula behind white space or in full width gets the leading apostrophe', async () => {
  const titles = [' =HYPERLINK("https://example.org")', '\u00a0+1+1', '\u3000@SUM(A1)', '\uff1dCMD()', ' \uff0b1', '\uff20SUM(A1)',
    '\uff0d12'];
  const { c, admin: a } = await votingConsultation({ priorities: titles.length, titles });
  const r = await a.client.get(csvPath(c.id));
  assert.equal(r.status, 200, show(r));
  for (const t of titles) {
    assert.ok(r.text.includes(`"'${t.replace(/"/g, '""')}"`), `${JSON.stringify(t)} is defused: ${r.text.slice(0, 800)}`);
  }
  assert.equal(r.text.includes(`,"${titles[0].replace(/"/g, '""')}"`), false, 'never written as it is');
});
