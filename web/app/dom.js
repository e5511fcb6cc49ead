// DOM helpers. Everything user-provided goes in as text (textContent,
// attributes set one by one), never through an HTML string. The single
// exception is a post's `content`, the server's sanitized HTML: richContent()
// parses it in an inert <template>, checks that it holds only the tags and
// attributes the server emits, and otherwise falls back to plain text.

// h('button', {class: 'x', type: 'button', onclick: fn, dataset: {id: 1}}, 'text', child...)
// Props: class, text, dataset, style (object), on* (listeners), aria-* and any
// other attribute (false/null/undefined leave it out, true sets it empty).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  addAll(el, children);
  return el;
}

function addAll(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) addAll(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Appends children: nodes, strings (as text), arrays; null/false are skipped.
export function append(el, ...children) {
  addAll(el, children);
  return el;
}

// Replaces el's children.
export function replace(el, ...children) {
  el.replaceChildren();
  addAll(el, children);
  return el;
}

// The server's post HTML: <p>, <br>, <a href class rel target>, <span class>.
const ALLOWED = {
  P: [], BR: [], SPAN: ['class'],
  A: ['href', 'class', 'rel', 'target'],
};

function clean(node) {
  for (const el of node.querySelectorAll('*')) {
    const attrs = ALLOWED[el.tagName];
    if (!attrs) return false;
    for (const a of el.attributes) if (!attrs.includes(a.name)) return false;
    if (el.tagName === 'A') {
      const href = el.getAttribute('href') || '';
      if (!/^https?:\/\//i.test(href) && !href.startsWith('/')) return false;
    }
  }
  return true;
}

// A fragment for a post's sanitized `content`. Links to this site (mentions,
// hashtags) stay in the app; others open in a new tab.
export function richContent(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html; // inert: nothing runs or loads inside a template
  if (!clean(tpl.content)) {
    const p = document.createElement('p');
    p.textContent = tpl.content.textContent;
    return p;
  }
  for (const a of tpl.content.querySelectorAll('a')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.origin === location.origin) {
      a.removeAttribute('target');
      a.setAttribute('href', url.pathname + url.search);
    } else {
      a.setAttribute('rel', 'nofollow noopener noreferrer');
      a.setAttribute('target', '_blank');
    }
  }
  return tpl.content;
}

// Announces a message to screen readers (and shows it briefly).
export function announce(text) {
  const el = document.getElementById('app-status');
  if (!el) return;
  el.textContent = '';
  requestAnimationFrame(() => { el.textContent = text; });
}

// A unique id for label/aria wiring.
let seq = 0;
export const uid = (prefix = 'id') => `${prefix}-${++seq}`;
