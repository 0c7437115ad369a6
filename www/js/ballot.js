// SPDX-License-Identifier: AGPL-3.0-or-later
// The ballot of a consultation in its vote: approval (tick up to K) or
// ranked (put up to K in order, by the "move up" / "move down" buttons,
// keyboard and pointer alike).  "My ballot" shows what the API holds; it
// can be changed or withdrawn until the vote closes.  Every PUT carries an
// Idempotency-Key: the same one when the same change is sent again after a
// network error, a new one for a new change.  Choices not yet sent are
// kept in the tab (sessionStorage) across a session that ends, and put
// back when the person comes back signed in.

import { h, replace, $ } from './dom.js';
import { date, dateTime, errorText, t } from './i18n.js';
import { api, get, newIdempotencyKey } from './api.js';
import { announce, signinLink } from './layout.js';
import { clearErrors, showApiError, showError } from './form.js';
import { loc } from './consult.js';

export async function mount(body, c) {
  const path = `/api/v1/consultations/${c.id}/ballot`;
  const draftKey = `concerto.ballot:${c.id}`;
  const ranked = c.method === 'ranked';
  const K = ranked ? c.max_ranks : c.max_choices;
  const items = c.priorities.filter((p) => p.in_vote);
  const byId = new Map(items.map((p) => [p.id, p]));
  const title = (pid) => loc(byId.get(pid), 'title')[0];
  const titleEl = (pid, tag = 'span', attrs = {}) => {
    const [text, l] = loc(byId.get(pid), 'title');
    return h(tag, { ...attrs, lang: l }, text);
  };

  const same = (a, b) => JSON.stringify(ranked ? a : [...a].sort()) === JSON.stringify(ranked ? b : [...b].sort());

  let saved = null;			// the ballot the API holds: { choices, updated_at }
  let choices = [];			// what the page shows (ranked: in order)
  let pending = null;			// { sig, key } of a PUT met by a network error

  const r = await get(path);
  if (r.ok) saved = r.json;
  else if (r.status === 401) return expired(body);
  else if (!(r.status === 404 && r.error.code === 'no_ballot')) {
    replace(body, h('p', { class: 'notice warn', role: 'alert' }, errorText(r.error)));
    return undefined;
  }
  choices = saved ? saved.choices.filter((x) => byId.has(x)) : [];
  let restored = false;
  try {
    const d = JSON.parse(sessionStorage.getItem(draftKey));
    if (Array.isArray(d)) {
      const kept = d.filter((x) => byId.has(x)).slice(0, K);
      restored = !same(kept, choices);
      choices = kept;
    }
  } catch { /* no draft */ }

  const keep = () => {
    if (saved && same(choices, saved.choices)) sessionStorage.removeItem(draftKey);
    else sessionStorage.setItem(draftKey, JSON.stringify(choices));
  };

  const mine = h('div', { id: 'my-ballot', class: 'my-ballot' });
  const count = h('p', { id: 'ballot-count', class: 'ballot-count', 'aria-live': 'polite' });
  const limit = h('p', { id: 'ballot-limit', class: 'field-error', hidden: true });
  const form = h('form', { id: 'ballot-form', novalidate: true });
  const result = h('div', { id: 'ballot-result' });

  function showMine() {
    if (!saved) {
      replace(mine, h('h3', {}, t('ballot.mine')), h('p', { id: 'my-ballot-status' }, t('ballot.none', { closes: date(c.closes_at) })));
      return;
    }
    const list = saved.choices.filter((x) => byId.has(x)).map((x) => titleEl(x, 'li'));
    replace(mine, h('h3', {}, t('ballot.mine')),
      h('p', { id: 'my-ballot-status' }, t('ballot.saved_on', { when: dateTime(saved.updated_at), closes: date(c.closes_at) })),
      ranked ? h('ol', { id: 'my-ballot-choices' }, list) : h('ul', { id: 'my-ballot-choices' }, list));
  }

  function countText(extra) {
    const base = t(ranked ? 'ballot.count_ranked' : 'ballot.count', { n: choices.length, k: K });
    // The limit, shown next to the list, is read with the count too.
    replace(count, base, extra ? h('span', { class: 'visually-hidden' }, ` ${extra}`) : null);
  }

  function refuse(msg) {
    limit.hidden = false;
    replace(limit, h('span', { 'aria-hidden': 'true' }, '⚠ '), msg);
    countText(msg);
  }
  function unrefuse() { limit.hidden = true; replace(limit); }

  // ---------------------------------------------------------------- approval
  function approvalControls() {
    const boxes = items.map((p) => {
      const cid = `choice-${p.id}`;
      const cb = h('input', {
        type: 'checkbox', id: cid, name: 'choices', value: p.id, 'aria-describedby': 'ballot-count',
        onclick: (e) => {
          if (e.target.checked && choices.length >= K) {
            e.preventDefault();
            refuse(t('ballot.limit', { k: K }));
            return;
          }
          unrefuse();
          if (e.target.checked) choices.push(p.id); else choices = choices.filter((x) => x !== p.id);
          keep();
          countText();
        },
      });
      cb.checked = choices.includes(p.id);
      return h('div', { class: 'field field-checkbox ballot-choice' }, cb, ' ', h('label', { for: cid }, titleEl(p.id)));
    });
    return h('fieldset', {}, h('legend', {}, t('ballot.approval_legend', { k: K })),
      h('p', { class: 'hint' }, t('ballot.approval_hint', { k: K })), boxes, count, limit);
  }

  // ------------------------------------------------------------------ ranked
  const rankList = h('ol', { id: 'ranking', class: 'ranking' });
  const restList = h('ul', { id: 'unranked', class: 'unranked' });

  function btn(kind, pid, label, onclick, off) {
    return h('button', {
      type: 'button', class: `rank-${kind}`, dataset: { kind, id: pid },
      'aria-disabled': off ? 'true' : null, onclick,
    }, label, h('span', { class: 'visually-hidden' }, `: ${title(pid)}`));
  }

  // Focus on the first of kinds of the item's buttons that is not
  // dimmed (or on the first of kinds whatever its state, when same).
  function focusOn(pid, kinds, same = false) {
    for (const kind of kinds) {
      const b = form.querySelector(`button[data-kind="${kind}"][data-id="${pid}"]`);
      if (b && (same || b.getAttribute('aria-disabled') !== 'true')) { b.focus(); return; }
    }
    const any = form.querySelector(`button[data-id="${pid}"]`);
    if (any) any.focus();
  }

  function move(pid, delta) {
    const i = choices.indexOf(pid);
    const j = i + delta;
    if (j < 0 || j >= choices.length) {
      refuse(t(delta < 0 ? 'ballot.already_first' : 'ballot.already_last', { title: title(pid) }));
      return;
    }
    unrefuse();
    [choices[i], choices[j]] = [choices[j], choices[i]];
    keep();
    drawRanked();
    focusOn(pid, [delta < 0 ? 'up' : 'down'], true);
    announce(t('ballot.moved', { title: title(pid), pos: j + 1, n: choices.length }));
  }

  function add(pid) {
    if (choices.length >= K) { refuse(t('ballot.rank_limit', { k: K })); return; }
    unrefuse();
    choices.push(pid);
    keep();
    drawRanked();
    focusOn(pid, ['up', 'remove']);
    announce(t('ballot.added', { title: title(pid), pos: choices.length, n: choices.length }));
  }

  function remove(pid) {
    const i = choices.indexOf(pid);
    unrefuse();
    choices.splice(i, 1);
    keep();
    drawRanked();
    focusOn(pid, ['add']);
    announce(t('ballot.removed', { title: title(pid) }));
  }

  function drawRanked() {
    const n = choices.length;
    replace(rankList, choices.map((pid, i) => h('li', { class: 'rank-item', dataset: { id: pid } },
      titleEl(pid, 'span', { class: 'rank-title' }),
      h('span', { class: 'rank-buttons' },
        btn('up', pid, t('ballot.up'), () => move(pid, -1), i === 0),
        btn('down', pid, t('ballot.down'), () => move(pid, 1), i === n - 1),
        btn('remove', pid, t('ballot.remove'), () => remove(pid))))));
    rankList.hidden = n === 0;
    $('#ranking-empty', form).hidden = n > 0;
    const rest = items.filter((p) => !choices.includes(p.id));
    replace(restList, rest.map((p) => h('li', { class: 'rank-item', dataset: { id: p.id } },
      titleEl(p.id, 'span', { class: 'rank-title' }),
      h('span', { class: 'rank-buttons' }, btn('add', p.id, t('ballot.add'), () => add(p.id), n >= K)))));
    restList.hidden = rest.length === 0;
    countText();
  }

  function rankedControls() {
    return h('div', { class: 'ranked' },
      h('p', { class: 'hint', id: 'ranked-hint' }, t('ballot.ranked_hint', { k: K })),
      h('h4', { id: 'ranking-title' }, t('ballot.ranking')),
      h('p', { id: 'ranking-empty', class: 'empty' }, t('ballot.ranking_empty')),
      rankList,
      count, limit,
      h('h4', { id: 'unranked-title' }, t('ballot.unranked')),
      restList);
  }

  // ------------------------------------------------------- send, withdraw
  const send = h('button', { type: 'submit', class: 'primary', id: 'ballot-send' });
  const withdraw = h('button', { type: 'button', class: 'danger', id: 'ballot-withdraw', onclick: onWithdraw });

  function drawButtons() {
    send.textContent = t(saved ? 'ballot.change' : 'ballot.send');
    withdraw.textContent = t('ballot.withdraw');
    withdraw.hidden = !saved;
  }

  function done(msg) {
    replace(result, h('p', { class: 'notice ok', tabindex: '-1' }, h('span', { 'aria-hidden': 'true' }, '✓ '), msg));
    announce(msg);
  }

  async function onSend(e) {
    e.preventDefault();
    clearErrors(form);
    replace(result);
    unrefuse();
    if (choices.length === 0) { showError(form, null, t('ballot.empty')); return; }
    const sig = JSON.stringify(choices);
    if (!pending || pending.sig !== sig) pending = { sig, key: newIdempotencyKey() };
    send.disabled = true;
    const res = await api('PUT', path, { choices: [...choices] }, { idempotencyKey: pending.key });
    send.disabled = false;
    if (res.network) { showError(form, null, t('ballot.network')); return; }
    pending = null;
    if (res.ok) {
      saved = res.json;
      sessionStorage.removeItem(draftKey);
      showMine();
      drawButtons();
      done(t('ballot.saved', { closes: date(c.closes_at) }));
    } else if (res.status === 401) {
      keep();
      expiredIn(form);
    } else {
      showApiError(form, res);
    }
  }

  async function onWithdraw() {
    clearErrors(form);
    replace(result);
    withdraw.disabled = true;
    const res = await api('DELETE', path);
    withdraw.disabled = false;
    if (res.network) { showError(form, null, t('ballot.network')); return; }
    if (res.ok) {
      saved = null;
      sessionStorage.removeItem(draftKey);
      showMine();
      drawButtons();
      send.focus();
      done(t('ballot.withdrawn', { closes: date(c.closes_at) }));
    } else if (res.status === 401) {
      expiredIn(form);
    } else {
      showApiError(form, res);
    }
  }

  form.addEventListener('submit', onSend);
  replace(form,
    ranked ? rankedControls() : approvalControls(),
    h('p', { class: 'actions' }, send, ' ', withdraw));
  drawButtons();
  showMine();
  replace(body,
    h('p', {}, t(ranked ? 'ballot.intro_ranked' : 'ballot.intro', { k: K, closes: date(c.closes_at) })),
    mine,
    h('h3', {}, t(saved ? 'ballot.edit' : 'ballot.choose')),
    restored ? h('p', { class: 'notice', id: 'ballot-restored' }, t('ballot.restored')) : null,
    form, result);
  if (ranked) drawRanked(); else countText();
  return undefined;
}

// The session has ended: the choices stay in the tab; sign in to send them.
function expiredIn(form) {
  const p = h('div', { class: 'form-error', role: 'alert', tabindex: '-1', id: 'ballot-expired' },
    h('p', {}, t('ballot.session_expired')),
    h('p', {}, h('a', { href: signinLink() }, t('ballot.sign_in_again'))));
  form.prepend(p);
  p.focus();
}

function expired(body) {
  replace(body, h('p', {}, t('ballot.why_sign_in')),
    h('p', {}, h('a', { href: signinLink(), class: 'button primary' }, t('ballot.sign_in'))));
}
