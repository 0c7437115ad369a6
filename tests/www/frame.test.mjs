// SPDX-License-Identifier: AGPL-3.0-or-later
// The frame of every page (issue 12): each clean URL serves its page (a
// deep link and a reload work, an unknown path is the 404 page with its
// status), one h1, a skip link to <main>, the language switch on every
// page keeps the page, French by default and English from the browser's
// languages, no serious or critical axe violation in either language, no
// horizontal scroll at 320 px, a <noscript> that gives the assisted way,
// and both catalogues holding the same keys.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ROOT } from '../http/lib/paths.mjs';
import { newAccount } from '../http/lib/accounts.mjs';
import {
  I18N, PAGES, assertAccessible, assertNoHorizontalScroll, assertNoProblems, closeBrowser, newPage, open, shot,
  signIn,
} from './lib.mjs';

after(closeBrowser);

const { fr, en } = I18N;

test('the French and English catalogues hold the same keys, none empty', () => {
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const [k, v] of [...Object.entries(fr), ...Object.entries(en)]) assert.ok(typeof v === 'string' && v.trim(), `${k} has a text`);
});

test('every data-i18n key of every page is in the catalogues, and no page uses innerHTML', () => {
  const html = readdirSync(`${ROOT}/www`).filter((f) => f.endsWith('.html'));
  for (const f of html) {
    const text = readFileSync(`${ROOT}/www/${f}`, 'utf8');
    for (const [, key] of text.matchAll(/data-i18n="([^"]+)"/g)) assert.ok(key in fr, `${f}: ${key} in the catalogues`);
    for (const [, pairs] of text.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const p of pairs.split(/\s+/)) assert.ok(p.split(':')[1] in fr, `${f}: ${p} in the catalogues`);
    }
  }
  const js = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? js(`${dir}/${d.name}`) : d.name.endsWith('.js') ? [`${dir}/${d.name}`] : []));
  for (const f of js(`${ROOT}/www/js`)) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, `${f} puts no HTML string in the page`);
    for (const [, key] of text.matchAll(/\bt[p]?\('([a-z0-9_.]+)'/g)) {
      assert.ok(key in fr || `${key}.other` in fr, `${f}: t('${key}') is in the catalogues`);
    }
  }
});

// Visible text of the page that is a French catalogue text different from
// its English one: untranslated text on an English page.
async function frenchLeft(page) {
  const visible = await page.evaluate(() => document.body.innerText);
  const leftovers = [];
  for (const [k, v] of Object.entries(fr)) {
    if (v === en[k] || v.length < 12 || /\{/.test(v)) continue;
    if (visible.includes(v)) leftovers.push(`${k}: ${v}`);
  }
  return leftovers;
}

for (const [name, path] of Object.entries(PAGES)) {
  test(`${name} (${path}): served at its clean URL, framed, accessible in French and English, keyboard first`, async () => {
    for (const lang of ['fr', 'en']) {
      const page = await newPage({ lang });
      const r = await open(page, path);
      assert.equal(r.status(), name === 'notFound' ? 404 : 200, `${path} status`);
      assert.equal(await page.getAttribute('html', 'lang'), lang, 'the language follows the browser');
      assert.equal(await page.locator('h1').count(), 1, 'one h1');
      assert.ok((await page.title()).endsWith('— Concerto'), `a title: ${await page.title()}`);
      assert.equal(await page.locator('main#main').count(), 1);
      assert.equal(await page.locator('header#site-header nav').count() >= 1, true, 'a navigation in the header');
      assert.equal(await page.locator('noscript').count(), 1, 'a <noscript> for browsers without JavaScript');
      // The first Tab reaches the skip link, which leads to the content.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves the focus to <main>');
      if (lang === 'en') assert.deepEqual(await frenchLeft(page), [], 'no French left on the English page');
      await assertAccessible(page, `${path} (${lang})`);
      await shot(page, `frame-${name}-${lang}`);
      assertNoProblems(page);
      await page.context().close();
    }
  });
}

test('signed in, every page keeps its frame and passes axe, in French and English', async () => {
  const who = await newAccount();
  for (const lang of ['fr', 'en']) {
    // The language follows the account.
    assert.equal((await who.client.patch('/api/v1/me', { language: lang })).status, 200);
    const page = await newPage({ lang: lang === 'fr' ? 'en' : 'fr' });
    await open(page, '/404.html');
    await signIn(page, who);
    await open(page, '/');
    assert.equal(await page.getAttribute('html', 'lang'), lang, 'the account\'s language, not the browser\'s');
    for (const [name, path] of Object.entries(PAGES)) {
      await open(page, path);
      assert.equal(await page.locator('#site-header').getByRole('link', { name: lang === 'fr' ? 'Mon compte' : 'My account' }).count(), 1,
        `${path}: the header knows the session`);
      await assertAccessible(page, `${path} signed in (${lang})`);
      if (lang === 'fr') await shot(page, `frame-${name}-signed-in-fr`);
    }
    assertNoProblems(page);
    await page.context().close();
  }
});

test('the language switch keeps the page and its choice; a reload keeps it too', async () => {
  const page = await newPage({ lang: 'fr' });
  await open(page, '/support');
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('main[aria-busy="false"]'));
  assert.equal(new URL(page.url()).pathname, '/support', 'the same page');
  assert.equal(await page.getAttribute('button[lang="en"]', 'aria-pressed'), 'true');
  await open(page, '/privacy');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice holds on the next page');
  await page.reload();
  await page.waitForSelector('main[aria-busy="false"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'and after a reload');
  assertNoProblems(page);
  await page.context().close();
});

test('at 320 px and at 200% zoom no page scrolls sideways', async () => {
  for (const opts of [{ width: 320, height: 640 }, { width: 1280, height: 800, zoom: 2 }]) {
    const page = await newPage(opts);
    for (const [name, path] of Object.entries(PAGES)) {
      await open(page, path);
      await assertNoHorizontalScroll(page, `${path} at ${opts.zoom ? '200%' : '320 px'}`);
      if (opts.width === 320) await shot(page, `narrow-${name}`);
    }
    await page.context().close();
  }
});

test('static files are compressed and revalidated, pages carry the CSP without unsafe-inline', async () => {
  const { req } = await import('../http/lib/client.mjs');
  const css = await req('/css/concerto.css', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(css.headers.get('content-encoding'), 'gzip');
  assert.ok(css.headers.get('etag') || css.headers.get('last-modified'), 'a validator for revalidation');
  const home = await req('/');
  const csp = home.headers.get('content-security-policy') || '';
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const again = await req('/', { headers: { 'if-none-match': home.headers.get('etag') } });
  assert.equal(again.status, 304, 'a page revalidates with its ETag');
});
