// SPDX-License-Identifier: AGPL-3.0-or-later
// What the platform told me: the moderators' decisions on what I wrote
// (with their reason), suspensions, where to find support.  In plain
// words from kind, action and reason; newest first, older ones on demand;
// "mark all as read" (the header's count follows).

import { $, h } from '../dom.js';
import { dateTime, errorText, has, t, tp } from '../i18n.js';
import { api, get } from '../api.js';
import { session } from '../session.js';
import { announce, boot, ready, refreshUnread, signinLink } from '../layout.js';
import { notice } from '../account-parts.js';

const LIST = '/api/v1/me/notifications';

await boot({ titleKey: 'notifications.title' });
const page = $('#page');

let newest = 0;
let cursor = null;
let unread = 0;

const summary = h('p', { class: 'lead', id: 'notifications-summary' });
const list = h('ol', { class: 'cards notifications', 'aria-labelledby': 'notifications-summary' });
const more = h('button', { type: 'button' }, t('notifications.more'));
const markRead = h('button', { type: 'button', class: 'primary' }, t('notifications.mark_read'));
const st = h('p', { class: 'status', role: 'status' });

// The words of a notification, from its kind, action and reason.
function words(n) {
  const what = t(n.target_type === 'submission' ? 'notifications.target.submission' : 'notifications.target.comment');
  if (n.kind === 'moderation') {
    const key = `notifications.moderation.${n.action}`;
    return t(has(key) ? key : 'notifications.moderation.other', { what });
  }
  if (n.kind === 'suspension') {
    if (n.action === 'unsuspend') return t('notifications.suspension.unsuspend');
    return n.until ? t('notifications.suspension.suspend', { until: dateTime(n.until) }) : t('notifications.suspension.suspend_open');
  }
  if (n.kind === 'support') return t('notifications.support', { what });
  return t('notifications.other');
}

function support(s) {
  if (!s) return null;
  return h('div', { class: 'support-text' },
    h('h3', {}, s.title),
    ...String(s.body || '').split(/\n{2,}/).map((p) => h('p', {}, p)),
    s.contacts && s.contacts.length ? h('ul', {}, s.contacts.map((c) => h('li', {}, c))) : null);
}

function item(n) {
  const isNew = !n.read_at;
  const li = h('li', { class: `card notification${isNew ? ' unread' : ''}`, tabindex: '-1', dataset: { id: n.id } },
    h('p', { class: 'meta' },
      isNew ? h('span', { class: 'tag new' }, t('notifications.new')) : null, isNew ? ' ' : null,
      h('time', { datetime: n.created_at }, dateTime(n.created_at))),
    h('p', { class: 'what' }, words(n)),
    n.reason ? h('p', {}, t('notifications.reason'), ' ', h('q', {}, n.reason)) : null,
    n.kind === 'support' ? support(n.support) : null,
    n.consultation_id ? h('p', {}, h('a', { href: `/consultations/${encodeURIComponent(n.consultation_id)}` }, t('notifications.see_consultation'))) : null);
  return li;
}

function counts() {
  summary.textContent = unread ? tp('notifications.unread', unread) : t('notifications.all_read');
  markRead.hidden = unread === 0;
  more.hidden = !cursor;
}

async function load(first) {
  const r = await get(cursor ? `${LIST}?cursor=${encodeURIComponent(cursor)}` : LIST);
  if (!r.ok) return r;
  const items = r.json.notifications || [];
  if (!newest && items.length) newest = items[0].id;
  unread = r.json.unread || 0;
  cursor = r.json.next_cursor;
  const nodes = items.map(item);
  list.append(...nodes);
  counts();
  if (!first && nodes.length) {
    nodes[0].focus();
    announce(tp('notifications.loaded', nodes.length));
  }
  return r;
}

more.addEventListener('click', async () => {
  more.disabled = true;
  const r = await load(false);
  more.disabled = false;
  if (!r.ok) st.textContent = errorText(r.error);
});

markRead.addEventListener('click', async () => {
  markRead.disabled = true;
  const r = await api('POST', `${LIST}/read`, { up_to: newest });
  markRead.disabled = false;
  if (!r.ok) {
    st.textContent = r.status === 401 ? t('form.session_expired') : errorText(r.error);
    return;
  }
  unread = r.json.unread;
  for (const li of list.querySelectorAll('.unread')) {
    li.classList.remove('unread');
    li.querySelector('.new')?.remove();
  }
  counts();
  summary.setAttribute('tabindex', '-1');
  summary.focus();
  st.textContent = t('notifications.marked');
  refreshUnread();
});

if (!session.get()) {
  page.append(h('p', {}, t('notifications.signed_out')), h('p', {}, h('a', { href: signinLink(), class: 'button primary' }, t('layout.sign_in'))));
} else {
  const r = await load(true);
  if (r.status === 401) {
    page.append(h('p', {}, t('notifications.signed_out')), h('p', {}, h('a', { href: signinLink(), class: 'button primary' }, t('layout.sign_in'))));
  } else if (!r.ok) {
    page.append(notice('warn', errorText(r.error), h('p', {}, h('a', { href: '/notifications' }, t('account.retry')))));
  } else if (!list.children.length) {
    page.append(h('p', {}, t('notifications.none')));
  } else {
    page.append(summary, h('div', { class: 'actions' }, markRead), st, list, more);
  }
}
ready();
