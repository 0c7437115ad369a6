// SPDX-License-Identifier: AGPL-3.0-or-later
// Running as a service (issue 15): the systemd units of nginx/systemd/ pass
// `systemd-analyze verify`, the service's exposure under `systemd-analyze
// security` stays SAFE (the score is printed), every variable the units and
// the environment example set is one `concerto` knows, the example reads the
// same in a shell as in systemd, and `concerto serve` runs as the unit runs
// it: as the account concerto from the start, with no root at any time, on
// files that account owns.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';
import { fastcgiGet } from './lib/fastcgi.mjs';
import { procAlive, procChildren } from './lib/stack.mjs';
import { waitFor } from './lib/util.mjs';

const UNITS = join(ROOT, 'nginx', 'systemd');
const scratch = mkdtempSync(join(tmpdir(), 'concerto-systemd-'));
const started = [];
after(() => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

// The units, with ExecStart naming the binary under test (verify checks
// that the program exists), in a directory of their own.
function unitCopies() {
  const dir = join(scratch, 'units');
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  const names = readdirSync(UNITS).filter((f) => /\.(service|timer)$/.test(f));
  for (const f of names) {
    writeFileSync(join(dir, f), readFileSync(join(UNITS, f), 'utf8').replaceAll('/usr/local/bin/concerto', process.env.CONCERTO_BIN));
  }
  return { dir, names };
}

test('every unit passes systemd-analyze verify, with nothing to say', () => {
  const { dir, names } = unitCopies();
  assert.ok(names.includes('concerto.service') && names.includes('concerto-mail.timer') && names.includes('concerto-purge.timer'),
    `the service and its timers: ${names}`);
  const r = spawnSync('systemd-analyze', ['verify', ...names.map((f) => join(dir, f))], { encoding: 'utf8' });
  assert.equal(r.status, 0, `verify: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim(), '', 'no warning');
});

test('systemd-analyze security rates concerto.service SAFE (exposure at most 1.0), its timers\' services OK', () => {
  const { dir } = unitCopies();
  const limits = { 'concerto.service': [1.0, 'SAFE'], 'concerto-purge.service': [2.5, 'OK'], 'concerto-mail.service': [4.5, 'OK'] };
  for (const [unit, [max, level]] of Object.entries(limits)) {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', join(dir, unit)], { encoding: 'utf8' });
    const m = /Overall exposure level for \S+: ([\d.]+) (\S+)/.exec(r.stdout);
    assert.ok(m, `${unit}: a score: ${r.stdout.slice(-400)}${r.stderr}`);
    console.log(`# ${unit}: exposure ${m[1]} ${m[2]}`);
    assert.ok(Number(m[1]) <= max, `${unit}: exposure ${m[1]} <= ${max}`);
    if (level === 'SAFE') assert.ok(['PERFECT', 'SAFE'].includes(m[2]), `${unit}: ${m[2]}`);
  }
});

// The CONCERTO_* names `concerto help` documents.
function knownVariables() {
  const r = spawnSync(process.env.CONCERTO_BIN, ['help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Set(r.stdout.match(/CONCERTO_[A-Z0-9_]+/g));
}

test('the units and the environment example set only variables concerto knows; the example reads the same in sh', () => {
  const known = knownVariables();
  const example = join(UNITS, 'concerto.env.example');
  const set = [];
  for (const f of [...readdirSync(UNITS).filter((n) => n.endsWith('.service')), 'concerto.env.example']) {
    for (const m of readFileSync(join(UNITS, f), 'utf8').matchAll(/^(?:Environment=)?(CONCERTO_[A-Z0-9_]+)=/gm)) set.push([f, m[1]]);
  }
  assert.ok(set.length >= 10, `variables are set: ${set.length}`);
  for (const [f, name] of set) assert.ok(known.has(name), `${f}: ${name} is a variable of \`concerto help\``);
  // Read by sh (set -a; .) as an operator does, a value keeps its spaces.
  const r = spawnSync('sh', ['-c', 'set -a; . "$1"; printf "%s\\n%s\\n" "$CONCERTO_DB" "$CONCERTO_MAIL_FROM"', 'sh', example], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').slice(0, 2), ['host=/var/run/postgresql dbname=concerto user=concerto_app',
    'Concerto <no-reply@concerto.example.org>']);
});

// The account the unit runs serve as: concerto, made by the stack as root;
// not as root, the current user (there is no other to become).
const AS_ROOT = process.getuid() === 0;
const account = () => (AS_ROOT ? Number(execFileSync('id', ['-u', 'concerto'], { encoding: 'utf8' }).trim()) : process.getuid());
const uidsOf = (pid) => /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8')).slice(1).map(Number);

test('serve runs as the unit runs it: as the account concerto from the start, on files it owns, and answers', { timeout: 60_000 }, async () => {
  const dir = join(scratch, 'run');
  execFileSync('mkdir', ['-p', dir]);
  const uid = account();
  const own = (p, mode) => { chmodSync(p, mode); if (AS_ROOT) chownSync(p, uid, uid); };
  const key = join(dir, 'throttle.key');
  copyFileSync(process.env.CONCERTO_THROTTLE_KEY_FILE, key);
  own(key, 0o600);
  const secretKey = join(dir, 'secret.key');
  copyFileSync(process.env.CONCERTO_SECRET_KEY_FILE, secretKey);
  own(secretKey, 0o600);
  const geoip = join(dir, 'geoip.mmdb');
  copyFileSync(process.env.CONCERTO_GEOIP, geoip);
  own(geoip, 0o644);
  own(dir, 0o755);
  chmodSync(scratch, 0o755);
  // A copy of the binary where the account can reach it, as /usr/local/bin
  // is: the checkout may sit under a directory only root may enter.
  const bin = join(scratch, 'concerto');
  copyFileSync(process.env.CONCERTO_BIN, bin);
  chmodSync(bin, 0o755);
  const env = {
    ...process.env, CONCERTO_SOCKET: join(dir, 'concerto.sock'), CONCERTO_PIDFILE: join(dir, 'concerto.pid'),
    CONCERTO_SOCKET_GROUP: AS_ROOT ? 'concerto' : '', CONCERTO_THROTTLE_KEY_FILE: key, CONCERTO_SECRET_KEY_FILE: secretKey,
    CONCERTO_GEOIP: geoip,
    CONCERTO_WORKERS: '2', CONCERTO_THREADS: '2',
  };
  for (const k of Object.keys(env)) if (env[k] === '') delete env[k];
  const argv = AS_ROOT ? ['-u', 'concerto', '--', bin, 'serve'] : ['serve'];
  const child = spawn(AS_ROOT ? 'runuser' : bin, argv, { env, stdio: ['ignore', 'ignore', 'pipe'], cwd: '/' });
  started.push(child);
  let err = '';
  child.stderr.on('data', (b) => { err += b; });
  let master = 0;
  assert.ok(await waitFor(() => {
    if (!existsSync(env.CONCERTO_PIDFILE)) return false;
    master = Number(readFileSync(env.CONCERTO_PIDFILE, 'utf8').trim());
    return master > 0 && procChildren(master).length === 2 && existsSync(env.CONCERTO_SOCKET);
  }, 20_000, 50), `serve starts with 2 workers: ${err}`);
  for (const pid of [master, ...procChildren(master)]) {
    assert.deepEqual(uidsOf(pid), [uid, uid, uid], `process ${pid} runs as uid ${uid} (real, effective and saved)`);
  }
  for (let i = 0; i < 4; i++) {
    const r = await fastcgiGet(env.CONCERTO_SOCKET, '/api/health');
    assert.equal(r.status, 200, `health: ${r.status} ${r.body}`);
  }
  process.kill(master, 'SIGTERM');
  assert.ok(await waitFor(() => !procAlive(master), 20_000, 100), 'it stops on SIGTERM');
  assert.ok(!existsSync(env.CONCERTO_SOCKET), 'removing its socket, in a directory its account owns');
});

test('make install puts the binary, the migrations, the pages, nginx\'s pieces and the units under PREFIX', { timeout: 60_000 }, () => {
  const dest = join(scratch, 'dest');
  const r = spawnSync('make', ['--no-print-directory', '-C', ROOT, 'install', `DESTDIR=${dest}`, 'PREFIX=/usr/local'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make install: ${r.stdout}${r.stderr}`);
  const share = join(dest, 'usr/local/share/concerto');
  for (const f of ['usr/local/bin/concerto', 'usr/local/share/doc/concerto/README.md', 'usr/local/share/doc/concerto/operations.md']) {
    assert.ok(existsSync(join(dest, f)), `${f} installed`);
  }
  for (const f of ['sql/001_foundation.sql', 'www/index.html', 'www/api/routes.json', 'nginx/fastcgi.conf', 'nginx/systemd/concerto.service']) {
    assert.ok(existsSync(join(share, f)), `share/concerto/${f} installed`);
  }
  const v = spawnSync(join(dest, 'usr/local/bin/concerto'), ['version'], { encoding: 'utf8' });
  assert.equal(v.status, 0, 'the installed binary runs');
  assert.equal(v.stdout, spawnSync(process.env.CONCERTO_BIN, ['version'], { encoding: 'utf8' }).stdout, 'and is the version built');
});

// The production example of nginx, with the paths of docs/operations.md
// moved into a scratch directory (pieces from nginx/, pages from www/, a
// self-signed certificate where certbot's would be), passes `nginx -t`: an
// operator who follows the guide gets a configuration nginx accepts.
test('nginx/production.conf.example, installed as docs/operations.md says, passes nginx -t', () => {
  const dir = join(scratch, 'nginx-prod');
  execFileSync('mkdir', ['-p', join(dir, 'logs'), join(dir, 'cache'), join(dir, 'certs')]);
  const cert = join(dir, 'certs');
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=concerto.example.org',
    '-keyout', join(cert, 'privkey.pem'), '-out', join(cert, 'fullchain.pem')], { encoding: 'utf8' });
  assert.equal(ssl.status, 0, ssl.stderr);
  const conf = readFileSync(join(ROOT, 'nginx/production.conf.example'), 'utf8')
    .replaceAll('/etc/nginx/concerto/', `${ROOT}/nginx/`)
    .replaceAll('/etc/letsencrypt/live/concerto.example.org/', `${cert}/`)
    .replaceAll('/usr/local/share/concerto/www', join(ROOT, 'www'))
    .replaceAll('/var/log/nginx/', `${dir}/logs/`)
    .replaceAll('/run/nginx-concerto-cache', join(dir, 'cache'))
    .replaceAll('/run/concerto/concerto.sock', join(dir, 'concerto.sock'));
  writeFileSync(join(dir, 'concerto.conf'), conf);
  writeFileSync(join(dir, 'nginx.conf'), [
    `pid ${dir}/nginx.pid;`, `error_log ${dir}/logs/error.log;`, 'events {}',
    `http { include /etc/nginx/mime.types; access_log off; include ${dir}/concerto.conf; }`, ''].join('\n'));
  const r = spawnSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs/error.log')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `nginx -t: ${r.stderr}`);
});
