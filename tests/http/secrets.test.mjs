// SPDX-License-Identifier: AGPL-3.0-or-later
// Secrets at rest (issue 15, item 6): TOTP secrets are sealed with
// AES-256-GCM under CONCERTO_SECRET_KEY_FILE, bound to their account; the
// database holds neither the base32 secret nor its bytes, even for its
// owner role. `concerto secrets rotate` seals them all again under the
// current key, opening them with it or with CONCERTO_SECRET_KEY_OLD_FILE;
// `concerto secrets seal` seals the secrets that sql/021 left in clear. A
// secret this server cannot open is a clear 503, never a crash.
//
// Node 18: only built-in modules.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, get, newNet } from './lib/client.mjs';
import { accountRow, concerto, sql, sqlExec } from './lib/db.mjs';
import { leaksInLogs, secret } from './lib/logs.mjs';
import {
  base32Decode, newAccount, newEmail, newPassword, newPseudonym, newStaff, totp, userAdd,
} from './lib/accounts.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'concerto-secrets-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const STACK_KEY = process.env.CONCERTO_SECRET_KEY_FILE;

// A new key file of 64 hex digits, mode 0600; its path.
function keyFile(name, mode = 0o600) {
  const path = join(scratch, name);
  writeFileSync(path, `${randomBytes(32).toString('hex')}\n`);
  chmodSync(path, mode);
  return path;
}

// The sealed column of an account, as bytes (null when none).
function sealedOf(email) {
  const [row] = sql(`SELECT encode(totp_sealed, 'hex') AS h FROM accounts WHERE email = lower(:'e')`, { e: email });
  return row.h === null ? null : Buffer.from(row.h, 'hex');
}

// Asserts that nothing the database keeps of the account holds the secret:
// not its base32 text, not its bytes (in hex, or any 5-byte run of them).
function assertNoSecretStored(email, b32) {
  const bytes = base32Decode(b32);
  const row = JSON.stringify(sql(`SELECT a.*, encode(a.totp_sealed, 'hex') AS sealed_hex FROM accounts a WHERE email = lower(:'e')`, { e: email })[0]);
  assert.ok(!row.toUpperCase().includes(b32), 'the base32 secret is not in the account row');
  assert.ok(!row.includes(bytes.toString('hex')), 'the secret\'s bytes (hex) are not in the account row');
  const sealed = sealedOf(email);
  assert.ok(sealed, 'a sealed secret is stored');
  assert.equal(sealed[0], 1, 'version 1');
  assert.equal(sealed.length, 1 + 1 + 12 + bytes.length + 16, 'version, key id, nonce, ciphertext, tag');
  for (let i = 0; i + 5 <= bytes.length; i++) {
    assert.equal(sealed.indexOf(bytes.subarray(i, i + 5)), -1, `no run of the secret's bytes at ${i}`);
  }
  const plain = sql(`SELECT column_name FROM information_schema.columns
    WHERE table_name = 'accounts' AND column_name = 'totp_secret'`);
  assert.deepEqual(plain, [], 'no column of secrets in clear');
}

// `concerto user add` of a moderator with env; what userAdd returns.
function addModerator(env) {
  const s = { email: newEmail('moderator'), pseudonym: newPseudonym('Mod'), password: newPassword(), role: 'moderator' };
  return { ...s, ...userAdd({ ...s, env }), client: new Client(newNet().addr()) };
}

// A moderator whose secret `concerto user add` sealed under the key file `key`.
function staffUnder(key) {
  const s = addModerator({ CONCERTO_SECRET_KEY_FILE: key });
  assert.equal(s.status, 0, `user add: ${s.stdout}\n${s.stderr}`);
  return s;
}

// RFC 4648 base32 without padding, as the service writes secrets.
function base32(bytes) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alpha[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alpha[(acc << (5 - bits)) & 31];
  return out;
}

// Runs one query as the role of conninfo; psql's output and errors.
function psqlAs(conninfo, query) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-d', conninfo, '-c', query], { encoding: 'utf8', timeout: 30000 });
  return `${r.stdout}${r.stderr}`;
}

test('a secret enrolled by user add is stored sealed, and a TOTP code signs in', async () => {
  const s = newStaff();
  assertNoSecretStored(s.email, s.totpSecret);
  const r = await s.client.signIn(s.email, s.password, { totp: totp(s.totpSecret) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.second_factor, 'verified');
});

test('a secret enrolled at sign-in is stored sealed, and its first code confirms it', async () => {
  const p = await newAccount();
  const out = concerto(['user', 'role', '--email', p.email, '--role', 'moderator']);
  assert.equal(out.status, 0, out.stderr);
  const c = new Client(p.client.addr);
  const r = await c.signIn(p.email, p.password);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.second_factor, 'enrol');
  const b32 = secret(r.json.enrolment.secret);
  r.json.enrolment.recovery_codes.forEach(secret);
  assertNoSecretStored(p.email, b32);
  const v = await c.secondFactor({ totp: totp(b32) });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.second_factor, 'verified');
});

test('two accounts never share a sealed form, and a sealed secret copied to another account does not open', async () => {
  const a = newStaff();
  const b = newStaff();
  assert.notDeepEqual(sealedOf(a.email), sealedOf(b.email));
  // b's row given a's sealed secret: a's codes must not work for b.
  sqlExec(`UPDATE accounts SET totp_sealed = (SELECT totp_sealed FROM accounts WHERE email = lower(:'a'))
    WHERE email = lower(:'b')`, { a: a.email, b: b.email });
  const r = await b.client.signIn(b.email, b.password, { totp: totp(a.totpSecret) });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.code, 'second_factor_unavailable');
  assert.equal((await get('/api/health')).status, 200, 'the service still answers');
  // b has no second factor any more: the rotations below skip it.
  sqlExec(`UPDATE accounts SET totp_sealed = NULL, totp_enabled_at = NULL WHERE email = lower(:'b')`, { b: b.email });
});

test('a secret sealed under a key the server does not hold: a clear 503, recovery codes still work, and the service lives', async () => {
  const k0 = keyFile('k0.key');
  const s = staffUnder(k0);
  const r = await s.client.signIn(s.email, s.password, { totp: totp(s.totpSecret) });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.code, 'second_factor_unavailable');
  assert.match(r.json.error.message, /key/);
  assert.equal((await get('/api/health')).status, 200, 'the service still answers');
  const log = readFileSync(`${process.env.CONCERTO_VAR}/log/concerto.log`, 'utf8');
  assert.match(log, new RegExp(`account ${accountRow(s.email).id}: its secret is sealed under a key this server does not hold`));
  const rc = await new Client(newNet().addr()).signIn(s.email, s.password, { recovery_code: s.codes[0] });
  assert.equal(rc.status, 200, rc.text);
  assert.equal(rc.json.second_factor, 'verified');
  // Made good by a rotation that is given k0 as the previous key.
  const rot = concerto(['secrets', 'rotate'], { env: { CONCERTO_SECRET_KEY_OLD_FILE: k0 } });
  assert.equal(rot.status, 0, rot.stderr);
  const ok = await new Client(newNet().addr()).signIn(s.email, s.password, { totp: totp(s.totpSecret) });
  assert.equal(ok.status, 200, ok.text);
});

test('secrets rotate seals every secret again under the current key, opening them with the old one; sign-in still works', async () => {
  const k0 = keyFile('k0-rotate.key');
  const moved = staffUnder(k0);
  const kept = newStaff();
  const before = { moved: sealedOf(moved.email), kept: sealedOf(kept.email) };
  const n = Number(sql('SELECT count(*) AS n FROM accounts WHERE totp_sealed IS NOT NULL')[0].n);

  const r = concerto(['secrets', 'rotate'], { env: { CONCERTO_SECRET_KEY_OLD_FILE: k0 } });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, new RegExp(`re-sealed ${n} TOTP secrets under key id [0-9a-f]{2} \\(1 opened with the previous key, ${n - 1} with the current one\\)`));
  const after1 = { moved: sealedOf(moved.email), kept: sealedOf(kept.email) };
  assert.notDeepEqual(after1.moved, before.moved, 'the stored bytes changed');
  assert.notDeepEqual(after1.kept, before.kept, 'sealed again with a new nonce');
  assert.equal(after1.moved[1], after1.kept[1], 'both under the current key\'s id');
  assert.equal(after1.kept[1], before.kept[1], 'the current key is the stack\'s');
  assertNoSecretStored(moved.email, moved.totpSecret);

  const a = await moved.client.signIn(moved.email, moved.password, { totp: totp(moved.totpSecret) });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.second_factor, 'verified');
  const b = await kept.client.signIn(kept.email, kept.password, { totp: totp(kept.totpSecret) });
  assert.equal(b.status, 200, b.text);

  // Again: nothing left under the old key; harmless.
  const again = concerto(['secrets', 'rotate'], { env: { CONCERTO_SECRET_KEY_OLD_FILE: k0 } });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /\(0 opened with the previous key/);
});

test('secrets rotate without the key a secret is sealed under changes nothing and names the account, exit 1', async () => {
  const k0 = keyFile('k0-lost.key');
  const lost = staffUnder(k0);
  const other = newStaff();
  const before = sql(`SELECT id, encode(totp_sealed, 'hex') AS h FROM accounts WHERE totp_sealed IS NOT NULL ORDER BY id`);
  const r = concerto(['secrets', 'rotate']);
  assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`account ${accountRow(lost.email).id} is sealed under neither key`));
  assert.match(r.stderr, /nothing changed: 1 of \d+ TOTP secrets open with neither key/);
  assert.deepEqual(sql(`SELECT id, encode(totp_sealed, 'hex') AS h FROM accounts WHERE totp_sealed IS NOT NULL ORDER BY id`), before,
    'one transaction: no secret was sealed again');
  const s = await other.client.signIn(other.email, other.password, { totp: totp(other.totpSecret) });
  assert.equal(s.status, 200, s.text);
  // Leave nothing the next runs cannot open.
  assert.equal(concerto(['secrets', 'rotate'], { env: { CONCERTO_SECRET_KEY_OLD_FILE: k0 } }).status, 0);
});

test('a secret left in clear by sql/021 cannot be used nor replaced until secrets seal seals it', async () => {
  const s = newStaff();
  const raw = randomBytes(20);
  const b32 = secret(base32(raw));
  const id = accountRow(s.email).id;
  sqlExec(`UPDATE accounts SET totp_sealed = NULL, totp_last_step = 0 WHERE id = :id`, { id });
  sqlExec(`INSERT INTO totp_unsealed (account_id, secret) VALUES (:id, decode(:'h', 'hex'))`, { id, h: raw.toString('hex') });
  const app = psqlAs(process.env.CONCERTO_DB, 'SELECT count(*) FROM totp_unsealed');
  assert.match(app, /permission denied/, 'the application role cannot read the secrets in clear');

  const waiting = await s.client.signIn(s.email, s.password, { totp: totp(b32) });
  assert.equal(waiting.status, 503, waiting.text);
  assert.equal(waiting.json.error.code, 'second_factor_unavailable');
  const noCode = await new Client(newNet().addr()).signIn(s.email, s.password);
  assert.equal(noCode.json?.second_factor, 'required', `no new enrolment in its place: ${noCode.text}`);

  const r = concerto(['secrets', 'seal']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sealed 1 TOTP secrets under key id [0-9a-f]{2}/);
  assert.equal(Number(sql('SELECT count(*) AS n FROM totp_unsealed')[0].n), 0, 'nothing left in clear');
  assertNoSecretStored(s.email, b32);
  const ok = await new Client(newNet().addr()).signIn(s.email, s.password, { totp: totp(b32) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.second_factor, 'verified');
  const again = concerto(['secrets', 'seal']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /sealed 0 TOTP secrets/);
});

test('the key file: readable by its owner only; serve and user add refuse a missing or exposed one, naming the setting', () => {
  assert.ok(STACK_KEY, 'the stack names its key file');
  const st = statSync(STACK_KEY);
  assert.equal(st.mode & 0o077, 0, 'mode 0600');
  assert.equal(st.uid, process.getuid(), 'owned by the user who runs the service');
  assert.match(readFileSync(STACK_KEY, 'utf8'), /^[0-9a-f]{64}\n$/, '64 hex digits');

  const exposed = keyFile('exposed.key', 0o644);
  const env = { CONCERTO_SOCKET: join(scratch, 'never.sock'), CONCERTO_PIDFILE: '' };
  const r = concerto(['serve'], { env: { ...env, CONCERTO_SECRET_KEY_FILE: exposed } });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /CONCERTO_SECRET_KEY_FILE: .*readable by others than its owner/);
  const none = concerto(['serve'], { env: { ...env, CONCERTO_SECRET_KEY_FILE: '' } });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /CONCERTO_SECRET_KEY_FILE is not set/);
  const short = join(scratch, 'short.key');
  writeFileSync(short, 'abcd\n');
  chmodSync(short, 0o600);
  const bad = concerto(['serve'], { env: { ...env, CONCERTO_SECRET_KEY_FILE: short } });
  assert.match(bad.stderr, /64 hexadecimal digits/);
  const oldMissing = concerto(['secrets', 'rotate'], { env: { CONCERTO_SECRET_KEY_OLD_FILE: join(scratch, 'absent.key') } });
  assert.equal(oldMissing.status, 1);
  assert.match(oldMissing.stderr, /CONCERTO_SECRET_KEY_OLD_FILE: .*absent\.key/);

  const u = addModerator({ CONCERTO_SECRET_KEY_FILE: '' });
  assert.equal(u.status, 1, u.stderr);
  assert.match(u.stderr, /CONCERTO_SECRET_KEY_FILE is not set/);
});

test('no password, secret or client address of this file reaches the logs', () => {
  assert.deepEqual(leaksInLogs(), []);
});
