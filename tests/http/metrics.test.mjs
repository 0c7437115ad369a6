// SPDX-License-Identifier: AGPL-3.0-or-later
// What an operator's Prometheus reads at /metrics (issue 15, item 7): after
// some traffic (a sign-in, a throttled sign-in, a read), the exposition
// passes `promtool check metrics` with no lint, and has the build, each
// process's CPU, memory and descriptors (the master's and every worker's),
// the workers up, requests in flight, the hashing slots, throttled
// sign-ins, the database connections and the outbox's backlog, with
// figures that match the stack.
//
// Node 18: only built-in modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Client, get, newNet } from './lib/client.mjs';
import { concerto, sql } from './lib/db.mjs';
import { newAccount } from './lib/accounts.mjs';
import { secret } from './lib/logs.mjs';
import { CONSULTATIONS, ROOT, WORKERS } from './lib/paths.mjs';
import { metricSum, parseMetrics } from './lib/stack.mjs';

const PROMTOOL = `${ROOT}/build/tools/promtool`;
const MiB = 1024 * 1024;

// The exposition now: its text and its samples.
async function scrape() {
  const r = await get('/metrics');
  assert.equal(r.status, 200, r.text.slice(0, 300));
  return { text: r.text, samples: parseMetrics(r.text) };
}

const pendingMail = () => Number(sql('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')[0].n);

// Wrong passwords for one account from one network until one is refused
// with 429 too_many_attempts (the 6th: the pair's limit is 5 failures).
async function throttledSignIn() {
  const a = await newAccount({ signIn: false });
  const net = newNet(4);
  for (let i = 1; i <= 10; i++) {
    const r = await new Client(net.addr(i)).signIn(a.email, secret(`wrong-${i}-${Math.random()}`));
    if (r.status === 429) {
      assert.equal(r.json?.error?.code, 'too_many_attempts', r.text);
      return;
    }
    assert.equal(r.status, 401, `a wrong password: ${r.status} ${r.text}`);
  }
  assert.fail('ten wrong passwords from one network were never throttled');
}

test('/metrics passes promtool check metrics and shows the build, the processes, the workers, hashing, throttling, the pool and the outbox', async () => {
  assert.ok(existsSync(PROMTOOL), `${PROMTOOL} exists (make build/tools/promtool)`);
  const before = (await scrape()).samples;
  const throttledBefore = metricSum(before, 'concerto_signin_throttled_total');
  assert.ok(throttledBefore !== undefined, 'concerto_signin_throttled_total is present');

  // Traffic: a sign-in, a throttled sign-in, a read.
  await newAccount();
  await throttledSignIn();
  assert.equal((await get(CONSULTATIONS)).status, 200);

  // The outbox's count, read before and after the scrape: when they agree,
  // the scrape must show the same.
  const pending1 = pendingMail();
  const { text, samples } = await scrape();
  const pending2 = pendingMail();

  const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30000 });
  assert.equal(lint.error, undefined, `promtool runs: ${lint.error}`);
  assert.equal(lint.status, 0, `promtool check metrics: exit ${lint.status}\n${lint.stdout}${lint.stderr}`);
  assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '', 'promtool reports no lint');

  // Every family declares its help and type.
  const declared = (kind) => new Set([...text.matchAll(new RegExp(`^# ${kind} (\\S+) `, 'gm'))].map((m) => m[1]));
  const helps = declared('HELP');
  const types = declared('TYPE');
  for (const s of samples) {
    const family = s.name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(helps.has(s.name) || helps.has(family), `${s.name} has # HELP`);
    assert.ok(types.has(s.name) || types.has(family), `${s.name} has # TYPE`);
  }

  // The build: the binary's own version, and the commit of this checkout.
  const version = concerto(['version']).stdout.trim();
  const build = samples.filter((s) => s.name === 'concerto_build_info');
  assert.equal(build.length, 1, 'one concerto_build_info sample');
  assert.equal(build[0].value, 1);
  assert.equal(version, `concerto ${build[0].labels.version} (${build[0].labels.commit})`, 'the labels are what concerto version prints');
  const head = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
  // Where git cannot say (no checkout), neither could the Makefile.
  const commit = head.status === 0 ? head.stdout.trim() : 'unknown';
  assert.equal(build[0].labels.commit.replace(/-dirty$/, ''), commit, 'the commit label is the commit checked out');

  // The workers: all configured ones up.
  assert.equal(metricSum(samples, 'concerto_workers'), WORKERS, 'concerto_workers is CONCERTO_WORKERS');
  assert.equal(metricSum(samples, 'concerto_workers_up'), WORKERS, 'every worker is up');
  assert.ok(metricSum(samples, 'concerto_worker_threads') >= 1, 'concerto_worker_threads');

  // Each process: the master and every worker, with plausible figures.
  const now = Date.now() / 1000;
  const processes = ['master', ...Array.from({ length: WORKERS }, (_, i) => String(i))];
  for (const worker of processes) {
    const v = (name) => metricSum(samples, name, { worker });
    assert.ok(v('process_resident_memory_bytes') > MiB, `${worker}: resident memory > 1 MiB: ${v('process_resident_memory_bytes')}`);
    assert.ok(v('process_cpu_seconds_total') > 0, `${worker}: CPU seconds > 0: ${v('process_cpu_seconds_total')}`);
    assert.ok(v('process_open_fds') >= 3, `${worker}: open descriptors >= 3: ${v('process_open_fds')}`);
    assert.ok(v('process_max_fds') >= v('process_open_fds'), `${worker}: descriptor limit`);
    const start = v('process_start_time_seconds');
    assert.ok(start > now - 86400 && start <= now + 1, `${worker}: start time ${start} within the last day`);
  }

  // Requests in flight: at least this scrape; database connections: the
  // scrape's own read of the outbox opened one.
  assert.ok(metricSum(samples, 'concerto_http_requests_in_flight') >= 1, 'this scrape is in flight');
  assert.ok(metricSum(samples, 'concerto_db_connections_open') >= 1, 'a database connection is open');
  const inUse = metricSum(samples, 'concerto_db_connections_in_use');
  assert.ok(inUse >= 0 && inUse <= metricSum(samples, 'concerto_db_connections_open'), `connections in use: ${inUse}`);
  for (let i = 0; i < WORKERS; i++) {
    for (const name of ['concerto_http_requests_in_flight', 'concerto_db_connections_open', 'concerto_db_connections_in_use']) {
      assert.ok(metricSum(samples, name, { worker: String(i) }) !== undefined, `${name}{worker="${i}"}`);
    }
  }

  // Hashing: the configured slots, none stuck in use, waits and refusals counted.
  const slots = metricSum(samples, 'concerto_hash_slots');
  assert.ok(slots >= 1, `concerto_hash_slots: ${slots}`);
  const slotsInUse = metricSum(samples, 'concerto_hash_slots_in_use');
  assert.ok(slotsInUse >= 0 && slotsInUse <= slots, `concerto_hash_slots_in_use: ${slotsInUse}`);
  for (const name of ['concerto_hash_waits_total', 'concerto_hash_refused_total']) {
    assert.ok(metricSum(samples, name) >= 0, `${name} is present`);
  }

  // The throttled sign-in was counted.
  assert.ok(metricSum(samples, 'concerto_signin_throttled_total') >= throttledBefore + 1,
    `concerto_signin_throttled_total grew: ${throttledBefore} -> ${metricSum(samples, 'concerto_signin_throttled_total')}`);

  // The outbox's backlog is the database's.
  if (pending1 === pending2) {
    assert.equal(metricSum(samples, 'concerto_mail_outbox_pending'), pending1, 'the outbox backlog is the count of unsent rows');
  } else {
    const v = metricSum(samples, 'concerto_mail_outbox_pending');
    assert.ok(v >= Math.min(pending1, pending2) && v <= Math.max(pending1, pending2), `outbox backlog ${v} between ${pending1} and ${pending2}`);
  }

  // No client address and no account in any label.
  assert.doesNotMatch(text, /\d+\.\d+\.\d+\.\d+|2001:db8|@example\.org/, 'no address or e-mail in the exposition');
});
