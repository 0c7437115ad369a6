// SPDX-License-Identifier: AGPL-3.0-or-later
// The comment threads of a consultation page (/consultations/ID), in
// <section id="comments">: the form for a new comment (or the way to sign
// in), the sorts the API offers, a page of threads with their replies
// nested, "show more" by the API's cursor, collapsed branches fetched with
// parent_id.  Runs beside the page's own module: it waits for boot()
// (layout.js booted()) and says it is drawn with aria-busy="false" on the
// section.

import { $, h, replace } from '../dom.js';
import { errorText, t, tp } from '../i18n.js';
import { get } from '../api.js';
import { announce, booted, signinLink } from '../layout.js';
import { session } from '../session.js';
import { choices, shape } from '../shapes.js';
import { commentItem, drawMore } from '../comments/item.js';
import { writeForm } from '../comments/forms.js';
import { consultationOf } from '../consult.js';

const PAGE = 10;
const LIST = '/api/v1/consultations/{id}/comments';
const section = $('#comments');
const cid = Number((location.pathname.match(/^\/consultations\/(\d+)/) || [])[1]);

const path = (q) => `/api/v1/consultations/${cid}/comments?${new URLSearchParams(q)}`;

async function start() {
  const [sorts, alignments, reasons, body, note] = await Promise.all([
    choices('GET', LIST, 'sort', 'query'),
    choices('POST', LIST, 'alignment'),
    choices('POST', '/api/v1/comments/{id}/flags', 'reason'),
    shape('POST', LIST, 'body'),
    shape('POST', '/api/v1/comments/{id}/flags', 'note'),
  ]);
  const asked = new URLSearchParams(location.search).get('sort');
  let sort = sorts.includes(asked) ? asked : sorts[0];
  let cursor = null;
  const [cons, first] = await Promise.all([consultationOf(cid), get(path({ sort, limit: PAGE }))]);
  if (cons.status === 404 || first.status === 404) { section.hidden = true; return; }
  const c = cons.ok ? cons.json : {};
  const ctx = {
    cid, me: session.get(), alignments, reasons, bodyMax: body.max, noteMax: note.max,
    // Without the consultation (a network error) the API decides.
    open: !cons.ok || ['gathering', 'voting'].includes(c.phase),
    pre: c.moderation === 'pre',
    priorities: new Map((c.priorities || []).map((p) => [p.id, p])),
  };

  const list = h('ol', { class: 'comment-list', 'aria-labelledby': 'comments-title' });
  const empty = h('p', { class: 'meta empty', hidden: true }, t('comments.empty'));
  const status = h('div', { class: 'list-status' });
  const more = h('button', { type: 'button', class: 'more-comments', hidden: true }, t('comments.more'));

  const failed = (r, retry) => replace(status, h('p', { class: 'form-error', role: 'alert' },
    h('span', { 'aria-hidden': 'true' }, '⚠ '), errorText(r.error), ' ',
    retry ? h('button', { type: 'button', onclick: () => { replace(status); retry(); } }, t('comments.retry')) : null));

  const show = (r, reset) => {
    if (!r.ok) return null;
    if (reset) replace(list);
    const items = r.json.comments.map((x) => commentItem(x, ctx));
    list.append(...items);
    cursor = r.json.next_cursor;
    more.hidden = !cursor;
    empty.hidden = list.children.length > 0;
    return items;
  };
  const load = async (reset) => {
    more.disabled = true;
    const r = await get(path(reset ? { sort, limit: PAGE } : { sort, limit: PAGE, cursor }));
    more.disabled = false;
    const items = show(r, reset);
    if (!items) failed(r, () => load(reset));
    return items;
  };

  // A comment just written: at the top (a thread) or under its parent
  // (the API may attach a reply to a deep comment one level up).
  ctx.added = (x, replied) => {
    const li = commentItem(x, ctx);
    const parent = x.parent_id && document.getElementById(`comment-${x.parent_id}`);
    const parentLi = parent ? parent.parentElement : replied;
    if (parentLi) {
      parentLi.firstElementChild.querySelector(':scope > .replies').append(li);
      parentLi.comment.reply_count += 1;
    } else {
      list.prepend(li);
      empty.hidden = true;
    }
    (li.querySelector('.support-box h3') || li.firstElementChild).focus();
    announce(t(x.status === 'published' ? 'comments.posted' : 'comments.posted_pending'));
  };
  // The replies of a collapsed comment, a page at a time.
  ctx.more = async (x, li) => {
    const q = { parent_id: x.id, limit: PAGE };
    if (x.next_replies) q.cursor = x.next_replies;
    const r = await get(path(q));
    if (!r.ok) { failed(r); drawMore(x, ctx, li); return; }
    const ol = li.firstElementChild.querySelector(':scope > .replies');
    if (!x.next_replies) replace(ol);
    const items = r.json.comments.map((y) => commentItem(y, ctx));
    ol.append(...items);
    x.next_replies = r.json.next_cursor;
    x.collapsed = false;
    drawMore(x, ctx, li);
    if (items[0]) items[0].firstElementChild.focus();
    announce(tp('comments.replies_shown', items.length));
  };

  more.addEventListener('click', async () => {
    const items = await load(false);
    if (items && items[0]) items[0].firstElementChild.focus();
    if (items) announce(tp('comments.more_shown', items.length));
  });

  const sortButtons = sorts.map((s) => h('button', {
    type: 'button', class: 'sort', 'aria-pressed': s === sort ? 'true' : 'false',
    onclick: async (e) => {
      const b = e.currentTarget;
      sort = s;
      for (const x of sortButtons) x.setAttribute('aria-pressed', x === b ? 'true' : 'false');
      const u = new URL(location.href);
      u.searchParams.set('sort', s);
      history.replaceState(null, '', u);
      if (await load(true)) announce(t('comments.sorted', { how: t(`comments.sort.${s}`) }));
    },
  }, t(`comments.sort.${s}`)));

  let compose;
  if (!ctx.open) compose = h('p', { class: 'notice' }, t('comments.closed'));
  else if (!ctx.me) {
    compose = h('p', { class: 'notice' }, t('comments.sign_in_to_write'), ' ',
      h('a', { href: signinLink() }, t('comments.sign_in')), ' ', t('comments.or'), ' ',
      h('a', { href: '/register' }, t('comments.register')), '.');
  } else compose = writeForm(ctx, { onDone: (x) => ctx.added(x, null) });

  replace(section,
    h('h2', { id: 'comments-title' }, t('comments.title')),
    h('p', { class: 'comments-intro' }, t('comments.intro')),
    compose,
    h('div', { class: 'sort-bar', role: 'group', 'aria-labelledby': 'comments-sort' },
      h('span', { id: 'comments-sort', class: 'sort-label' }, t('comments.sort_label')), ' ', sortButtons),
    status, list, empty, more);
  if (!show(first, true)) failed(first, () => load(true));
  const target = location.hash.startsWith('#comment-') && document.getElementById(location.hash.slice(1));
  if (target) target.focus();
}

if (section && cid) {
  section.setAttribute('aria-busy', 'true');
  await booted();
  try {
    await start();
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}
