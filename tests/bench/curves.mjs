// SPDX-License-Identifier: AGPL-3.0-or-later
// `make bench-curves`: what each read and write costs as the data grows ten
// times, twice (issue 14).  For each scale (x1, x10, x100 of the base) it
// starts a fresh stack of its own, fills it with `concerto dev generate`
// (the same seed), signs in participants and an admin through their
// sessions' rows, and measures with wrk, for CURVES_SECONDS each after a
// warm-up, the reads that no cache answers (the admin's: staff always read
// the database) and a participant's comment page, then ballot PUTs and
// comment POSTs.  A flat curve is the target: at x100 no read below 0.8 of
// its rate at x1.  Writes as reads run on the tests' PostgreSQL settings
// (fsync off): the curve is about data size, not the disk.
//
// Writes $CONCERTO_VAR-curves.json and $CONCERTO_VAR-curves.svg, and prints
// the table.  Environment: CURVES_PORT (8284), CURVES_VAR (the state
// directory; default var/curves or tools/stack/default-var's counterpart),
// CURVES_SECONDS (5), CURVES_STEPS (3), CURVES_ACCOUNTS (10000),
// CURVES_BALLOTS (20000), CURVES_COMMENTS (10000), CURVES_CONSULTATIONS
// (10, the same at every scale, so that each consultation's data grows),
// CURVES_CONNECTIONS (32).  Node 18: only built-in modules.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const env = (k, d) => process.env[k] || d;
const PORT = env('CURVES_PORT', '8284');
const VAR = process.env.CURVES_VAR ||
  execFileSync('sh', [`${ROOT}/tools/stack/default-var`, `${ROOT}/var/curves`], { encoding: 'utf8' }).trim();
const SECONDS = Number(env('CURVES_SECONDS', '5'));
const STEPS = Number(env('CURVES_STEPS', '3'));
const BASE = {
  accounts: Number(env('CURVES_ACCOUNTS', '10000')),
  ballots: Number(env('CURVES_BALLOTS', '20000')),
  comments: Number(env('CURVES_COMMENTS', '10000')),
};
const CONSULTATIONS = Number(env('CURVES_CONSULTATIONS', '10'));
const CONNS = env('CURVES_CONNECTIONS', '32');
const BIN = `${ROOT}/build/concerto`;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const LUA = `${ROOT}/tests/bench`;
const SESSIONS = `${VAR}-curves-sessions.txt`;
// At x100, a read at less than this share of its x1 rate fails the target.
const FLAT = 0.8;

const stackEnv = {
  ...process.env, CONCERTO_VAR: VAR, PORT, CONCERTO_BIN: BIN, CONCERTO_DEMO: '0',
  CONCERTO_FAST_PG: '1', CONCERTO_WORKERS: env('CONCERTO_WORKERS', '2'),
  CONCERTO_THREADS: env('CONCERTO_THREADS', '4'),
  CONCERTO_COMMENTS_PER_MINUTE: '1000',
};

const say = (s) => process.stdout.write(`${s}\n`);
function die(s) { process.stderr.write(`curves: ${s}\n`); stop(); process.exit(1); }

function stack(cmd) {
  const r = spawnSync('sh', [`${ROOT}/tools/stack/stack`, cmd], { env: stackEnv, encoding: 'utf8' });
  if (r.status !== 0) die(`stack ${cmd} failed:\n${r.stdout}\n${r.stderr}`);
}
function stop() {
  spawnSync('sh', [`${ROOT}/tools/stack/stack`, 'stop'], { env: stackEnv, encoding: 'utf8' });
}

// The stack's own environment (CONCERTO_DB_ADMIN and the rest), from the
// env file that `stack start` writes.
function stackVars() {
  const out = {};
  for (const line of readFileSync(`${VAR}/env`, 'utf8').split('\n')) {
    const m = /^export ([A-Z_]+)='(.*)'$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return { ...stackEnv, ...out };
}

function psql(vars, query) {
  return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', vars.CONCERTO_DB_ADMIN],
    { input: query, encoding: 'utf8', maxBuffer: 64 << 20 }).trim();
}

const token = () => randomBytes(32).toString('base64url');
const sha = (s) => createHash('sha256').update(s).digest('hex');

// Sessions for up to n participants who may vote, and one admin session
// whose second factor was given.  Returns the admin's cookie.
function signIn(vars, n) {
  const ids = psql(vars, `SELECT id FROM accounts WHERE role = 'participant'
    AND verified_at IS NOT NULL AND (suspended_until IS NULL OR suspended_until < now())
    ORDER BY id LIMIT ${n}`).split('\n').filter(Boolean);
  if (ids.length === 0) die('no participant to sign in');
  const pw = token();
  const add = spawnSync(BIN, ['user', 'add', '--email', 'curves-admin@concerto.test', '--role', 'admin',
    '--pseudonym', 'Curves admin', '--password-stdin'], { env: vars, input: `${pw}\n`, encoding: 'utf8' });
  if (add.status !== 0) die(`user add: ${add.stderr}`);
  const lines = [];
  const rows = [];
  for (const id of ids) {
    const t = token(); const c = token();
    lines.push(`${t} ${c}`);
    rows.push(`(decode('${sha(t)}', 'hex'), decode('${sha(c)}', 'hex'), ${id}, false)`);
  }
  const at = token();
  rows.push(`(decode('${sha(at)}', 'hex'), decode('${sha(token())}', 'hex'),
    (SELECT id FROM accounts WHERE email = 'curves-admin@concerto.test'), true)`);
  psql(vars, `INSERT INTO sessions (token_hash, csrf_hash, account_id, second_factor, expires_at)
    SELECT h, c, a, f, now() + interval '1 day' FROM (VALUES ${rows.join(',\n')}) v(h, c, a, f);`);
  writeFileSync(SESSIONS, `${lines.join('\n')}\n`);
  return `__Host-concerto=${at}`;
}

// wrk's figures: { rate, p50, p99, errors } (milliseconds).
function wrk(path, args = [], extraEnv = {}) {
  const ms = (v) => {
    const m = /^([\d.]+)(us|ms|s|m)$/.exec(v || '');
    if (!m) return NaN;
    return Number(m[1]) * { us: 1e-3, ms: 1, s: 1e3, m: 6e4 }[m[2]];
  };
  const run = (secs, latency) => spawnSync('wrk', ['-t2', `-c${CONNS}`, `-d${secs}s`, ...(latency ? ['--latency'] : []),
    ...args, URL_BASE + path], { env: { ...process.env, ...extraEnv }, encoding: 'utf8' });
  run(1, false);
  const r = run(SECONDS, true);
  const out = r.stdout;
  const rate = Number((/Requests\/sec:\s+([\d.]+)/.exec(out) || [])[1]);
  if (!rate) die(`wrk ${path}: no rate\n${out}\n${r.stderr}`);
  const p50 = ms((/^\s+50%\s+(\S+)/m.exec(out) || [])[1]);
  const p99 = ms((/^\s+99%\s+(\S+)/m.exec(out) || [])[1]);
  const bad = Number((/Non-2xx or 3xx responses:\s+(\d+)/.exec(out) || [0, 0])[1]);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = bad + (sock ? sock.slice(1).reduce((s, x) => s + Number(x), 0) : 0);
  return { rate, p50, p99, errors };
}

// The generator's summary: "consultation ID PHASE METHOD BALLOTS COMMENTS".
function generate(vars, scale) {
  const args = ['dev', 'generate', '--accounts', String(BASE.accounts * scale), '--consultations', String(CONSULTATIONS),
    '--ballots', String(BASE.ballots * scale), '--comments', String(BASE.comments * scale), '--seed', '14'];
  const t0 = Date.now();
  const r = spawnSync(BIN, args, { env: vars, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  if (r.status !== 0) die(`concerto ${args.join(' ')}: ${r.status}\n${r.stderr}`);
  const cs = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^consultation (\d+) (\S+) (\S+) (\d+) (\d+)$/.exec(line);
    if (m) cs.push({ id: Number(m[1]), phase: m[2], method: m[3], ballots: Number(m[4]), comments: Number(m[5]) });
  }
  if (cs.length === 0) die(`the generator printed no consultation:\n${r.stdout}`);
  return { cs, seconds: (Date.now() - t0) / 1000 };
}

const most = (cs, key, phases) => cs.filter((c) => phases.includes(c.phase)).sort((a, b) => b[key] - a[key])[0];

function measureScale(scale) {
  say(`== curves: x${scale} (${BASE.accounts * scale} accounts, ${BASE.ballots * scale} ballots, ${BASE.comments * scale} comments)`);
  stop();
  rmSync(VAR, { recursive: true, force: true });
  mkdirSync(VAR, { recursive: true });
  stack('start');
  const vars = stackVars();
  const { cs, seconds } = generate(vars, scale);
  say(`   generated in ${seconds.toFixed(0)} s`);
  const vote = most(cs, 'ballots', ['voting']);
  const pub = most(cs, 'ballots', ['published']);
  const talk = most(cs, 'comments', ['voting', 'gathering']);
  if (!vote || !pub || !talk) die(`the generator made no voting, published or commented consultation: ${JSON.stringify(cs)}`);
  const admin = signIn(vars, 1000);
  const prios = psql(vars, `SELECT string_agg(id::text, ',' ORDER BY id) FROM priorities
    WHERE consultation_id = ${vote.id} AND evidence_status <> 'answered'`);
  const k = psql(vars, `SELECT k FROM consultations WHERE id = ${vote.id}`);
  const staff = ['-H', `Cookie: ${admin}`];
  const rows = {
    consultation: wrk(`/api/v1/consultations/${vote.id}`, staff),
    comments: wrk(`/api/v1/consultations/${talk.id}/comments?limit=40`, staff),
    comments_participant: wrk(`/api/v1/consultations/${talk.id}/comments?limit=40`, ['-s', `${LUA}/read.lua`],
      { READ_SESSIONS: SESSIONS, READ_THREADS: '2', BENCH_LUA_DIR: LUA }),
    results: wrk(`/api/v1/consultations/${pub.id}/results?weighting=none`, staff),
    results_weighted: wrk(`/api/v1/consultations/${pub.id}/results`, staff),
    ballot: wrk(`/api/v1/consultations/${vote.id}/ballot`, ['-s', `${LUA}/ballot.lua`],
      { BALLOT_SESSIONS: SESSIONS, BALLOT_PRIORITIES: prios, BALLOT_K: k, BALLOT_THREADS: '2', BENCH_LUA_DIR: LUA }),
    comment: wrk(`/api/v1/consultations/${talk.id}/comments`, ['-s', `${LUA}/comment.lua`],
      { COMMENT_SESSIONS: SESSIONS, COMMENT_THREADS: '2', BENCH_LUA_DIR: LUA }),
  };
  for (const [name, r] of Object.entries(rows)) {
    say(`   ${name.padEnd(22)} ${r.rate.toFixed(0).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  errors ${r.errors}`);
  }
  stop();
  return { scale, generated_s: seconds, ids: { vote: vote.id, published: pub.id, comments: talk.id }, rows };
}

// A line chart: x the scale (log), y the rate as a share of x1's.
function svg(runs, names) {
  const W = 560; const H = 300; const L = 50; const R = 170; const T = 20; const B = 40;
  const x = (i) => L + (i * (W - L - R)) / Math.max(1, runs.length - 1);
  const y = (v) => T + (1 - Math.min(v, 1.5) / 1.5) * (H - T - B);
  const colours = ['#1b5e20', '#0d47a1', '#4a148c', '#b71c1c', '#e65100', '#263238', '#006064'];
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="t">`,
    '<title id="t">Throughput of each read and write as the data grows, as a share of its rate at the smallest scale</title>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`];
  for (const v of [0, 0.5, 0.8, 1, 1.5]) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="${v === 0.8 ? '#b71c1c' : '#ccc'}" stroke-dasharray="${v === 0.8 ? '4 3' : ''}"/>`);
    parts.push(`<text x="${L - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" font-family="sans-serif">${v.toFixed(1)}</text>`);
  }
  runs.forEach((r, i) => parts.push(`<text x="${x(i)}" y="${H - B + 18}" font-size="11" text-anchor="middle" font-family="sans-serif">×${r.scale}</text>`));
  names.forEach((n, j) => {
    const base = runs[0].rows[n].rate;
    const pts = runs.map((r, i) => `${x(i).toFixed(1)},${y(r.rows[n].rate / base).toFixed(1)}`).join(' ');
    const c = colours[j % colours.length];
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts}"/>`);
    parts.push(`<text x="${W - R + 8}" y="${T + 14 + j * 16}" font-size="11" fill="${c}" font-family="sans-serif">${esc(n)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function main() {
  for (const need of [BIN, `${LUA}/read.lua`, `${LUA}/comment.lua`, `${LUA}/ballot.lua`]) {
    if (!existsSync(need)) die(`missing ${need}`);
  }
  mkdirSync(dirname(VAR), { recursive: true });
  process.on('SIGINT', () => { stop(); process.exit(130); });
  const runs = [];
  for (let i = 0; i < STEPS; i++) runs.push(measureScale(10 ** i));
  const names = Object.keys(runs[0].rows);
  say('');
  say(`== curves: req/s at each scale, and the last as a share of the first (target for reads >= ${FLAT})`);
  say(`${'measure'.padEnd(22)} ${runs.map((r) => `x${r.scale}`.padStart(9)).join(' ')}    ratio`);
  let ok = true;
  const table = names.map((n) => {
    const rates = runs.map((r) => r.rows[n].rate);
    const ratio = rates[rates.length - 1] / rates[0];
    const read = !['ballot', 'comment'].includes(n);
    const met = !read || ratio >= FLAT;
    if (!met) ok = false;
    say(`${n.padEnd(22)} ${rates.map((v) => v.toFixed(0).padStart(9)).join(' ')}    ${ratio.toFixed(2)}${read ? (met ? '' : '  BELOW') : ' (write)'}`);
    return { name: n, rates, ratio, target: read ? FLAT : null, met };
  });
  const errors = runs.reduce((s, r) => s + Object.values(r.rows).reduce((t, x) => t + x.errors, 0), 0);
  writeFileSync(`${VAR}-curves.json`, `${JSON.stringify({ base: BASE, consultations: CONSULTATIONS, seconds: SECONDS, runs, table }, null, 2)}\n`);
  writeFileSync(`${VAR}-curves.svg`, svg(runs, names));
  say(`(${VAR}-curves.json, ${VAR}-curves.svg)`);
  if (errors > 0) die(`${errors} failed requests: the rates mean nothing`);
  if (!ok && process.env.BENCH_STRICT === '1') process.exit(1);
}

main();
