// SPDX-License-Identifier: AGPL-3.0-or-later
// What an operator counts on: with PostgreSQL away the service answers 503
// with Retry-After at once (no hang, no crash) and recovers by itself when the
// database is back; PostgreSQL dying under ballot load (an immediate stop)
// fails requests with 503 and Retry-After, never 500; a worker killed with SIGKILL is replaced and the service
// goes on; a reload (SIGHUP) rolls the workers over without failing a request.
// These tests stop the database and kill workers, so tests/run.sh
// runs this file alone; each test puts the stack back as it found it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { THREADS, WORKERS, ballotPath } from './lib/paths.mjs';
import { sleep, waitFor } from './lib/util.mjs';
import { REQUEST_TIMEOUT_MS, get, req } from './lib/client.mjs';
import { masterPid, metricSum, metrics, procAlive, procChildren, stack } from './lib/stack.mjs';
import { participants } from './lib/accounts.mjs';
import { votingConsultation } from './lib/consultations.mjs';

let dbStopped = false;

after(() => {
  // Never leave the stack without its database, whatever failed.
  if (dbStopped) stack('pg-start');
});

async function healthy() {
  try {
    const r = await get('/api/health');
    return r.status === 200 && r.json?.status === 'ok';
  } catch {
    return false;
  }
}

// Clients asking for /api/health in a loop until stop() (which waits for
// them): load.ok counts the 200s, load.failures holds every other answer.
function healthLoad(clients) {
  const load = { ok: 0, failures: [], going: true };
  const client = async () => {
    while (load.going) {
      try {
        const r = await req('/api/health');
        await r.arrayBuffer();
        if (r.status === 200) load.ok++;
        else load.failures.push(r.status);
      } catch (e) {
        load.failures.push(String(e.cause?.code || e.name));
      }
    }
  };
  const running = Array.from({ length: clients }, client);
  load.stop = async () => {
    load.going = false;
    await Promise.all(running);
  };
  return load;
}

test('the stack is up: a master with its workers, health 200', async () => {
  const master = masterPid();
  assert.ok(procAlive(master), `master ${master} is alive`);
  assert.equal(procChildren(master).length, WORKERS, `master has ${WORKERS} workers`);
  assert.ok(await healthy());
});

test('with the database stopped, health is a quick 503 with Retry-After; it recovers without restarts', { timeout: 120_000 }, async () => {
  const master = masterPid();
  const workers = procChildren(master);
  assert.equal(workers.length, WORKERS);
  const dbErrorsBefore = metricSum(await metrics(), 'concerto_db_errors_total');

  stack('pg-stop');
  dbStopped = true;

  // Enough requests that every thread of every worker meets the outage.
  const n = Math.max(8, WORKERS * THREADS * 3);
  for (let i = 0; i < n; i++) {
    const t0 = Date.now();
    const r = await get('/api/health');
    const ms = Date.now() - t0;
    assert.ok(ms < REQUEST_TIMEOUT_MS, `answered in ${ms} ms`);
    assert.equal(r.status, 503, `request ${i}: ${r.status} ${r.text.slice(0, 200)}`);
    const retry = r.headers.get('retry-after');
    assert.ok(retry !== null, 'Retry-After is set');
    assert.match(retry, /^\d+$/, `Retry-After is a number of seconds: ${retry}`);
    assert.ok(Number(retry) >= 1 && Number(retry) <= 300, `Retry-After is reasonable: ${retry}`);
    assert.match(r.headers.get('content-type') || '', /^application\/json;\s*charset=utf-8$/i);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', 'security headers on the 503 too');
    assert.equal(r.json?.status, 'unavailable', r.text);
    assert.equal(r.json?.db, 'unavailable', r.text);
    assert.equal(typeof r.json?.version, 'string');
  }

  // Routing does not need the database: a wrong path is still a 404.
  const nf = await get('/api/no-such-thing-during-outage');
  assert.equal(nf.status, 404, nf.text);

  // Nobody crashed for it.
  assert.equal(masterPid(), master, 'master pid unchanged during the outage');
  assert.deepEqual(procChildren(master), workers, 'no worker died during the outage');

  const down = await metrics();
  const dbErrorsDuring = metricSum(down, 'concerto_db_errors_total');
  assert.ok(dbErrorsDuring > dbErrorsBefore, `concerto_db_errors_total rose: ${dbErrorsBefore} -> ${dbErrorsDuring}`);
  assert.ok((metricSum(down, 'concerto_http_requests_total', { route: '/api/health', status: '503' }) || 0) >= n,
    'the 503s are counted under route /api/health');

  stack('pg-start');
  dbStopped = false;

  // Back by itself within a few seconds, every thread of every worker.
  const t0 = Date.now();
  assert.ok(await waitFor(healthy, 10_000, 200), 'health is 200 again within 10 s of pg-start');
  const recovered = Date.now() - t0;
  for (let i = 0; i < WORKERS * THREADS * 3; i++) {
    const r = await get('/api/health');
    assert.equal(r.status, 200, `after recovery (${recovered} ms), request ${i}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  assert.equal(masterPid(), master, 'master pid unchanged');
  assert.deepEqual(procChildren(master), workers, 'same workers: recovered without a restart');
});

test('a worker killed with SIGKILL is replaced and the service goes on', { timeout: 60_000 }, async () => {
  const master = masterPid();
  const workers = procChildren(master);
  assert.equal(workers.length, WORKERS);
  const restartsBefore = metricSum(await metrics(), 'concerto_worker_restarts_total');
  assert.ok(restartsBefore !== undefined, 'concerto_worker_restarts_total is exported');

  // Load on the service while the worker dies: only requests in flight on the
  // dead worker (at most its THREADS) may fail.
  const load = healthLoad(4);
  await sleep(300);
  const victim = workers[0];
  const okBeforeKill = load.ok;
  process.kill(victim, 'SIGKILL');
  await sleep(1000);
  await load.stop();
  assert.ok(okBeforeKill > 0, 'requests succeeded before the kill');
  assert.ok(load.ok > okBeforeKill, `requests kept succeeding after the kill (${load.ok - okBeforeKill} in 1 s)`);
  assert.ok(load.failures.length <= THREADS, `at most the dead worker's in-flight requests failed: ${JSON.stringify(load.failures)}`);

  // From now on every request succeeds (a single retry for one still in flight).
  for (let i = 0; i < 20; i++) {
    let r = await get('/api/health').catch(() => null);
    if (!r || r.status !== 200) r = await get('/api/health');
    assert.equal(r.status, 200, `request ${i} after the kill`);
  }

  // A new worker appears within ~2 s; the master is the same process.
  const replaced = await waitFor(() => {
    const now = procChildren(master);
    return now.length === WORKERS && !now.includes(victim) ? now : null;
  }, 2500, 50);
  assert.ok(replaced, `a new worker replaced ${victim} within 2.5 s (children now: ${procChildren(master)})`);
  assert.ok(!procAlive(victim), 'the killed worker is gone (reaped)');
  assert.equal(masterPid(), master, 'master pid unchanged');
  assert.ok(procAlive(master), 'master alive');
  for (const w of workers.slice(1)) assert.ok(replaced.includes(w), `untouched worker ${w} still serves`);

  const restartsAfter = metricSum(await metrics(), 'concerto_worker_restarts_total');
  assert.ok(restartsAfter > restartsBefore, `concerto_worker_restarts_total rose: ${restartsBefore} -> ${restartsAfter}`);
  assert.ok(await healthy());
});

test('a reload (SIGHUP) replaces every worker and fails no request', { timeout: 60_000 }, async () => {
  const master = masterPid();
  const before = procChildren(master);
  assert.equal(before.length, WORKERS);

  // Requests keep coming while the old workers stop and the new ones start:
  // an old worker finishes what it accepted, idle threads leave their
  // accept() within its wait, and the socket never stops answering.
  const load = healthLoad(4);
  await sleep(300);
  const okBeforeReload = load.ok;
  process.kill(master, 'SIGHUP');
  const replaced = await waitFor(() => {
    const now = procChildren(master);
    return now.length === WORKERS && now.every((p) => !before.includes(p)) ? now : null;
  }, 10_000, 50);
  await sleep(500);
  await load.stop();

  assert.ok(replaced, `every worker was replaced within 10 s (before: ${before}, now: ${procChildren(master)})`);
  for (const old of before) assert.ok(!procAlive(old), `old worker ${old} is gone`);
  assert.equal(masterPid(), master, 'master pid unchanged');
  assert.ok(load.ok > okBeforeReload, `requests succeeded during the reload (${load.ok - okBeforeReload})`);
  assert.deepEqual(load.failures, [], 'no request failed during the reload');
  assert.ok(await healthy());
});

// Signed-in voters in a loop until stop(): ballot PUTs (half with an
// Idempotency-Key, so the claim's transaction is in play) and cookie reads
// of /api/v1/me. load.ok counts the 2xx; load.bad holds every other answer
// as { what, status, retryAfter, code } (status is the error name when the
// request failed without an answer).
function ballotLoad(voters, id, ids) {
  const load = { ok: 0, bad: [], going: true };
  const one = async (v, n) => {
    const what = n % 3 === 2 ? 'GET /api/v1/me' : 'PUT ballot';
    const headers = n % 2 === 0 ? { 'idempotency-key': randomBytes(12).toString('hex') } : {};
    try {
      const r = what === 'PUT ballot'
        ? await v.client.send('PUT', ballotPath(id), { choices: [ids[n % ids.length]] }, { headers })
        : await v.client.get('/api/v1/me');
      if (r.status >= 200 && r.status < 300) load.ok++;
      else load.bad.push({ what, status: r.status, retryAfter: r.headers.get('retry-after'), code: r.json?.error?.code });
    } catch (e) {
      load.bad.push({ what, status: String(e.cause?.code || e.name) });
    }
  };
  const running = voters.map(async (v, i) => {
    for (let n = i; load.going; n++) await one(v, n);
  });
  load.stop = async () => {
    load.going = false;
    await Promise.all(running);
  };
  return load;
}

// Asserts that a load saw no 500 and that every failure was a 503 naming the
// database, with Retry-After.
function assertOnly503(load, what) {
  const statuses = {};
  for (const b of load.bad) statuses[b.status] = (statuses[b.status] || 0) + 1;
  const all = JSON.stringify(statuses);
  assert.equal(load.bad.filter((b) => b.status === 500).length, 0, `${what}: no 500: ${all}`);
  for (const b of load.bad) {
    assert.equal(b.status, 503, `${what}: ${b.what} answered ${b.status} (${b.code}); all: ${all}`);
    assert.match(b.retryAfter || '', /^\d+$/, `${what}: ${b.what} 503 ${b.code} has Retry-After`);
    assert.equal(b.code, 'database_unavailable', `${what}: ${b.what} 503 names the database`);
  }
}

test('PostgreSQL stopped in immediate mode under ballot load: no 500, every failure is 503 with Retry-After; it recovers', { timeout: 240_000 }, async () => {
  const { c, ids } = await votingConsultation({ method: 'approval', k: 1, priorities: 3 });
  const voters = await participants(2 * WORKERS * THREADS);
  const master = masterPid();
  const workers = procChildren(master);

  // Twice: the instant of the crash is what goes wrong, so meet it again.
  for (let round = 1; round <= 2; round++) {
    const load = ballotLoad(voters, c.id, ids);
    assert.ok(await waitFor(() => load.ok >= 50, 20_000, 50), `round ${round}: ballots go through before the crash (${load.ok})`);
    stack('pg-crash');
    dbStopped = true;
    await sleep(1000);
    stack('pg-start');
    dbStopped = false;
    const okAtRestart = load.ok;
    assert.ok(await waitFor(() => load.ok >= okAtRestart + 50, 20_000, 50),
      `round ${round}: ballots go through again after the restart (${load.ok - okAtRestart})`);
    await load.stop();
    assert.ok(load.bad.length > 0, `round ${round}: the crash failed some requests (${load.ok} ok)`);
    assertOnly503(load, `round ${round}`);
  }
  assert.equal(masterPid(), master, 'master pid unchanged');
  assert.deepEqual(procChildren(master), workers, 'no worker died for it');
  assert.ok(await healthy(), 'health is 200 after the restarts');
});

test('connections terminated by the server under ballot load (pg_terminate_backend): no 500, failures are 503 with Retry-After', { timeout: 120_000 }, async () => {
  const { c, ids } = await votingConsultation({ method: 'approval', k: 1, priorities: 3 });
  const voters = await participants(2 * WORKERS * THREADS);
  // As the superuser, who may end any backend (the owner role may not).
  const asPostgres = process.env.CONCERTO_DB_ADMIN.replace(/\buser=\S+/, 'user=postgres');
  const terminate = () => execFileSync('psql', ['-X', '-q', '-At', '-d', asPostgres, '-c',
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'concerto' AND usename = 'concerto_app'"],
  { encoding: 'utf8', timeout: 30_000 }).trim();

  const load = ballotLoad(voters, c.id, ids);
  assert.ok(await waitFor(() => load.ok >= 50, 20_000, 50), `ballots go through (${load.ok})`);
  let ended = 0;
  for (let i = 0; i < 5; i++) {
    ended += Number(terminate());
    await sleep(300);
  }
  const okAfter = load.ok;
  assert.ok(await waitFor(() => load.ok >= okAfter + 50, 20_000, 50), `ballots go on (${load.ok - okAfter})`);
  await load.stop();
  assert.ok(ended >= WORKERS * THREADS, `the workers' connections were terminated (${ended})`);
  assertOnly503(load, 'terminated connections');
  assert.ok(await healthy());
});
