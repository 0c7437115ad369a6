// SPDX-License-Identifier: AGPL-3.0-or-later
// Shapes from one source: the enumerations and limits of every field the
// API accepts, as the binary declares them (`concerto routes`, written to
// /api/routes.json by make).  Pages never retype a list of profiles,
// phases or reasons.

let table;

async function load() {
  if (!table) {
    const r = await fetch('/api/routes.json');
    if (!r.ok) throw new Error(`routes.json: ${r.status}`);
    table = await r.json();
  }
  return table;
}

// The shape of field name of the route (method, pattern), e.g.
// await shape('POST', '/api/v1/accounts', 'profile') -> { type: 'enum',
// choices: [...], min, max, required, nullable }.
export async function shape(method, pattern, name, where = 'shapes') {
  const routes = await load();
  const route = routes.find((x) => x.method === method && x.pattern === pattern);
  if (!route) throw new Error(`no route ${method} ${pattern}`);
  const f = (route[where] || []).find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name} in ${method} ${pattern}`);
  return f;
}

export const choices = async (method, pattern, name, where) => (await shape(method, pattern, name, where)).choices || [];
