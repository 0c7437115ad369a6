// SPDX-License-Identifier: AGPL-3.0-or-later
// Caching of reads (issue 14): who may keep an answer, conditional GETs,
// nginx's one-second cache of anonymous reads, the worker's cache of
// shared reads, and freshness: an edit, a new comment or a moderation
// decision shows within a second, to the public and to a signed-in
// participant alike.
//
// Each test works on a consultation of its own; reads that must come from
// a cache are made within one wall-clock second (what both caches keep an
// answer for), after waiting for the start of a second.  The reads that
// measure freshness go straight to fetch(): the suite's client waits for
// the caches to turn after a write (lib/freshness.mjs), which would hide
// what is measured here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COOKIE, anon, get } from './lib/client.mjs';
import { readFileSync } from 'node:fs';
import { BASE, ROOT } from './lib/paths.mjs';
import { ME, commentPath, commentsPath, consultationPath, prioritiesPath, resultsPath, CONSULTATIONS } from './lib/paths.mjs';
import { concerto, sql, sqlExec } from './lib/db.mjs';
import { admin, moderator, participant } from './lib/accounts.mjs';
import { newConsultation, newPriority, publish, votingConsultation } from './lib/consultations.mjs';
import { comment, mustDecide, putVote, uniqueBody } from './lib/comments.mjs';
import { sleep } from './lib/util.mjs';

const ETAG_RE = /^"[0-9a-f]{32}"$/;
// After this, a writer's pages are made from the shared ones again
// (COMMENTS_CHANGE_S in src/api/comments.c, and a second).
const COMMENTS_CHANGE_MS = 7000;

// Waits for the start of the next wall-clock second, so that what follows
// runs within one second if it is quick.
async function nextSecond() {
  await sleep(1000 - (Date.now() % 1000) + 5);
}

// A GET as it is, anonymous or with the client's session cookie.
async function direct(path, client) {
  const headers = client?.cookie ? { cookie: `${COOKIE}=${client.cookie}` } : {};
  const res = await fetch(BASE + path, { headers, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

// Polls an anonymous (or the client's) GET of path until check(json) holds.
// Returns how long after the call the read that first saw it was sent, and
// the longest any read took meanwhile: an answer is at most a second old
// when it is kept, and while one request fetches the new answer, readers
// get the old one (use_stale updating), so the bound is a second and one
// read.  Fails after 3 s.
async function shownWithin(path, check, client) {
  const t0 = Date.now();
  let slowest = 0;
  for (;;) {
    const sent = Date.now();
    const r = await direct(path, client);
    slowest = Math.max(slowest, Date.now() - sent);
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    if (check(r.json)) return { ms: sent - t0, bound: 1000 + slowest + 30 };
    assert.ok(Date.now() - t0 < 3000, `GET ${path} still shows the old answer after 3 s`);
    await sleep(20);
  }
}

// What concerto_app ran since the last reset, by statement text.
function appCalls(pattern) {
  return sql(`SELECT coalesce(sum(s.calls), 0)::int AS n FROM pg_stat_statements s
    JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'concerto_app' AND s.query ~ :'p'`, { p: pattern })[0].n;
}

test('anonymous reads may be kept by any cache, signed-in ones by the browser, own data by none', async () => {
  const c = await newConsultation(await admin(), {}, { phase: 'voting' });
  const a = await get(consultationPath(c.id));
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('cache-control'), 'public, no-cache', 'public, revalidated at each use');
  assert.match(a.headers.get('etag') || '', ETAG_RE, 'a strong ETag');
  assert.equal(a.headers.get('x-accel-expires'), null, 'nginx keeps its own instruction');

  const p = await participant();
  const s = await p.client.get(consultationPath(c.id));
  assert.equal(s.status, 200);
  assert.equal(s.headers.get('cache-control'), 'private, no-cache', 'the viewer\'s browser only');
  assert.equal(s.headers.get('etag'), a.headers.get('etag'), 'the same bytes have the same tag');
  assert.equal(s.text, a.text);

  const me = await p.client.get(ME);
  assert.equal(me.status, 200);
  assert.equal(me.headers.get('cache-control'), 'no-store', 'one\'s own data is never kept');
  assert.equal(me.headers.get('etag'), null);

  const missing = await get(consultationPath(c.id + 1000000));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('cache-control'), 'no-store', 'an error is never kept');
});

test('a conditional GET answers 304 without a body, from nginx or from the worker', async () => {
  const c = await newConsultation(await admin(), {}, { phase: 'voting' });
  const path = consultationPath(c.id);
  const first = await get(path);
  const tag = first.headers.get('etag');
  assert.match(tag, ETAG_RE);
  for (const inm of [tag, `W/${tag}`, `"0000", ${tag}`, '*']) {
    const r = await get(path, { 'if-none-match': inm });
    assert.equal(r.status, 304, `If-None-Match: ${inm}`);
    assert.equal(r.text, '', 'no body');
    assert.equal(r.headers.get('etag'), tag);
  }
  const other = await get(path, { 'if-none-match': '"00000000000000000000000000000000"' });
  assert.equal(other.status, 200, 'another tag gets the answer');
  assert.equal(other.text, first.text);

  const p = await participant();
  const mine = await p.client.get(path);
  const again = await p.client.get(path, { headers: { 'if-none-match': mine.headers.get('etag') } });
  assert.equal(again.status, 304, 'signed in: the worker answers 304 itself');
  assert.equal(again.text, '');
  assert.equal(again.headers.get('cache-control'), 'private, no-cache');
});

test('nginx answers a burst of anonymous reads with one read of the database a second', async () => {
  const c = await newConsultation(await admin(), {}, { phase: 'voting' });
  const path = consultationPath(c.id);
  await nextSecond();
  sqlExec('SELECT pg_stat_statements_reset()');
  const t0 = Date.now();
  const all = await Promise.all(Array.from({ length: 40 }, () => direct(path)));
  const seconds = Math.ceil((Date.now() - t0) / 1000) + 1;
  assert.ok(all.every((r) => r.status === 200));
  assert.equal(new Set(all.map((r) => r.text)).size, 1, 'every reader got the same answer');
  const reads = appCalls('consultation_json');
  assert.ok(reads >= 1 && reads <= seconds, `40 readers in ${seconds} s cost ${reads} reads of the consultation`);
});

test('signed-in participants share the worker\'s cache of a consultation, staff never do', async () => {
  const adm = await admin();
  const c = await newConsultation(adm, {}, { phase: 'voting' });
  const path = consultationPath(c.id);
  const p = await participant();
  await nextSecond();
  sqlExec('SELECT pg_stat_statements_reset()');
  const t0 = Date.now();
  for (let i = 0; i < 20; i++) assert.equal((await direct(path, p.client)).status, 200);
  const seconds = Math.ceil((Date.now() - t0) / 1000) + 1;
  const reads = appCalls('consultation_json');
  // Two workers, each with its own cache.
  assert.ok(reads <= 2 * seconds, `20 reads by a participant in ${seconds} s cost ${reads} reads of the consultation`);

  sqlExec('SELECT pg_stat_statements_reset()');
  for (let i = 0; i < 5; i++) assert.equal((await adm.client.get(path)).status, 200);
  assert.equal(appCalls('consultation_json'), 5, 'every read by staff goes to the database');
});

test('a credential is never answered from a shared cache, nor a shared answer made of one', async () => {
  const adm = await admin();
  const draft = await newConsultation(adm, {}, {});
  const list = `${CONSULTATIONS}?limit=100`;
  await nextSecond();
  const before = await direct(list);
  const staff = await direct(list, adm.client);
  const after = await direct(list);
  assert.ok(staff.json.consultations.some((x) => x.id === draft.id), 'staff see the draft');
  for (const r of [before, after]) {
    assert.ok(!r.json.consultations.some((x) => x.id === draft.id), 'the public never sees it, before or after staff read');
  }
  assert.equal((await direct(consultationPath(draft.id))).status, 404);
  assert.equal((await direct(consultationPath(draft.id), adm.client)).status, 200);
  assert.equal((await direct(consultationPath(draft.id))).status, 404, 'a staff answer is not kept for the public');

  // A cookie that names no session is still a credential: not shared.
  const r = await get(list, { cookie: `${COOKIE}=${'x'.repeat(43)}` });
  assert.equal(r.headers.get('cache-control'), 'private, no-cache');
});

test('an edit of a consultation shows within a second, signed in or not', async () => {
  const adm = await admin();
  const c = await newConsultation(adm, {}, { phase: 'voting' });
  const path = consultationPath(c.id);
  const p = await participant();
  assert.equal((await get(path)).status, 200);
  assert.equal((await p.client.get(path)).status, 200);
  const title = `Titre modifié ${Date.now()}`;
  const patched = await adm.client.patch(path, { title_fr: title });
  assert.equal(patched.status, 200, patched.text);
  const [pub, signed] = await Promise.all([
    shownWithin(path, (j) => j.title_fr === title),
    shownWithin(path, (j) => j.title_fr === title, p.client),
  ]);
  assert.ok(pub.ms <= pub.bound, `the public saw the edit after ${pub.ms} ms (bound ${pub.bound} ms)`);
  assert.ok(signed.ms <= signed.bound, `a participant saw the edit after ${signed.ms} ms (bound ${signed.bound} ms)`);
});

test('a new priority, a new comment and a moderation decision show within a second', async () => {
  const adm = await admin();
  const mod = await moderator();
  const c = await newConsultation(adm, {}, { phase: 'gathering' });
  const p = await participant();
  assert.equal((await get(prioritiesPath(c.id))).status, 200);
  const prio = await newPriority(mod, c.id);
  const ms1 = await shownWithin(prioritiesPath(c.id), (j) => j.priorities.some((x) => x.id === prio.id));
  assert.ok(ms1.ms <= ms1.bound, `a new priority showed after ${ms1.ms} ms (bound ${ms1.bound} ms)`);

  const page = commentsPath(c.id);
  assert.equal((await get(page)).status, 200);
  const body = uniqueBody('En cache');
  const made = await comment(p, c.id, { body });
  const ms2 = await shownWithin(page, (j) => j.comments.some((x) => x.id === made.id));
  assert.ok(ms2.ms <= ms2.bound, `a new comment showed after ${ms2.ms} ms (bound ${ms2.bound} ms)`);

  await mustDecide(mod, { target_type: 'comment', target_id: made.id, action: 'hide' }, 'published', 'hidden');
  const ms3 = await shownWithin(page, (j) => !j.comments.some((x) => x.id === made.id));
  assert.ok(ms3.ms <= ms3.bound, `a hidden comment left the public page after ${ms3.ms} ms (bound ${ms3.bound} ms)`);
});

test('a participant who has not written or voted on a consultation\'s comments reads its public pages, from the worker\'s cache; their first vote or comment makes the pages theirs at once', async () => {
  const c = await newConsultation(await admin(), {}, { phase: 'voting' });
  const [w, p, q] = await Promise.all([participant(), participant(), participant()]);
  const x = await comment(w, c.id, { body: uniqueBody('Neutre') });
  const path = commentsPath(c.id);
  await nextSecond();
  sqlExec('SELECT pg_stat_statements_reset()');
  const t0 = Date.now();
  const pub = await direct(path);
  for (let i = 0; i < 10; i++) {
    const r = await get(path, { cookie: `${COOKIE}=${p.client.cookie}` });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'private, no-cache', 'still the viewer\'s browser only');
    assert.equal(r.text, pub.text, 'a reader with nothing here reads the public page');
  }
  const seconds = Math.ceil((Date.now() - t0) / 1000) + 1;
  const pages = appCalls('coalesce\\(x\\.parent_id, 0\\)');
  // nginx's one read for the public, then each worker's one a second.
  assert.ok(pages <= 1 + 2 * seconds, `11 reads in ${seconds} s built ${pages} pages`);

  const writer = (await direct(path, w.client)).json.comments.find((y) => y.id === x.id);
  assert.equal(writer.mine, true, 'the writer\'s page is their own');
  assert.equal(pub.json.comments.find((y) => y.id === x.id).mine, false);

  assert.equal((await putVote(p, x.id, 1)).status, 200);
  const voted = (await direct(path, p.client)).json.comments.find((y) => y.id === x.id);
  assert.equal(voted.my_vote, 1, 'the vote shows on the voter\'s next read, not a second later');
  assert.equal(voted.up, 1);
  const other = (await direct(path, q.client)).json.comments.find((y) => y.id === x.id);
  assert.equal(other.my_vote, 0, 'another reader\'s page does not carry the vote of the first');

  const mine = await comment(q, c.id, { body: uniqueBody('Premier mot') });
  const own = (await direct(path, q.client)).json.comments.find((y) => y.id === mine.id);
  assert.equal(own?.mine, true, 'a new comment shows, as the writer\'s, on their next read');
  await sleep(COMMENTS_CHANGE_MS);
  const text = uniqueBody('Corrigé');
  assert.equal((await q.client.patch(commentPath(mine.id), { body: text })).status, 200);
  const edited = (await direct(path, q.client)).json.comments.find((y) => y.id === mine.id);
  assert.equal(edited?.body, text, 'an edit shows on the writer\'s next read, long after their comment was new');
});

test('published results are kept for the public and revalidated', async () => {
  const { c, admin: adm } = await votingConsultation({ priorities: 2, k: 1 });
  await publish(adm, c.id);
  const r = await anon().get(resultsPath(c.id));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'public, no-cache');
  assert.match(r.headers.get('etag') || '', ETAG_RE);
  const again = await get(resultsPath(c.id), { 'if-none-match': r.headers.get('etag') });
  assert.equal(again.status, 304);
});

// The regexes of nginx's map of the reads it may keep, from a configuration file.
function keptReads(file) {
  const text = readFileSync(file, 'utf8');
  const m = /map \$request_method:\$uri \$concerto_not_kept \{([\s\S]*?)\n\s*\}/.exec(text);
  assert.ok(m, `${file} maps $concerto_not_kept`);
  return [...m[1].matchAll(/"~(.*?)"\s+""/g)].map((x) => new RegExp(x[1]));
}

test('nginx keeps exactly the reads that the route table says may be kept', () => {
  const routes = JSON.parse(concerto(['routes']).stdout);
  for (const file of [`${ROOT}/nginx/concerto.conf.in`, `${ROOT}/nginx/production.conf.example`]) {
    const kept = keptReads(file);
    assert.ok(kept.length > 0, file);
    for (const r of routes) {
      const path = r.pattern.replace(/\{id\}/g, '12').replace(/\{slug\}/g, 'fr').replace(/\{[a-z_]+\}/g, 'x');
      for (const method of r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]) {
        const matched = kept.some((re) => re.test(`${method}:${path}`));
        assert.equal(matched, r.cache !== 'none', `${file}: ${method} ${r.pattern} (cache ${r.cache})`);
      }
    }
  }
});

test('requests nginx does not keep never wait on its cache lock', async () => {
  // Concurrent requests of one URL that is never kept: with the lock, each
  // waited half a second for the one before it to be found not kept.
  const t0 = Date.now();
  const all = await Promise.all(Array.from({ length: 16 }, () => direct('/api/health')));
  const ms = Date.now() - t0;
  assert.ok(all.every((r) => r.status === 200));
  assert.ok(ms < 450, `16 concurrent GET /api/health took ${ms} ms`);
});
