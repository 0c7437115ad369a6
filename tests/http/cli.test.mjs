// SPDX-License-Identifier: AGPL-3.0-or-later
// The command line (issue 14): `concerto --help`, `-h`, `help [COMMAND]`,
// `--version` and `version` answer; every subcommand, and every verb of the
// commands that have verbs, answers --help and -h with its usage on standard
// output, exit 0, without running (no migration applied, no demo password
// reset, nothing purged or mailed, no server started); anything a command does
// not take is refused with the reason and the usage on standard error, exit 2,
// again without running. Each check looks at the database or the file system
// for what the command would have done.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_SENDMAIL, PIDFILE, ROOT, SOCKET } from './lib/paths.mjs';
import { Client, get } from './lib/client.mjs';
import { sql, sqlExec } from './lib/db.mjs';
import { newAccount, register } from './lib/accounts.mjs';

const COMMANDS = ['serve', 'migrate', 'routes', 'user', 'demo', 'mail', 'purge', 'results', 'export', 'import', 'geo', 'dev', 'secrets', 'version'];
// Each verb level with its own usage: [argv, the usage's first words].
const VERBS = [
  [['user', 'add'], 'user add'], [['user', 'role'], 'user role'],
  [['geo', 'lookup'], 'geo lookup'], [['geo', 'population'], 'geo population'], [['geo', 'population', 'load'], 'geo population'], [['geo', 'population', 'use'], 'geo population'],
  [['results', 'recount'], 'results recount'], [['export', 'results'], 'export results'], [['export', 'results', '7'], 'export results'],
  [['import', 'consultation'], 'import consultation'], [['dev', 'generate'], 'dev generate'],
  [['secrets', 'seal'], 'secrets seal'], [['secrets', 'rotate'], 'secrets rotate'],
];

const scratch = mkdtempSync(join(tmpdir(), 'concerto-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Where a serve run by mistake would listen: never the stack's own socket.
const SAFE = { CONCERTO_SOCKET: join(scratch, 'serve.sock'), CONCERTO_PIDFILE: join(scratch, 'serve.pid'), CONCERTO_WORKERS: '1' };

// Runs $CONCERTO_BIN with args and the stack's environment (plus SAFE and
// env); { status, stdout, stderr, ms }. A command that has not ended after
// 10 s (a server started) is stopped and shows as status null.
function cli(args, env = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.env.CONCERTO_BIN, args, {
    input: '', encoding: 'utf8', timeout: 10_000, killSignal: 'SIGTERM', env: { ...process.env, ...SAFE, ...env },
  });
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const show = (args, r) => `concerto ${args.join(' ')}: status ${r.status} (${r.ms} ms)\nstdout: ${r.stdout.slice(0, 400)}\nstderr: ${r.stderr.slice(0, 400)}`;

// Asserts a help answer: exit 0, the usage of `what` on stdout, nothing on stderr.
function assertHelp(args, r, what) {
  assert.equal(r.status, 0, show(args, r));
  assert.ok(r.stdout.startsWith(`usage: concerto ${what}`), `usage of ${what} on stdout: ${show(args, r)}`);
  assert.equal(r.stderr, '', `nothing on stderr: ${show(args, r)}`);
}

// Asserts a refusal: exit 2, the reason naming `word` and the usage on stderr, nothing on stdout.
function assertRefused(args, r, word) {
  assert.equal(r.status, 2, show(args, r));
  assert.match(r.stderr, /^concerto[^\n]*: [^\n]+\n/, `the reason first: ${show(args, r)}`);
  assert.ok(r.stderr.split('\n')[0].includes(word), `the reason names ${word}: ${show(args, r)}`);
  assert.match(r.stderr, /usage: concerto /, `the usage on stderr: ${show(args, r)}`);
  assert.equal(r.stdout, '', `nothing on stdout: ${show(args, r)}`);
}

// ------------------------------------------------------- what would run

// A migrations directory holding the applied files and one more, pending:
// `migrate` would create the table cli_help_probe.
const sqlDir = join(scratch, 'sql');
function pendingMigration() {
  rmSync(sqlDir, { recursive: true, force: true });
  mkdirSync(sqlDir);
  for (const f of readdirSync(join(ROOT, 'sql'))) if (/^\d{3}_.*\.sql$/.test(f)) copyFileSync(join(ROOT, 'sql', f), join(sqlDir, f));
  writeFileSync(join(sqlDir, '999_cli_help_probe.sql'), 'CREATE TABLE cli_help_probe (x integer);\n');
  return { CONCERTO_SQL_DIR: sqlDir };
}
const probeMigrated = () => sql(`SELECT (to_regclass('cli_help_probe') IS NOT NULL
  OR EXISTS (SELECT FROM schema_migrations WHERE name = '999_cli_help_probe.sql')) AS migrated`)[0].migrated;

// The demo accounts and their password hashes (none in the test stack).
const demoAccounts = () => sql(`SELECT email, password_hash FROM accounts WHERE email LIKE '%@concerto.test' ORDER BY email`);

// An expired session, which `purge` would delete; returns its id.
async function expiredSession() {
  const a = await newAccount({ signIn: false });
  const t = randomBytes(16).toString('hex');
  sqlExec(`INSERT INTO sessions (token_hash, csrf_hash, account_id, expires_at)
    SELECT sha256(convert_to(:'t', 'UTF8')), sha256(convert_to(:'t', 'UTF8')), id, now() - interval '1 day'
    FROM accounts WHERE email = :'e'`, { t, e: a.email });
  return sql(`SELECT id FROM sessions WHERE token_hash = sha256(convert_to(:'t', 'UTF8'))`, { t })[0].id;
}
const sessionExists = (id) => sql('SELECT id FROM sessions WHERE id = :id', { id }).length === 1;

// A pending outbox message and a fake sendmail that `mail` would run.
async function pendingMail() {
  const { body, r } = await register(new Client());
  assert.equal(r.status, 202, r.text);
  const maildir = join(scratch, 'mail');
  const sendmail = join(scratch, 'sendmail');
  copyFileSync(FAKE_SENDMAIL, sendmail);
  chmodSync(sendmail, 0o755);
  return { email: body.email, env: { CONCERTO_SENDMAIL: sendmail, MAILDIR: maildir }, maildir };
}
const mailed = (m) => (existsSync(m.maildir) && readdirSync(m.maildir).length > 0) ||
  sql(`SELECT count(*)::int AS n FROM outbox WHERE recipient = :'e' AND sent_at IS NOT NULL`, { e: m.email })[0].n > 0;

// ----------------------------------------------------------------- tests

test('concerto --help, -h and help print the usage and every command on stdout, exit 0; no command is exit 2', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = cli(args);
    assertHelp(args, r, 'COMMAND');
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), `${c} is listed: ${show(args, r)}`);
    assert.match(r.stdout, /CONCERTO_PUBLIC_URL/, 'and the environment');
  }
  const none = cli([]);
  assert.equal(none.status, 2, show([], none));
  assert.match(none.stderr, /usage: concerto /);
  assert.equal(none.stdout, '');
});

test('concerto --version and version print the version and the commit built, exit 0', () => {
  for (const args of [['--version'], ['version']]) {
    const r = cli(args);
    assert.equal(r.status, 0, show(args, r));
    assert.match(r.stdout, /^concerto \d+\.\d+\.\d+ \((?:[0-9a-f]{12}(?:-dirty)?|unknown)\)\n$/, show(args, r));
    assert.equal(r.stderr, '');
  }
});

test('every command answers --help, -h and help COMMAND with its usage on stdout, exit 0', () => {
  for (const c of COMMANDS) {
    for (const args of [[c, '--help'], [c, '-h'], ['help', c]]) assertHelp(args, cli(args), c);
  }
  for (const [args, what] of VERBS) {
    for (const h of ['--help', '-h']) assertHelp([...args, h], cli([...args, h]), what);
  }
});

test('serve --help starts nothing: a quick exit, no socket, no pid file; the stack still answers', async () => {
  const before = statSync(SOCKET).ino;
  for (const h of ['--help', '-h']) {
    const r = cli(['serve', h]);
    assertHelp(['serve', h], r, 'serve');
    assert.ok(r.ms < 5000, `it returns at once (${r.ms} ms)`);
    assert.ok(!existsSync(SAFE.CONCERTO_SOCKET), 'no socket made');
    assert.ok(!existsSync(SAFE.CONCERTO_PIDFILE), 'no pid file made');
  }
  // The same with the stack's own socket and pid file.
  const r = cli(['serve', '--help'], { CONCERTO_SOCKET: SOCKET, CONCERTO_PIDFILE: PIDFILE });
  assertHelp(['serve', '--help'], r, 'serve');
  assert.equal(statSync(SOCKET).ino, before, 'the stack\'s socket is untouched');
  assert.equal((await get('/api/health')).status, 200);
});

test('migrate --help applies no migration', () => {
  const env = pendingMigration();
  for (const args of [['migrate', '--help'], ['migrate', '-h'], ['help', 'migrate']]) {
    assertHelp(args, cli(args, env), 'migrate');
    assert.equal(probeMigrated(), false, `${args.join(' ')} applied the pending migration`);
  }
});

test('demo --help creates or resets no demo account', () => {
  const before = demoAccounts();
  for (const args of [['demo', '--help'], ['demo', '-h']]) {
    const r = cli(args);
    assertHelp(args, r, 'demo');
    assert.doesNotMatch(r.stdout, /Demo accounts/, 'no passwords printed');
    assert.deepEqual(demoAccounts(), before, 'the demo accounts and their passwords are as they were');
  }
});

test('purge --help purges nothing', async () => {
  const id = await expiredSession();
  for (const args of [['purge', '--help'], ['purge', '-h']]) {
    const r = cli(args);
    assertHelp(args, r, 'purge');
    assert.ok(sessionExists(id), `the expired session is still there after ${args.join(' ')}`);
  }
});

test('mail --help sends nothing', async () => {
  const m = await pendingMail();
  for (const args of [['mail', '--help'], ['mail', '-h']]) {
    assertHelp(args, cli(args, m.env), 'mail');
    assert.equal(mailed(m), false, `${args.join(' ')} delivered the outbox`);
  }
});

test('user add --help and user role --help change no account', () => {
  const email = `cli-help-${Date.now()}@example.org`;
  for (const args of [
    ['user', 'add', '--email', email, '--role', 'admin', '--pseudonym', 'Cli Help', '--password-stdin', '--help'],
    ['user', 'role', '--email', email, '--role', 'admin', '-h'],
  ]) {
    assertHelp(args, cli(args), `user ${args[1]}`);
    assert.equal(sql(`SELECT id FROM accounts WHERE email = :'e'`, { e: email }).length, 0, `${args.join(' ')} made an account`);
  }
});

test('an unknown option or argument of a command that takes none is refused, exit 2, and nothing runs', async () => {
  const before = statSync(SOCKET).ino;
  const env = pendingMigration();
  const demo = demoAccounts();
  const id = await expiredSession();
  const m = await pendingMail();
  for (const c of ['serve', 'migrate', 'routes', 'demo', 'mail', 'purge', 'version']) {
    for (const [extra, word] of [['--bogus', '--bogus'], ['-x', '-x'], ['extra', 'extra']]) {
      const args = [c, extra];
      const r = cli(args, { ...env, ...m.env });
      assertRefused(args, r, word);
      assert.ok(r.ms < 5000, `${args.join(' ')} returns at once (${r.ms} ms)`);
    }
  }
  assert.ok(!existsSync(SAFE.CONCERTO_SOCKET), 'no server started');
  assert.equal(probeMigrated(), false, 'no migration applied');
  assert.deepEqual(demoAccounts(), demo, 'no demo account reset');
  assert.ok(sessionExists(id), 'nothing purged');
  assert.equal(mailed(m), false, 'nothing mailed');
  assert.equal(statSync(SOCKET).ino, before, 'the stack\'s socket is untouched');
});

test('concerto refuses an unknown option or command, exit 2', () => {
  for (const [args, word] of [
    [['--bogus'], '--bogus'], [['-x'], '-x'], [['bogus'], 'bogus'], [['help', 'bogus'], 'bogus'],
    [['help', 'serve', 'extra'], 'extra'], [['--version', 'extra'], 'extra'],
  ]) assertRefused(args, cli(args), word);
});

test('the commands with verbs refuse unknown verbs, options and arguments, exit 2', () => {
  const email = `cli-refused-${Date.now()}@example.org`;
  for (const [args, word] of [
    [['user'], 'missing'], [['user', 'frob'], 'frob'], [['user', '--bogus'], '--bogus'],
    [['user', 'add', '--bogus'], '--bogus'], [['user', 'add', '--email'], '--email'],
    [['user', 'add', '--email', email, '--pseudonym', 'Cli Refused', '--password-stdin', 'extra'], 'extra'],
    [['user', 'add', '--email', email, '--pseudonym', 'Cli Refused', '--password-stdin', '--role', 'king'], '--role'],
    [['user', 'role', '--email', email, '--role', 'admin', 'extra'], 'extra'], [['user', 'role', '-x'], '-x'],
    [['geo'], 'missing'], [['geo', 'frob'], 'frob'], [['geo', 'lookup'], 'missing'], [['geo', 'lookup', '192.0.2.1', 'extra'], 'extra'],
    [['geo', 'lookup', '--bogus'], '--bogus'], [['geo', 'population', 'idf-departements', 'extra'], 'extra'],
    [['geo', 'population', '--bogus'], '--bogus'], [['geo', 'population', 'load'], 'missing'],
    [['results'], 'missing'], [['results', 'frob'], 'frob'], [['results', 'recount'], 'missing'],
    [['results', 'recount', '1', '2'], '2'], [['results', 'recount', '--bogus'], '--bogus'],
    [['export'], 'missing'], [['export', 'frob', '1'], 'frob'], [['export', 'results'], 'missing'],
    [['export', 'results', '1', '2'], '2'], [['export', 'results', '1', '--bogus'], '--bogus'],
    [['export', 'results', '1', '--format'], '--format'], [['export', 'results', '1', '--format', 'xml'], '--format'],
    [['import'], 'missing'], [['import', 'frob', 'x.json'], 'frob'], [['import', 'consultation'], 'missing'],
    [['import', 'consultation', 'a.json', 'b.json'], 'b.json'], [['import', 'consultation', '--bogus'], '--bogus'],
    [['dev'], 'missing'], [['dev', 'frob'], 'frob'], [['dev', '--bogus'], '--bogus'],
    [['dev', 'generate', '--bogus'], '--bogus'], [['dev', 'generate', '--seed'], '--seed'],
    [['dev', 'generate', 'extra'], 'extra'], [['dev', 'generate', '--accounts', '0'], '--accounts'],
    [['secrets'], 'missing'], [['secrets', 'frob'], 'frob'], [['secrets', '--bogus'], '--bogus'],
    [['secrets', 'seal', 'extra'], 'extra'], [['secrets', 'rotate', '--bogus'], '--bogus'],
  ]) assertRefused(args, cli(args, { CONCERTO_SQL_DIR: sqlDir }), word);
  assert.equal(sql(`SELECT id FROM accounts WHERE email = :'e'`, { e: email }).length, 0, 'no account made');
});

// Issue 15: a refusal names the field and the values it takes; a conflict
// says which rule refused (the address, the pseudonym), not always "taken".
test('user add names what is wrong: a profile among the six, an address or a pseudonym already used', () => {
  const stamp = Date.now();
  const email = `cli-profile-${stamp}@example.org`;
  const args = ['user', 'add', '--email', email, '--pseudonym', `Cli Profile ${stamp}`, '--password-stdin', '--profile', 'alien'];
  const r = cli(args);
  assertRefused(args, r, '--profile');
  for (const p of ['patient', 'carer', 'citizen', 'health_professional', 'researcher', 'other']) {
    assert.ok(r.stderr.split('\n')[0].includes(p), `the refusal lists ${p}: ${show(args, r)}`);
  }
  assert.equal(sql(`SELECT id FROM accounts WHERE email = :'e'`, { e: email }).length, 0, 'no account made');

  const add = (mail, pseudonym) => spawnSync(process.env.CONCERTO_BIN,
    ['user', 'add', '--email', mail, '--pseudonym', pseudonym, '--password-stdin', '--profile', 'carer'],
    { input: `Cli-conflict-${stamp}-long enough\n`, encoding: 'utf8', env: { ...process.env, ...SAFE } });
  const first = add(email, `Cli Carer ${stamp}`);
  assert.equal(first.status, 0, `a carer is added: ${first.stderr}`);
  assert.equal(sql(`SELECT profile FROM accounts WHERE email = :'e'`, { e: email })[0].profile, 'carer');
  const again = add(email, `Cli Other ${stamp}`);
  assert.equal(again.status, 1, again.stderr);
  assert.match(again.stderr, /already has an account/, `the address is the conflict: ${again.stderr}`);
  const taken = add(`cli-other-${stamp}@example.org`, `Cli Carer ${stamp}`);
  assert.equal(taken.status, 1, taken.stderr);
  assert.match(taken.stderr, /pseudonym .* (is taken|is already used)/, `the pseudonym is the conflict: ${taken.stderr}`);
});

test('geo population refuses a scheme it does not know, naming the schemes, exit 2', () => {
  const args = ['geo', 'population', 'nope'];
  const r = cli(args);
  assertRefused(args, r, 'nope');
  assert.ok(r.stderr.split('\n')[0].includes('idf-departements') && r.stderr.split('\n')[0].includes('fr-regions'),
    `the refusal names the schemes: ${show(args, r)}`);
  const known = cli(['geo', 'population', 'idf-departements']);
  assert.equal(known.status, 0, show(['geo', 'population', 'idf-departements'], known));
  assert.match(known.stdout, /^idf-departements: /, 'a known scheme lists its populations, or says none is loaded');
});

// ------------------------------------------------- migrations and licences

// The applied migrations copied into dir, 001's text given by edit.
function migrationsWith(dir, edit) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const f of readdirSync(join(ROOT, 'sql'))) if (/^\d{3}_.*\.sql$/.test(f)) copyFileSync(join(ROOT, 'sql', f), join(dir, f));
  const first = readdirSync(dir).sort()[0];
  writeFileSync(join(dir, first), edit(readFileSync(join(dir, first), 'utf8')));
  return { CONCERTO_SQL_DIR: dir, first };
}

test('migrate: an applied migration that gains or loses its SPDX line is still in place; one whose text changed is refused', () => {
  const tag = '-- SPDX-License-Identifier: AGPL-3.0-or-later\n';
  const toggled = migrationsWith(join(scratch, 'sql-spdx'), (t) => (t.startsWith(tag) ? t.slice(tag.length) : tag + t));
  let r = cli(['migrate'], toggled);
  assert.equal(r.status, 0, show(['migrate'], r));
  assert.match(r.stdout, / 0 applied, \d+ already in place/, show(['migrate'], r));
  const changed = migrationsWith(join(scratch, 'sql-changed'), (t) => `${t}\n-- one more line\n`);
  r = cli(['migrate'], changed);
  assert.notEqual(r.status, 0, show(['migrate'], r));
  assert.match(r.stderr, new RegExp(`${changed.first} changed after it was applied; write a new migration instead`), show(['migrate'], r));
});
