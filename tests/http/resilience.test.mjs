// What an operator counts on: with PostgreSQL away the service answers 503
// with Retry-After at once (no hang, no crash) and recovers by itself when the
// database is back; a worker killed with SIGKILL is replaced and the service
// goes on; a reload (SIGHUP) rolls the workers over without failing a request.
// These tests stop the database and kill workers, so tests/run.sh
// runs this file alone; each test puts the stack back as it found it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, req, stack, masterPid, procChildren, procAlive, metrics, metricSum,
  waitFor, sleep, WORKERS, THREADS, REQUEST_TIMEOUT_MS,
} from './helpers.mjs';

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
