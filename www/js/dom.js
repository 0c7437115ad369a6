// SPDX-License-Identifier: AGPL-3.0-or-later
// The one way pages put things in the DOM.  h() builds elements: strings
// and numbers among the children become text nodes, so user text always
// enters the page as text (never as HTML); attributes are set one by one.
// No page parses a string as HTML: the frame test checks every module.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h('a', { href: '/x', class: 'btn', onclick: fn }, 'text', child, ...)
// Attribute values that are null, undefined or false are left out; true
// gives an empty attribute.  `on*` functions become event listeners;
// `dataset` and `style` objects are merged; `text` sets textContent.
export function h(tag, attrs = {}, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

// SVG elements: s('rect', { x: 0, ... }).
export const s = (tag, attrs = {}, ...children) => h(`svg:${tag}`, attrs, ...children);

export function setAttrs(el, attrs = {}) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  return el;
}

export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Empties el, then appends children.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// A unique id for tying labels, descriptions and errors to controls.
let seq = 0;
export const uid = (prefix = 'c') => `${prefix}-${++seq}`;
