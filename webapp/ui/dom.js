/**
 * The little DOM helper the pages share: build elements declaratively, update text only when
 * it changed (so a refresh every 2 s does not churn the DOM or reset a hover).
 * @module ui/dom
 */

/**
 * @param {string} tag e.g. `td` or `span.badge` (classes after dots)
 * @param {Record<string, any>|null} [attrs] `text`, `class`, `dataset`, `on*` listeners, other attributes
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'text') el.textContent = value;
    else if (key === 'class') el.classList.add(...String(value).split(/\s+/).filter(Boolean));
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) if (child != null && child !== false) el.append(child);
  return el;
}

/** @param {string} selector @param {ParentNode} [root] @returns {HTMLElement} */
export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`livehub: no element ${selector}`);
  return el;
}

/** Sets textContent (and title) only when different. @param {Element} el @param {string} text @param {string} [title] */
export function setText(el, text, title) {
  if (el.textContent !== text) el.textContent = text;
  if (title !== undefined && el.title !== title) el.title = title;
}

/** Replays a CSS animation class on an element. @param {Element} el @param {string} cls */
export function flash(el, cls) {
  el.classList.remove(cls);
  void el.offsetWidth; // restart the animation
  el.classList.add(cls);
}
