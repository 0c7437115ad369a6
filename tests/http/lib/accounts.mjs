// SPDX-License-Identifier: AGPL-3.0-or-later
// Accounts to test with: unique e-mails, pseudonyms and passwords, registrations,
// verified participants and staff (concerto user add, TOTP), signed in on a Client.
//
// A TOTP code works once per account: each staff account of staffClient()
// signs in once and its Client is kept. Hashing is limited on the server
// (503 busy beyond a few sign-ins at once), so participant() and
// staffClient() retry on 503 and participants() makes three at a time.
// Node 18: only built-in modules.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { show } from './assert.mjs';
import { Client, newNet } from './client.mjs';
import { accountRow, concerto, outboxToken } from './db.mjs';
import { secret, trackEmail } from './logs.mjs';
import { ACCOUNTS, VERIFY } from './paths.mjs';
import { pool, sleep, suffix } from './util.mjs';

// ---------------------------------------------------------- unique things

export const newEmail = (tag = 'user') => trackEmail(`${tag}-${suffix()}@example.org`);

export const newPseudonym = (tag = 'P') => `${tag} ${suffix()}`;

// A strong password nobody else uses (some non-ASCII, to check the bytes
// go through untouched).
export const newPassword = () => secret(`Pw-${randomBytes(12).toString('base64url')}-é`);

// ---------------------------------------------------------- registration

export function registration(overrides = {}) {
  return {
    email: newEmail(),
    password: newPassword(),
    pseudonym: newPseudonym(),
    profile: 'citizen',
    postcode: '75011',
    interests_declared: false,
    interests_text: null,
    language: 'fr',
    accept_terms: true,
    ...overrides,
  };
}

export async function register(client, overrides = {}) {
  const body = registration(overrides);
  secret(body.password);
  const r = await client.post(ACCOUNTS, body, { csrf: false });
  return { body, r };
}

// A registered account (verified unless verified: false), with a client
// signed in from a network of its own unless signIn: false.
export async function newAccount({ verified = true, signIn = true, ...overrides } = {}) {
  const client = new Client();
  const { body, r } = await register(client, overrides);
  assert.equal(r.status, 202, `registration: ${r.status} ${r.text.slice(0, 300)}`);
  if (verified) {
    const v = await client.post(VERIFY, { token: outboxToken(body.email, 'verify') }, { csrf: false });
    assert.equal(v.status, 200, `verification: ${v.status} ${v.text}`);
  }
  if (signIn) await client.mustSignIn(body.email, body.password);
  return { ...body, client };
}

// Another session of account a ({ email, password }), from another network.
export async function secondSession(a) {
  const c = new Client(newNet().addr());
  await c.mustSignIn(a.email, a.password);
  return c;
}

// Calls fn() again while it answers 503 (hashing busy), a few times.
async function retryBusy(fn, what) {
  let r;
  for (let i = 0; i < 40; i++) {
    r = await fn();
    if (r.status !== 503) return r;
    await sleep(150 + i * 50);
  }
  assert.fail(`${what}: still 503 busy after 40 tries: ${show(r)}`);
}

// -------------------------------------------------------------- participants

// A registered participant (verified unless verified: false), signed in
// from a network of its own. overrides go to the registration (profile,
// interests_declared...); patient and carer profiles get the health-data
// consent they need. Returns { ...registration, client, id }.
export async function participant({ verified = true, ...overrides } = {}) {
  const client = new Client(newNet().addr());
  if ((overrides.profile === 'patient' || overrides.profile === 'carer') && overrides.health_data_consent === undefined) {
    overrides.health_data_consent = true;
  }
  if (overrides.interests_declared && overrides.interests_text === undefined) {
    overrides.interests_text = 'Consultant pour un laboratoire pharmaceutique';
  }
  let body;
  const r = await retryBusy(async () => {
    const x = await register(client, overrides);
    body = x.body;
    return x.r;
  }, 'registration');
  assert.equal(r.status, 202, `registration: ${show(r)}`);
  if (verified) {
    const v = await client.post(VERIFY, { token: outboxToken(body.email, 'verify') }, { csrf: false });
    assert.equal(v.status, 200, `verification: ${show(v)}`);
  }
  const s = await retryBusy(() => client.signIn(body.email, body.password), 'sign-in');
  assert.equal(s.status, 200, `sign-in of ${body.email}: ${show(s)}`);
  return { ...body, client, id: Number(s.json?.account?.id ?? accountRow(body.email).id) };
}

// n participants, made three at a time; overrides is an object or a
// function of the index.
export function participants(n, overrides = {}) {
  return pool(Array.from({ length: n }, (_, i) => i), 3,
    (i) => participant(typeof overrides === 'function' ? overrides(i) : { ...overrides }));
}

// ------------------------------------------------------------------ staff

// `concerto user add` for a verified account; returns what it printed and,
// for staff, the TOTP secret and recovery codes parsed from it.
export function userAdd({ email, role = 'participant', pseudonym, password, profile, env = {} } = {}) {
  secret(password);
  const args = ['user', 'add', '--email', email, '--role', role, '--pseudonym', pseudonym, '--password-stdin'];
  if (profile) args.push('--profile', profile);
  const r = concerto(args, { input: `${password}\n`, env });
  const uri = /otpauth:\/\/totp\/\S+/.exec(r.stdout)?.[0];
  const totpSecret = uri ? new URL(uri).searchParams.get('secret') : undefined;
  let codes = [];
  const m = /recovery codes[^\n]*\n([^\n]+)/i.exec(r.stdout);
  if (m) codes = m[1].trim().split(/\s+/);
  secret(totpSecret);
  codes.forEach(secret);
  return { ...r, uri, totpSecret, codes };
}

// A moderator or admin made with `concerto user add` (asserted to succeed),
// not signed in: { email, pseudonym, password, role, ...what userAdd
// returned (totpSecret, codes), client } with a Client of its own network.
export function newStaff(role = 'moderator', pseudonym = newPseudonym(role === 'admin' ? 'Admin' : 'Mod')) {
  const s = { email: newEmail(role), pseudonym, password: newPassword(), role };
  const out = userAdd(s);
  assert.equal(out.status, 0, `user add ${role}: ${out.status}\n${out.stdout}\n${out.stderr}`);
  return { ...s, ...out, client: new Client(newNet().addr()) };
}

// A moderator or admin (newStaff) signed in once with a TOTP code (second
// factor verified). Returns newStaff's object with the account's id.
export async function staffClient(role = 'moderator') {
  const s = newStaff(role);
  assert.ok(s.totpSecret, `user add prints an otpauth URI:\n${s.stdout}`);
  const r = await retryBusy(() => s.client.signIn(s.email, s.password, { totp: totp(s.totpSecret) }), `sign-in of ${role}`);
  assert.equal(r.status, 200, `sign-in of ${role} ${s.email}: ${show(r)}`);
  assert.equal(r.json.second_factor, 'verified', `second factor of ${role}: ${show(r)}`);
  return { ...s, id: Number(accountRow(s.email).id) };
}

// One admin and one moderator per test file, made at first use.
let adminP;
let moderatorP;
export const admin = () => (adminP ||= staffClient('admin'));
export const moderator = () => (moderatorP ||= staffClient('moderator'));

// ------------------------------------------------------------------ TOTP

export function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out = [];
  let bits = 0;
  let acc = 0;
  for (const c of s.replace(/[=\s]/g, '').toUpperCase()) {
    const v = alpha.indexOf(c);
    assert.ok(v >= 0, `a base32 character: ${c}`);
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 with HMAC-SHA1: the code of time t (seconds) for a key (a
// base32 string or bytes).
export function totp(key, t = Date.now() / 1000, { step = 30, digits = 6 } = {}) {
  const k = typeof key === 'string' ? base32Decode(key) : key;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / step)));
  const h = createHmac('sha1', k).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  const bin = h.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}
