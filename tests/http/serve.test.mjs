// SPDX-License-Identifier: AGPL-3.0-or-later
// Started as root, serve runs its workers as CONCERTO_USER (never root, with
// no capability), reopens CONCERTO_LOG_FILE on SIGUSR1 in every process, and
// on SIGUSR2 re-executes the binary installed at its path, which takes over
// the socket and the pid file while every request is answered.
//
// One master per socket: a second `concerto serve` beside the running one
// refuses to start, through the lock on its pid file or, without one, because
// a server answers on the socket; it leaves the running master, its socket and
// its pid file as they were, and the API goes on. A stale socket and pid file
// (a master killed with SIGKILL) are taken over; a serve removes only the
// socket and pid file it made, and never a file that is not a socket.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIDFILE, SOCKET } from './lib/paths.mjs';
import { sleep, waitFor } from './lib/util.mjs';
import { get } from './lib/client.mjs';
import { fastcgiGet } from './lib/fastcgi.mjs';
import { masterPid, procAlive, procChildren } from './lib/stack.mjs';

const dirs = [];
const started = new Set();

// Masters that an upgrade started (not children of this process).
const upgraded = new Set();

after(() => {
  // Whatever failed, no serve of this file outlives it.
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of upgraded) if (procAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratch() {
  const d = mkdtempSync(join(tmpdir(), 'concerto-serve-'));
  dirs.push(d);
  return d;
}

// Starts `concerto serve` (the binary bin) with the stack's environment and
// env on top (a value undefined removes the variable). Returns { child, done,
// stderr() }, done resolving to { status, signal } when it exits.
function startServe(env = {}, bin = process.env.CONCERTO_BIN) {
  const full = { ...process.env, CONCERTO_WORKERS: '1', CONCERTO_THREADS: '1' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  const child = spawn(bin, ['serve'], { env: full, stdio: ['ignore', 'ignore', 'pipe'] });
  started.add(child);
  let err = '';
  child.stderr.on('data', (b) => { err += b; });
  const done = new Promise((resolve) => child.on('exit', (status, signal) => resolve({ status, signal })));
  return { child, done, stderr: () => err };
}

// Waits at most ms for the serve to exit; { status, signal, exited }.
async function exited(s, ms) {
  let timer;
  const r = await Promise.race([s.done, new Promise((resolve) => { timer = setTimeout(resolve, ms, null); })]);
  clearTimeout(timer);
  return r ? { ...r, exited: true } : { exited: false };
}

// True when something accepts connections on the unix socket at path.
function listening(path) {
  return new Promise((resolve) => {
    const c = net.connect(path);
    c.on('connect', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

const inode = (path) => statSync(path).ino;

// What a refused second serve must leave as it was.
async function assertStackUntouched(before, what) {
  assert.equal(inode(SOCKET), before.socket, `${what}: the running master's socket is still the same file`);
  assert.equal(readFileSync(PIDFILE, 'utf8').trim(), String(before.master), `${what}: the pid file still names the master`);
  assert.ok(procAlive(before.master), `${what}: the master still runs`);
  assert.deepEqual(procChildren(before.master), before.workers, `${what}: with the same workers`);
  for (let i = 0; i < 10; i++) {
    const r = await get('/api/health');
    assert.equal(r.status, 200, `${what}: health after the refused start, request ${i}: ${r.status} ${r.text.slice(0, 200)}`);
  }
}

const snapshot = () => {
  const master = masterPid();
  return { master, workers: procChildren(master), socket: inode(SOCKET) };
};

test('a second serve with the same pid file refuses to start, naming the running master; the API goes on', { timeout: 30_000 }, async () => {
  const before = snapshot();
  const s = startServe({ CONCERTO_PIDFILE: PIDFILE });
  const r = await exited(s, 10_000);
  assert.ok(r.exited, 'the second serve exits at once (it did not start serving)');
  assert.notEqual(r.status, 0, `it exits with a failure status: ${JSON.stringify(r)}`);
  assert.match(s.stderr(), new RegExp(`another concerto serve \\(pid ${before.master}\\) holds`), s.stderr());
  await assertStackUntouched(before, 'same pid file');
});

test('without a pid file, a serve refuses a socket that a live server listens on; the API goes on', { timeout: 30_000 }, async () => {
  const before = snapshot();
  const s = startServe({ CONCERTO_PIDFILE: undefined });
  const r = await exited(s, 10_000);
  assert.ok(r.exited, 'the second serve exits at once (it did not start serving)');
  assert.notEqual(r.status, 0, `it exits with a failure status: ${JSON.stringify(r)}`);
  assert.match(s.stderr(), /another server is listening on it; not starting/, s.stderr());
  await assertStackUntouched(before, 'no pid file');
});

test('a master killed with SIGKILL leaves a stale socket and pid file, which the next serve takes over and removes on exit', { timeout: 60_000 }, async () => {
  const d = scratch();
  const env = { CONCERTO_SOCKET: join(d, 'concerto.sock'), CONCERTO_PIDFILE: join(d, 'concerto.pid') };
  const first = startServe(env);
  // Its worker must be running (and have set its parent-death signal) first.
  assert.ok(await waitFor(async () => existsSync(env.CONCERTO_PIDFILE) && await listening(env.CONCERTO_SOCKET) &&
    procChildren(first.child.pid).length === 1, 10_000, 50), `the first serve listens: ${first.stderr()}`);
  await sleep(500);
  const [worker] = procChildren(first.child.pid);
  first.child.kill('SIGKILL');
  await first.done;
  // Its worker stops once its master is gone (not probed meanwhile: libfcgi
  // takes a stream of empty connections in one accept); then nobody accepts.
  assert.ok(await waitFor(() => !procAlive(worker), 20_000, 100), `the orphaned worker ${worker} stops`);
  assert.equal(await listening(env.CONCERTO_SOCKET), false, 'the socket is stale');
  assert.ok(existsSync(env.CONCERTO_SOCKET), 'the stale socket file is still there');
  assert.equal(readFileSync(env.CONCERTO_PIDFILE, 'utf8').trim(), String(first.child.pid), 'the stale pid file names the dead master');

  const second = startServe(env);
  assert.ok(await waitFor(async () => readFileSync(env.CONCERTO_PIDFILE, 'utf8').trim() === String(second.child.pid) &&
    await listening(env.CONCERTO_SOCKET), 10_000, 50), `the next serve takes both over: ${second.stderr()}`);
  second.child.kill('SIGTERM');
  const r = await exited(second, 20_000);
  assert.ok(r.exited && r.status === 0, `it stops cleanly on SIGTERM: ${JSON.stringify(r)} ${second.stderr()}`);
  assert.ok(!existsSync(env.CONCERTO_SOCKET), 'it removed its socket');
  assert.ok(!existsSync(env.CONCERTO_PIDFILE), 'it removed its pid file');
});

test('a file that is not a socket at the socket path is refused and left alone', { timeout: 30_000 }, async () => {
  const d = scratch();
  const env = { CONCERTO_SOCKET: join(d, 'concerto.sock'), CONCERTO_PIDFILE: join(d, 'concerto.pid') };
  writeFileSync(env.CONCERTO_SOCKET, 'not a socket\n');
  const s = startServe(env);
  const r = await exited(s, 10_000);
  assert.ok(r.exited, 'the serve exits at once');
  assert.notEqual(r.status, 0, `with a failure status: ${JSON.stringify(r)}`);
  assert.match(s.stderr(), /exists and is not a socket/, s.stderr());
  assert.equal(readFileSync(env.CONCERTO_SOCKET, 'utf8'), 'not a socket\n', 'the file is untouched');
  assert.ok(!existsSync(env.CONCERTO_PIDFILE), 'a refused start leaves no pid file behind');
});

// ------------------------------------------------ accounts, logs, upgrades

const ROOT_RUN = process.getuid() === 0;
const procStatus = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const statusField = (pid, name) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(procStatus(pid))[1].trim();
const serviceUid = () => Number(execFileSync('id', ['-u', 'concerto'], { encoding: 'utf8' }).trim());

// A scratch serve: its own socket, pid file and log file in a new directory.
function scratchEnv(extra = {}) {
  const d = scratch();
  return {
    dir: d,
    env: { CONCERTO_SOCKET: join(d, 'concerto.sock'), CONCERTO_PIDFILE: join(d, 'concerto.pid'), ...extra },
  };
}

// Waits until the serve of child pid listens with n workers.
async function serving(s, env, n = 1) {
  assert.ok(await waitFor(async () => existsSync(env.CONCERTO_PIDFILE) && await listening(env.CONCERTO_SOCKET) &&
    procChildren(s.child.pid).length === n, 15_000, 50), `the serve listens with ${n} workers: ${s.stderr()}`);
}

test('the workers never run as root: as root, they run as CONCERTO_USER with no capability; the master keeps its account', { timeout: 30_000 }, async () => {
  const master = masterPid();
  const workers = procChildren(master);
  assert.ok(workers.length > 0, 'the stack has workers');
  for (const w of workers) {
    const [uid, euid, suid] = statusField(w, 'Uid').split(/\s+/).map(Number);
    const gids = statusField(w, 'Gid').split(/\s+/).map(Number);
    assert.notEqual(uid, 0, `worker ${w} does not run as root`);
    assert.deepEqual([euid, suid], [uid, uid], `worker ${w}: effective and saved uid are its uid`);
    assert.ok(gids.every((g) => g !== 0), `worker ${w} is not in root's group: ${gids}`);
    if (ROOT_RUN) {
      assert.equal(uid, serviceUid(), `worker ${w} runs as the account concerto (CONCERTO_USER)`);
      assert.equal(statusField(w, 'Groups'), '', `worker ${w} has no supplementary group`);
      assert.match(statusField(w, 'CapEff'), /^0+$/, `worker ${w} has no effective capability`);
      assert.match(statusField(w, 'CapPrm'), /^0+$/, `worker ${w} has no permitted capability`);
    } else {
      assert.equal(uid, process.getuid(), `worker ${w} runs as the user who started serve`);
    }
  }
  const r = await get('/api/health');
  assert.equal(r.status, 200, 'and they answer');
});

test('serve refuses an account it cannot use for its workers, before opening anything', { timeout: 30_000 }, async () => {
  const cases = ROOT_RUN
    ? [[{ CONCERTO_USER: undefined }, /set CONCERTO_USER/], [{ CONCERTO_USER: 'root' }, /root; workers never run as root/],
      [{ CONCERTO_USER: 'no-such-account-here' }, /no account named no-such-account-here/],
      [{ CONCERTO_USER: 'concerto', CONCERTO_GROUP: 'root' }, /root's group/]]
    : [[{ CONCERTO_USER: 'root' }, /cannot become another account/]];
  for (const [extra, reason] of cases) {
    const { env } = scratchEnv(extra);
    const s = startServe(env);
    const r = await exited(s, 10_000);
    assert.ok(r.exited && r.status !== 0, `${JSON.stringify(extra)}: refused with a failure status: ${JSON.stringify(r)}`);
    assert.match(s.stderr(), reason, `${JSON.stringify(extra)}: the reason`);
    assert.ok(!existsSync(env.CONCERTO_SOCKET), `${JSON.stringify(extra)}: no socket made`);
  }
});

test('SIGUSR1 after a rotation: the master and every worker write to the new log file, the old one is left as it was', { timeout: 60_000 }, async () => {
  const { dir, env } = scratchEnv({ CONCERTO_WORKERS: '2' });
  env.CONCERTO_LOG_FILE = join(dir, 'concerto.log');
  chmodSync(dir, 0o755); // the workers' account reaches the log directory, as in /var/log/concerto
  const s = startServe(env);
  await serving(s, env, 2);
  assert.match(readFileSync(env.CONCERTO_LOG_FILE, 'utf8'), /serving on/, 'the master logs to CONCERTO_LOG_FILE');
  assert.equal(s.stderr(), '', 'and not to its standard error');
  const pids = [s.child.pid, ...procChildren(s.child.pid)];
  renameSync(env.CONCERTO_LOG_FILE, `${env.CONCERTO_LOG_FILE}.1`);
  s.child.kill('SIGUSR1');
  const writesTo = (pid) => readlinkSync(`/proc/${pid}/fd/2`);
  assert.ok(await waitFor(() => existsSync(env.CONCERTO_LOG_FILE) && pids.every((p) => writesTo(p) === env.CONCERTO_LOG_FILE),
    10_000, 50), `every process writes to the new file: ${pids.map(writesTo)}`);
  assert.match(readFileSync(env.CONCERTO_LOG_FILE, 'utf8'), /reopened/, 'the new file says it was reopened');
  if (ROOT_RUN) assert.equal(statSync(env.CONCERTO_LOG_FILE).uid, serviceUid(), 'the workers\' account owns it, so they could reopen it');
  const old = readFileSync(`${env.CONCERTO_LOG_FILE}.1`, 'utf8');
  for (let i = 0; i < 6; i++) assert.equal((await fastcgiGet(env.CONCERTO_SOCKET, '/api/health')).status, 200, 'health');
  await sleep(300); // the workers' log writer flushes every 10 ms
  assert.match(readFileSync(env.CONCERTO_LOG_FILE, 'utf8'), /health/, 'request lines go to the new file');
  assert.equal(readFileSync(`${env.CONCERTO_LOG_FILE}.1`, 'utf8'), old, 'nothing more goes to the rotated file');
  s.child.kill('SIGTERM');
  const r = await exited(s, 20_000);
  assert.ok(r.exited && r.status === 0, `it stops cleanly: ${JSON.stringify(r)}`);
});

// A copy of the binary at bin, installed as `install` does (a new file
// renamed over the old one): a running master keeps the old one.
function install(from, bin) {
  copyFileSync(from, `${bin}.new`);
  chmodSync(`${bin}.new`, 0o755);
  renameSync(`${bin}.new`, bin);
}

// Requests health on socket in n loops until stop() is called; resolves
// to { answered, failures: [...] }.
function hammer(socket, n = 3) {
  let stopping = false;
  const result = { answered: 0, failures: [] };
  const loops = Array.from({ length: n }, async () => {
    while (!stopping) {
      try {
        const r = await fastcgiGet(socket, '/api/health');
        if (r.status === 200) result.answered++;
        else result.failures.push(`status ${r.status}`);
      } catch (e) {
        result.failures.push(e.message);
      }
    }
  });
  return { stop: async () => { stopping = true; await Promise.all(loops); return result; } };
}

test('SIGUSR2 upgrades to the binary installed at the same path: the new master takes over the socket and the pid file, and no request fails', { timeout: 90_000 }, async () => {
  const { dir, env } = scratchEnv();
  const bin = join(dir, 'concerto');
  install(process.env.CONCERTO_BIN, bin);
  const s = startServe(env, bin);
  await serving(s, env);
  const oldWorkers = procChildren(s.child.pid);
  const oldInode = inode(env.CONCERTO_SOCKET);
  const load = hammer(env.CONCERTO_SOCKET);
  await sleep(300);
  install(process.env.CONCERTO_BIN, bin);
  const installed = inode(bin);
  s.child.kill('SIGUSR2');
  const r = await exited(s, 40_000);
  assert.ok(r.exited && r.status === 0, `the old master leaves, cleanly: ${JSON.stringify(r)}\n${s.stderr()}`);
  let next = 0;
  assert.ok(await waitFor(() => {
    next = Number(readFileSync(env.CONCERTO_PIDFILE, 'utf8').trim());
    return next !== s.child.pid && procAlive(next);
  }, 10_000, 50), `the pid file names a new, live master: ${s.stderr()}`);
  upgraded.add(next);
  await sleep(500);
  const result = await load.stop();
  assert.deepEqual(result.failures, [], `no request failed during the upgrade (${result.answered} answered)`);
  assert.ok(result.answered > 10, `requests were answered throughout (${result.answered})`);
  assert.ok(oldWorkers.every((w) => !procAlive(w)), 'the old workers are gone');
  assert.equal(procChildren(next).length, 1, 'the new master has its worker');
  assert.equal(statSync(`/proc/${next}/exe`).ino, installed, 'the new master runs the binary installed at the path');
  assert.equal(inode(env.CONCERTO_SOCKET), oldInode, 'it serves on the same socket file');
  assert.match(s.stderr(), /upgrade: the new master \(pid \d+\) takes over/, 'the old master says why it leaves');
  assert.equal((await fastcgiGet(env.CONCERTO_SOCKET, '/api/health')).status, 200, 'health after the upgrade');
  process.kill(next, 'SIGTERM');
  assert.ok(await waitFor(() => !procAlive(next), 20_000, 100), 'the new master stops on SIGTERM');
  assert.ok(!existsSync(env.CONCERTO_SOCKET), 'and removes the socket it took over');
  assert.ok(!existsSync(env.CONCERTO_PIDFILE), 'and its pid file');
});

test('an upgrade whose new binary fails at start leaves the old master serving, and says so', { timeout: 60_000 }, async () => {
  const { dir, env } = scratchEnv();
  const bin = join(dir, 'concerto');
  install(process.env.CONCERTO_BIN, bin);
  const s = startServe(env, bin);
  await serving(s, env);
  const before = { workers: procChildren(s.child.pid), socket: inode(env.CONCERTO_SOCKET) };
  writeFileSync(`${bin}.new`, '#!/bin/sh\nexit 3\n');
  chmodSync(`${bin}.new`, 0o755);
  renameSync(`${bin}.new`, bin);
  s.child.kill('SIGUSR2');
  assert.ok(await waitFor(() => /ended before taking over \(status 3\); this one goes on serving/.test(s.stderr()), 10_000, 50),
    `the old master reports the failed upgrade: ${s.stderr()}`);
  assert.equal(readFileSync(env.CONCERTO_PIDFILE, 'utf8').trim(), String(s.child.pid), 'the pid file still names it');
  assert.deepEqual(procChildren(s.child.pid), before.workers, 'with the same workers');
  assert.equal(inode(env.CONCERTO_SOCKET), before.socket, 'on the same socket');
  assert.equal((await fastcgiGet(env.CONCERTO_SOCKET, '/api/health')).status, 200, 'which answers');
  s.child.kill('SIGTERM');
  const r = await exited(s, 20_000);
  assert.ok(r.exited && r.status === 0, `it stops cleanly: ${JSON.stringify(r)}`);
});
