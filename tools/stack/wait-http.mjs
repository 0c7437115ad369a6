// SPDX-License-Identifier: AGPL-3.0-or-later
// Polls a URL until it answers 200, for the stack's start (tools/stack/stack):
//   node tools/stack/wait-http.mjs URL SECONDS
// Exits 0 at the first 200; after SECONDS, prints the last answer (status
// and the start of the body, or the connection error) and exits 1.  Each
// attempt gives up after 2 s; attempts are 200 ms apart.
const [url, secs] = process.argv.slice(2);
if (!url || !(Number(secs) > 0)) {
  console.error('usage: node wait-http.mjs URL SECONDS');
  process.exit(2);
}
const end = Date.now() + Number(secs) * 1000;
let last = 'no answer';
for (;;) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = await r.text();
    if (r.status === 200) process.exit(0);
    last = `${r.status} ${body.slice(0, 200)}`;
  } catch (e) {
    last = String(e.cause || e.message || e);
  }
  if (Date.now() > end) {
    console.error(`last answer of ${url}: ${last}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
