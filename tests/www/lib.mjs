// SPDX-License-Identifier: AGPL-3.0-or-later
// The browser tests' library: Debian's chromium driven by playwright-core
// against the real stack (nginx serving www/, the workers, PostgreSQL),
// axe-core on every page, screenshots for a person to look at, and ways
// to put a page in a state (a signed-in account, a language, a width).
// The HTTP suite's library (tests/http/lib/) makes the data (accounts,
// consultations, comments) through the API, as a user's actions would.
//
// Node 18: built-in modules and the two pinned packages of tests/package.json.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BASE, ROOT, SESSION, VAR } from '../http/lib/paths.mjs';
import { noteWrite, settle } from '../http/lib/freshness.mjs';
import { secret } from '../http/lib/logs.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const SHOTS = `${VAR}-reports/screenshots`;
mkdirSync(SHOTS, { recursive: true });

// The pages' message catalogues (www/i18n/*.json), by language.
export const I18N = {
  fr: JSON.parse(readFileSync(`${ROOT}/www/i18n/fr.json`, 'utf8')),
  en: JSON.parse(readFileSync(`${ROOT}/www/i18n/en.json`, 'utf8')),
};

let browserP;

// The one browser of a test file (closed by closeBrowser() in an after()).
export function browser() {
  browserP ||= chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return browserP;
}

export async function closeBrowser() {
  if (browserP) await (await browserP).close();
  browserP = undefined;
}

// A new page (its own context: cookies, storage) in lang ('fr' or 'en'),
// width x height CSS pixels (zoom: device scale, e.g. 2 for 200%).
// page.problems collects what a user should never meet: JavaScript errors,
// console errors, dialogs (alert() from injected script).
export async function newPage({ lang = 'fr', width = 1024, height = 800, zoom = 1 } = {}) {
  const b = await browser();
  const context = await b.newContext({
    locale: lang === 'en' ? 'en-GB' : 'fr-FR',
    extraHTTPHeaders: { 'Accept-Language': lang === 'en' ? 'en-GB,en;q=0.9' : 'fr-FR,fr;q=0.9' },
    viewport: { width: Math.round(width / zoom), height: Math.round(height / zoom) },
    deviceScaleFactor: zoom,
    baseURL: BASE,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.problems = [];
  // What the page writes counts as the test's own writes: a read after it
  // waits for the caches to turn (../http/lib/freshness.mjs).  Noted when
  // the request leaves and when its answer comes (the worker commits before
  // it answers), not when Chromium reports it finished: that is only once
  // the page has read a body, so a DELETE answered 204 was never reported,
  // and a read in the same second as the read before it got the cached
  // comment back, not the tombstone (a CI failure).
  const write = (r) => r.method() !== 'GET' && r.method() !== 'HEAD';
  page.on('request', (r) => { if (write(r)) noteWrite(); });
  page.on('response', (r) => { if (write(r.request())) noteWrite(); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (4\d\d)/.test(m.text())) {
      page.problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('dialog', async (d) => { page.problems.push(`dialog: ${d.type()} ${d.message()}`); await d.dismiss(); });
  return page;
}

// Goes to path and waits until the page's module has drawn it
// (<main> gets aria-busy="false" when a page has finished loading); after
// a write of the test's own in this second, from the next second, when no
// cache holds an answer older than the write (../http/lib/freshness.mjs).
export async function open(page, path) {
  await settle();
  const r = await page.goto(path, { waitUntil: 'load' });
  await page.waitForSelector('main[aria-busy="false"]', { timeout: 10000 });
  return r;
}

// Signs the page's context in as account ({ email, password }) with the
// page's own fetch, as the sign-in page does: the browser keeps the cookie,
// the page's storage the CSRF token and the account.  The page must be on
// the site first (any page: open(page, '/')).
export async function signIn(page, account, extra = {}) {
  secret(account.password);
  const addr = account.client?.addr || '2001:db8:ffff::1';
  const { status, body } = await page.evaluate(async ({ email, password, extra, addr, path }) => {
    const r = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': addr },
      body: JSON.stringify({ email, password, ...extra }),
    });
    const body = await r.json();
    if (r.ok) {
      localStorage.setItem('concerto.session', JSON.stringify({
        csrf: body.csrf_token, id: body.account.id, pseudonym: body.account.pseudonym,
        role: body.account.role, language: body.account.language, second_factor: body.second_factor,
      }));
    }
    return { status: r.status, body };
  }, { email: account.email, password: account.password, extra, addr, path: SESSION });
  assert.equal(status, 200, `sign-in: ${status} ${JSON.stringify(body)}`);
  secret(body.csrf_token);
  return body;
}

// axe-core on the page as it is now: no violation of impact serious or
// critical (WCAG 2.1 A and AA rules, and axe's best practices).
export async function assertAccessible(page, what = page.url()) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [],
    `axe on ${what}`);
}

// No horizontal scroll (320 px, 200% zoom).
export async function assertNoHorizontalScroll(page, what = page.url()) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw + 1, `${what}: no horizontal scroll (scrollWidth ${sw}, clientWidth ${cw})`);
}

// A full-page screenshot under the test output, for a person to look at.
export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

// Presses Tab until the focus is on an element matching sel; fails after
// `tries` presses.
export async function tabTo(page, sel, tries = 80) {
  for (let i = 0; i < tries; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), sel)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${sel}`);
}

// Focuses an element and presses a key on it, as the keyboard alone would.
export async function press(locator, key = 'Enter') {
  await locator.focus();
  await locator.page().keyboard.press(key);
}

// Nothing went wrong that a user would meet (errors, dialogs).
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'no JavaScript error, console error or dialog');
}

// Every page and its clean URL, for the tests that visit them all.
export const PAGES = {
  home: '/',
  register: '/register',
  signin: '/signin',
  reset: '/reset',
  account: '/account',
  notifications: '/notifications',
  accessibility: '/accessibility',
  privacy: '/privacy',
  support: '/support',
  notFound: '/no-such-page',
};
