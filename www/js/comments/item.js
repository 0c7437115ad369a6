// SPDX-License-Identifier: AGPL-3.0-or-later
// One comment of the threads: who wrote it and when, the stance in words
// and a glyph, the text (as text), its state (waiting for moderation,
// edited, deleted), the support texts its author needs to see, votes with
// aria-pressed, and the actions its reader may take (reply, edit, delete,
// flag), each opening its form under the comment.

import { h, replace } from '../dom.js';
import { dateTime, errorText, lang, t, tp } from '../i18n.js';
import { api } from '../api.js';
import { announce } from '../layout.js';
import { alignBadge, confirmDelete, flagForm, writeForm } from './forms.js';

// Text with its https addresses as links (the rest stays text).
const linked = (text) => String(text).split(/(https:\/\/[^\s]+)/).map((x, i) => (i % 2 ? h('a', { href: x }, x) : x));

// The support texts, as the API gives them: title, body, contacts.
function supportBox(s) {
  return h('section', { class: 'support-box', 'aria-label': s.title, lang: s.language },
    h('h3', { tabindex: '-1' }, s.title),
    h('p', {}, linked(s.body)),
    s.contacts && s.contacts.length ? h('ul', {}, s.contacts.map((x) => h('li', {}, linked(x)))) : null);
}

function statusNote(c) {
  if (c.deleted || c.status === 'published') return null;
  const key = ['pending', 'hidden', 'rejected'].includes(c.status) ? c.status : 'pending';
  return h('p', { class: `status-note status-${key}` },
    h('strong', {}, t(`comments.status.${key}`)), ' ', c.mine ? t('comments.status_only_you') : '');
}

// The vote buttons (or the counts in words when the reader cannot vote).
function votes(c, ctx, main) {
  if (c.deleted || c.status !== 'published') return null;
  const canVote = ctx.me && !c.mine && ctx.open;
  if (!canVote) {
    return h('p', { class: 'vote-counts meta' },
      h('span', { 'aria-hidden': 'true' }, '▲ '), t('comments.up', { n: c.up }), ' · ',
      h('span', { 'aria-hidden': 'true' }, '▼ '), t('comments.down', { n: c.down }));
  }
  const box = h('div', { class: 'votes', role: 'group', 'aria-label': t('comments.votes_label') });
  const draw = () => {
    replace(box, ...[[1, '▲', 'up', c.up], [-1, '▼', 'down', c.down]].map(([v, glyph, key, n]) => h('button', {
      type: 'button', class: `vote vote-${key}`, 'aria-pressed': c.my_vote === v ? 'true' : 'false',
      onclick: async (e) => {
        const btn = e.currentTarget;
        const value = c.my_vote === v ? 0 : v;
        btn.disabled = true;
        const r = await api('PUT', `/api/v1/comments/${c.id}/vote`, { value });
        btn.disabled = false;
        if (!r.ok) { actionError(main, r); return; }
        Object.assign(c, { up: r.json.up, down: r.json.down, my_vote: r.json.my_vote });
        draw();
        box.querySelector(`.vote-${key}`).focus();
        announce(t(value === 0 ? 'comments.vote_withdrawn' : 'comments.vote_saved', { up: c.up, down: c.down }));
      },
    }, h('span', { 'aria-hidden': 'true' }, `${glyph} `), t(`comments.${key}`, { n }))));
  };
  draw();
  return box;
}

// An error of an action without a form of its own, shown in the comment.
function actionError(main, r) {
  for (const e of main.querySelectorAll('.action-error')) e.remove();
  const msg = errorText(r.error);
  const p = h('p', { class: 'form-error action-error', role: 'alert', tabindex: '-1' },
    h('span', { 'aria-hidden': 'true' }, '⚠ '), msg);
  main.querySelector('.comment-slot').before(p);
  p.focus();
}

// <li> holding comment c, its replies and the way to open a collapsed
// branch; ctx.more(c, li) fetches the replies of a collapsed comment.
export function commentItem(c, ctx) {
  const article = h('article', { class: 'comment', id: `comment-${c.id}`, tabindex: '-1' });
  const main = h('div', { class: 'comment-main' });
  const replies = h('ol', { class: 'replies' });
  const li = h('li', { class: 'comment-item' }, article);
  article.append(main, replies);
  li.comment = c;
  for (const r of c.replies || []) replies.append(commentItem(r, ctx));
  drawMain(c, ctx, article, main);
  drawMore(c, ctx, li);
  return li;
}

// The "show the replies" button of a collapsed comment.
export function drawMore(c, ctx, li) {
  const article = li.firstElementChild;
  const old = article.querySelector(':scope > .more-replies');
  if (old) old.remove();
  const shown = article.querySelectorAll(':scope > .replies > li').length;
  if (!c.collapsed && !c.next_replies) return;
  const left = Math.max(c.reply_count - shown, 1);
  article.append(h('button', {
    type: 'button', class: 'more-replies link',
    onclick: (e) => { e.currentTarget.disabled = true; ctx.more(c, li); },
  }, tp('comments.show_replies', left)));
}

function drawMain(c, ctx, article, main) {
  const author = c.deleted ? null : c.author || t('comments.deleted_author');
  article.classList.toggle('deleted', c.deleted);
  article.classList.toggle('pending', !c.deleted && c.status !== 'published');
  article.setAttribute('aria-label', c.deleted ? t('comments.deleted') : t('comments.by', { author }));
  if (c.deleted) {
    replace(main, h('p', { class: 'tombstone' }, h('span', { 'aria-hidden': 'true' }, '✕ '), t('comments.deleted')));
    return;
  }
  const prio = c.depth === 0 && c.priority_id ? ctx.priorities.get(c.priority_id) : null;
  const slot = h('div', { class: 'comment-slot' });
  const actions = h('div', { class: 'comment-actions' });
  // One form at a time under the comment; closing it gives the focus back.
  const open = (form, from, focus) => {
    replace(slot, form);
    const close = () => { replace(slot); if (from.isConnected) from.focus(); };
    (form.querySelector(focus) || form).focus();
    return close;
  };
  const act = (key, fn, cls) => h('button', { type: 'button', class: `act ${cls || ''}`, onclick: (e) => fn(e.currentTarget) }, t(key));

  if (ctx.me && ctx.open && c.status === 'published') {
    actions.append(act('comments.reply', (b) => {
      const close = open(writeForm(ctx, {
        parent: c,
        onCancel: () => close(),
        onDone: (x) => { replace(slot); ctx.added(x, article.parentElement); },
      }), b, 'textarea');
    }));
  }
  if (c.mine && ctx.open && !c.redacted) {
    actions.append(act('comments.edit', (b) => {
      const close = open(writeForm(ctx, {
        comment: c,
        onCancel: () => close(),
        onDone: (x) => {
          Object.assign(c, x, { replies: c.replies });
          drawMain(c, ctx, article, main);
          article.focus();
          announce(t(c.status === 'published' ? 'comments.edited_done' : 'comments.edited_pending'));
        },
      }), b, 'textarea');
    }));
  }
  if (c.mine) {
    actions.append(act('comments.delete', (b) => {
      const close = open(confirmDelete(c, {
        onCancel: () => close(),
        onDone: () => {
          Object.assign(c, { deleted: true, body: null, author: null, support: null });
          drawMain(c, ctx, article, main);
          article.focus();
          announce(t('comments.deleted_done'));
        },
      }), b, 'button.danger');
    }, 'danger'));
  }
  if (ctx.me && !c.mine && c.status === 'published') {
    actions.append(c.flagged ? h('span', { class: 'meta' }, t('comments.flagged')) : act('comments.flag', (b) => {
      const close = open(flagForm(ctx, c, {
        onCancel: () => close(),
        onDone: () => {
          c.flagged = true;
          drawMain(c, ctx, article, main);
          const note = h('p', { class: 'notice ok', tabindex: '-1' }, t('comments.flag_done'));
          main.querySelector('.comment-slot').append(note);
          note.focus();
          announce(t('comments.flag_done'));
        },
      }), b, 'input');
    }));
  }
  replace(main,
    h('p', { class: 'comment-meta' },
      h('span', { class: 'comment-author' }, author), c.mine ? ` (${t('comments.you')})` : '', ' · ',
      h('time', { datetime: c.created_at }, dateTime(c.created_at)),
      c.edited_at ? [' · ', h('span', { class: 'edited' }, t('comments.edited'))] : null),
    prio ? h('p', { class: 'meta comment-about' }, t('comments.about', { title: (lang() === 'en' && prio.title_en) || prio.title_fr })) : null,
    h('p', { class: 'comment-align' }, alignBadge(c.alignment)),
    statusNote(c),
    h('div', { class: 'comment-body' }, c.body),
    c.redacted ? h('p', { class: 'meta' }, t('comments.redacted')) : null,
    c.support ? supportBox(c.support) : null,
    votes(c, ctx, main),
    actions.childNodes.length ? actions : null,
    slot);
}
