// SPDX-License-Identifier: AGPL-3.0-or-later
// `concerto import consultation FILE.json` (issue 13): the consultations of
// sql/demo/ imported under a title of their own come out of the API with the
// file's values and their priorities (into a consultation already voting,
// which the API itself would refuse); a second import of the same file says
// the consultation is already there; a file that breaks a rule of the API
// exits non-zero with the API's message and leaves nothing behind.
//
// Node 18: only built-in modules.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, consultationPath } from './lib/paths.mjs';
import { get } from './lib/client.mjs';
import { suffix } from './lib/util.mjs';
import { concerto, sql } from './lib/db.mjs';

const DEMO = join(ROOT, 'sql/demo');
const dir = mkdtempSync(join(tmpdir(), 'concerto-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Writes obj as a file of dir; returns its path.
function file(name, obj) {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(obj, null, 2));
  return path;
}

const importFile = (path) => concerto(['import', 'consultation', path]);
const countByTitle = (title) => sql('SELECT id FROM consultations WHERE title_fr = :\'t\'', { t: title }).length;

// A demo file, renamed for this run.
function demo(name) {
  const obj = JSON.parse(readFileSync(join(DEMO, name), 'utf8'));
  obj.title_fr = `${obj.title_fr} ${suffix()}`;
  return obj;
}

for (const name of readdirSync(DEMO).filter((n) => n.endsWith('.json')).sort()) {
  test(`import ${name}: the API shows the file's consultation and priorities; again: already there`, async () => {
    const obj = demo(name);
    const path = file(name, obj);
    const r = importFile(path);
    assert.equal(r.status, 0, `import exits 0: ${r.stderr}`);
    const m = /^imported consultation (\d+): "(.*)" \((\d+) priorities\)$/m.exec(r.stdout);
    assert.ok(m, `import says what it imported: ${r.stdout}`);
    assert.equal(m[2], obj.title_fr);
    assert.equal(Number(m[3]), obj.priorities.length);

    const c = await get(consultationPath(m[1]));
    assert.equal(c.status, 200, `the imported consultation is public: ${c.text.slice(0, 300)}`);
    for (const [k, v] of Object.entries(obj)) {
      if (k !== 'priorities') assert.deepEqual(c.json[k], v, `${k} as the file has it`);
    }
    const prios = c.json.priorities;
    assert.equal(prios.length, obj.priorities.length, 'every priority imported');
    obj.priorities.forEach((p, i) => {
      assert.equal(prios[i].position, i + 1, `priority ${i + 1} in the file's order`);
      for (const [k, v] of Object.entries(p)) assert.deepEqual(prios[i][k], v, `priority ${i + 1}: ${k}`);
      if (!('evidence_status' in p)) assert.equal(prios[i].evidence_status, 'unanswered');
      if (!('evidence_links' in p)) assert.deepEqual(prios[i].evidence_links, []);
    });

    const again = importFile(path);
    assert.equal(again.status, 0, `a second import exits 0: ${again.stderr}`);
    assert.match(again.stdout, new RegExp(`^consultation ${m[1]} already there: `, 'm'));
    assert.equal(countByTitle(obj.title_fr), 1, 'imported once');
  });
}

test('import: a file breaking a rule of the API exits non-zero with its message and inserts nothing', () => {
  const cases = [
    ['approval with max_ranks', (o) => { o.method = 'approval'; o.max_choices = 3; o.max_ranks = 3; },
      2, 'import: consultation refused: max_ranks belongs to ranked votes.'],
    ['ranked without max_ranks', (o) => { o.method = 'ranked'; delete o.max_ranks; delete o.max_choices; },
      2, 'import: consultation refused: A ranked vote needs max_ranks.'],
    ['closing before voting', (o) => { o.closes_at = '2026-01-01T00:00:00Z'; },
      2, 'import: consultation refused: The vote must close after it opens.'],
    ['a source that is no submission', (o) => { o.priorities[1].sources = [2147483000]; },
      1, 'import: priority 2 refused: A source is not a submission of this consultation.'],
  ];
  for (const [what, change, status, message] of cases) {
    const obj = demo('02-cancers-de-l-enfant.json');
    change(obj);
    const r = importFile(file(`bad-${suffix()}.json`, obj));
    assert.equal(r.status, status, `${what}: exit status (${r.stderr})`);
    assert.ok(r.stderr.includes(message), `${what}: says ${message}: ${r.stderr}`);
    assert.equal(countByTitle(obj.title_fr), 0, `${what}: nothing inserted`);
  }
});
