// One master per socket: a second `concerto serve` beside the running one
// refuses to start, through the lock on its pid file or, without one, because
// a server answers on the socket; it leaves the running master, its socket and
// its pid file as they were, and the API goes on. A stale socket and pid file
// (a master killed with SIGKILL) are taken over; a serve removes only the
// socket and pid file it made, and never a file that is not a socket.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIDFILE, SOCKET } from './lib/paths.mjs';
import { sleep, waitFor } from './lib/util.mjs';
import { get } from './lib/client.mjs';
import { masterPid, procAlive, procChildren } from './lib/stack.mjs';

const dirs = [];
const started = new Set();

after(() => {
  // Whatever failed, no serve of this file outlives it.
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratch() {
  const d = mkdtempSync(join(tmpdir(), 'concerto-serve-'));
  dirs.push(d);
  return d;
}

// Starts `concerto serve` with the stack's environment and env on top (a
// value undefined removes the variable). Returns { child, done, stderr() },
// done resolving to { status, signal } when it exits.
function startServe(env = {}) {
  const full = { ...process.env, CONCERTO_WORKERS: '1', CONCERTO_THREADS: '1' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  const child = spawn(process.env.CONCERTO_BIN, ['serve'], { env: full, stdio: ['ignore', 'ignore', 'pipe'] });
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
