// SPDX-License-Identifier: AGPL-3.0-or-later
// The licence (issue 15): LICENSE holds the GNU Affero General Public
// License version 3, every source file the repository tracks says so in an
// SPDX line near its top, and docs/third-party.md names what is shipped
// under other terms (the départements' outline, CC BY 4.0; the regions'
// outline, CC BY-NC 4.0).
//
// Node 18: only built-in modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const SPDX = 'SPDX-License-Identifier: AGPL-3.0-or-later';
// Where a line can be added: code, SQL, scripts, configuration, pages.
// Data the programs read as it is (JSON, CSV, recorded answers, plans) and
// images cannot hold one.
const SOURCE = /\.(c|h|mjs|js|lua|sql|pgbench|sh|pl|conf|in|example|service|timer|logrotate|yaml|css|html)$|(^|\/)(Makefile|stack|default-var|run)$/;
const DATA = /^tests\/http\/(recorded|plans)\//;

test('LICENSE is the GNU Affero General Public License, version 3', () => {
  const text = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(text.slice(0, 200), /GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3, 19 November 2007/);
  assert.match(text, /END OF TERMS AND CONDITIONS/);
  assert.ok(text.split('\n').length > 600, 'the whole text');
});

test('every tracked source file carries the SPDX line of the AGPL-3.0-or-later near its top', () => {
  const files = execFileSync('git', ['-C', ROOT, 'ls-files'], { encoding: 'utf8' }).split('\n')
    .filter((f) => f && SOURCE.test(f) && !DATA.test(f));
  assert.ok(files.length > 200, `source files found: ${files.length}`);
  const missing = files.filter((f) => !readFileSync(join(ROOT, f), 'utf8').split('\n').slice(0, 3).some((l) => l.includes(SPDX)));
  assert.deepEqual(missing, [], `files without "${SPDX}" in their first three lines`);
});

test('docs/third-party.md names the map outlines\' licence', () => {
  const text = readFileSync(join(ROOT, 'docs/third-party.md'), 'utf8');
  assert.match(text, /CC BY 4\.0/);
  assert.match(text, /@svg-maps\/france\.departments/);
});
