// SPDX-License-Identifier: AGPL-3.0-or-later
// Reads that see the test's own writes.  A read may be answered from a
// cache until the end of the wall-clock second in which it was built:
// nginx's cache of anonymous reads (nginx/api-cache.conf) and a worker's
// cache of shared reads (src/readcache.c).  So a GET of a path that was
// read earlier in the same second as the latest write waits for the next
// second, after which neither cache holds an answer built before the
// write.  Every request of the suite goes through here (client.mjs), and so
// do writes made with SQL or the command line (db.mjs).  Node 18: only
// built-in modules.

const readAt = new Map(); // path -> when its last read was answered (ms)
// The reads a cache may answer (CACHE_SHARED and CACHE_VIEWER routes):
// nothing else ever waits, so a health check during a flood of sign-ins
// is measured as it is.
const KEPT = /^\/api\/v1\/(?:consultations(?:[/?]|$)|support-texts(?:\?|$))/;
let writeAt = 0;

const second = (ms) => Math.floor(ms / 1000);

// A write of any kind, now.
export function noteWrite() {
  writeAt = Date.now();
}

// Before a request: a write is noted; a read that a cache could answer with
// what was built before the latest write waits for the next second.
export async function beforeRequest(method, path) {
  if (method !== 'GET' && method !== 'HEAD') {
    noteWrite();
    return;
  }
  if (!KEPT.test(path)) return;
  const read = readAt.get(path);
  const now = Date.now();
  if (read !== undefined && read <= writeAt && second(read) === second(writeAt) && second(now) === second(writeAt)) {
    await new Promise((r) => setTimeout(r, 1000 - (now % 1000) + 5));
  }
}

// After a read was answered.
export function afterRead(method, path) {
  if ((method === 'GET' || method === 'HEAD') && KEPT.test(path)) readAt.set(path, Date.now());
}

// Before a read that cannot be tracked (a browser loading a page, whose
// own requests do not come through here): waits for the next second if
// the test wrote during this one.
export async function settle() {
  const now = Date.now();
  if (second(now) === second(writeAt)) await new Promise((r) => setTimeout(r, 1000 - (now % 1000) + 5));
}
