// SPDX-License-Identifier: AGPL-3.0-or-later
// The statement table of src/db_sql.c as the workers prepare it (macros
// expanded, adjacent literals joined): tests/http/plans/statements.c,
// compiled with src/db_sql.c, prints it.  Returns a Map from a statement's
// name ("comment_descendants") to { name, nparams, text }.
//
// Node 18: only built-in modules.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

export function statements() {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-statements-'));
  try {
    const bin = join(dir, 'statements');
    execFileSync('cc', ['-I', `${ROOT}/include`, '-o', bin, `${ROOT}/src/db_sql.c`,
      `${ROOT}/tests/http/plans/statements.c`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = execFileSync(bin, { encoding: 'utf8' });
    return new Map(out.trim().split('\n').map((l) => JSON.parse(l)).map((s) => [s.name, s]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
