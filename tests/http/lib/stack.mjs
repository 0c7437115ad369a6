// SPDX-License-Identifier: AGPL-3.0-or-later
// The stack's processes and numbers: /proc inspection (children, liveness, the
// master's pid), the stack script's commands, and the Prometheus /metrics.
//
// Node 18: only built-in modules.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { get } from './client.mjs';
import { PIDFILE, ROOT, RUN_DIR, VAR } from './paths.mjs';

// The process ids of pid's children. Uses /proc/<pid>/task/*/children where
// the kernel has it, otherwise scans /proc/*/stat for the parent pid.
export function procChildren(pid) {
  const kids = new Set();
  let found = false;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const f = `/proc/${pid}/task/${t}/children`;
      if (!existsSync(f)) continue;
      found = true;
      for (const s of readFileSync(f, 'utf8').trim().split(/\s+/)) if (s) kids.add(Number(s));
    }
  } catch { /* the process is gone */ }
  if (!found) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        // pid (comm) state ppid ...; comm may hold spaces and parentheses.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) kids.add(Number(d));
      } catch { /* raced with an exit */ }
    }
  }
  return [...kids].filter((k) => procAlive(k)).sort((a, b) => a - b);
}

// True when pid exists and is not a zombie.
export function procAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

// The master pid of `concerto serve`, from its pid file.
export function masterPid() {
  for (const f of [process.env.CONCERTO_PIDFILE, PIDFILE, `${VAR}/run/concerto.pid`]) {
    if (f && existsSync(f)) return Number(readFileSync(f, 'utf8').trim());
  }
  throw new Error(`no concerto pid file under ${RUN_DIR}`);
}

// Runs `sh tools/stack/stack CMD` for this suite's stack (pg-stop, pg-start...).
// CONCERTO_STACK_SH names another script (to try the suite on a hand-made stack).
export function stack(cmd) {
  return execFileSync('sh', [process.env.CONCERTO_STACK_SH || `${ROOT}/tools/stack/stack`, cmd], {
    cwd: ROOT, env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000,
  });
}

// ------------------------------------------------------------- metrics

// Parses Prometheus text format into [{ name, labels, value }].
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;
      let lm;
      let consumed = 0;
      while ((lm = re.exec(m[3])) !== null) { labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c)); consumed = re.lastIndex; }
      if (consumed !== m[3].length) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (Number.isNaN(value) && m[4] !== 'NaN') throw new Error(`bad value in ${JSON.stringify(line)}`);
    out.push({ name: m[1], labels, value });
  }
  return out;
}

// Sum of the samples named `name` whose labels include `match`.
export function metricSum(samples, name, match = {}) {
  let sum = 0;
  let seen = false;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    sum += s.value;
    seen = true;
  }
  return seen ? sum : undefined;
}

// The samples of GET /metrics now.
export async function metrics() {
  const r = await get('/metrics');
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}: ${r.text.slice(0, 200)}`);
  return parseMetrics(r.text);
}
