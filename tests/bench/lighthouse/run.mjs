// SPDX-License-Identifier: AGPL-3.0-or-later
// `make bench`, last step: Lighthouse with its default mobile settings
// (simulated slow 4G and a mid-range phone) on the home, consultation and
// results pages of the bench stack, in Debian's chromium.  Prints one row
// per page (performance, accessibility, best practices, bytes transferred,
// JavaScript bytes) and exits 1 when a page misses its target:
// performance >= 95, accessibility 100, best practices >= 95.
//
//   node tests/bench/lighthouse/run.mjs BASE_URL CONSULTATION_ID [REPORT.json]

import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [base, id, out] = process.argv.slice(2);
if (!base || !id) {
  console.error('usage: node run.mjs BASE_URL CONSULTATION_ID [REPORT.json]');
  process.exit(2);
}
const pages = { home: '/', consultation: `/consultations/${id}`, results: `/consultations/${id}/results` };
const TARGETS = { performance: 0.95, accessibility: 1, 'best-practices': 0.95 };

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
const rows = [];
let failed = false;
try {
  for (const [name, path] of Object.entries(pages)) {
    const r = await lighthouse(`${base}${path}`, {
      port: chrome.port, output: 'json', logLevel: 'error',
      onlyCategories: Object.keys(TARGETS),
    });
    const lhr = r.lhr;
    const items = lhr.audits['network-requests']?.details?.items || [];
    const bytes = items.reduce((s, x) => s + (x.transferSize || 0), 0);
    const js = items.filter((x) => x.resourceType === 'Script').reduce((s, x) => s + (x.transferSize || 0), 0);
    const row = { page: name, path, bytes, js_bytes: js };
    // A category Lighthouse could not score (a page that did not paint, a
    // trace it could not read) is null, with the reason beside it.
    if (lhr.runtimeError) row.runtime_error = `${lhr.runtimeError.code}: ${lhr.runtimeError.message}`;
    if (lhr.runWarnings?.length) row.run_warnings = lhr.runWarnings;
    const consoleErrors = lhr.audits['errors-in-console']?.details?.items || [];
    if (consoleErrors.length) row.console_errors = consoleErrors.map((x) => `${x.source}: ${x.description} (${x.sourceLocation?.url || x.url || ''})`);
    for (const c of Object.keys(TARGETS)) {
      const score = lhr.categories[c]?.score ?? null;
      row[c] = score === null ? null : Math.round(score * 100);
      if ((score ?? 0) < TARGETS[c]) {
        failed = true;
        const bad = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1
          && lhr.categories[c].auditRefs.some((ref) => ref.id === a.id && ref.weight > 0));
        row[`${c}_missed`] = bad.map((a) => a.id);
      }
    }
    rows.push(row);
  }
} finally {
  await chrome.kill();
}
console.log('page           perf  a11y  best   bytes   js bytes');
for (const r of rows) {
  const score = (c) => String(r[c] ?? '-').padStart(4);
  console.log(`${r.page.padEnd(14)} ${score('performance')}  ${score('accessibility')}  ${score('best-practices')}  ${String(r.bytes).padStart(6)}  ${String(r.js_bytes).padStart(8)}`);
  for (const k of Object.keys(r).filter((x) => x.endsWith('_missed'))) console.log(`  ${k}: ${r[k].join(', ')}`);
  if (r.runtime_error) console.log(`  not scored: ${r.runtime_error}`);
  for (const w of r.run_warnings || []) console.log(`  warning: ${w}`);
  for (const e of r.console_errors || []) console.log(`  console: ${e}`);
}
if (out) writeFileSync(out, `${JSON.stringify(rows, null, 1)}\n`);
process.exit(failed ? 1 : 0);
