// Building the DOM without a framework: h() makes an element, clear() empties one, field() and
// table() are the two shapes every page repeats. Text is always set as text (never innerHTML), so
// nothing a customer typed is ever parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';
// Set as properties, not attributes: what the user sees and what the element reports must agree.
const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'indeterminate']);

function apply(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on:')) {
      el.addEventListener(name.slice(3), value);
    } else if (name === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (name === 'style' && typeof value === 'object') {
      Object.assign(el.style, value);
    } else if (PROPERTIES.has(name) && !(el instanceof SVGElement)) {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// h('button', {class: 'primary', 'on:click': save, 'data-testid': 'save'}, t('common.save'))
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

// The same for SVG (charts are drawn by our own code): svg('rect', {x: 0, y: 0, width: 10, height: 4})
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let fieldCount = 0;

// A label, its input and the error message next to it. The input gets an id when it has none, the
// error paragraph is linked with aria-describedby, and aria-invalid is set while there is an error.
// setError(message) on the returned element changes the message later (null clears it).
export function field(label, input, error = null, hint = null) {
  fieldCount += 1;
  if (!input.id) input.id = `field-${fieldCount}`;
  const errorEl = h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert' });
  const hintEl = hint ? h('p', { class: 'field-hint', id: `${input.id}-hint` }, hint) : null;
  const wrapper = h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl, errorEl);
  wrapper.setError = (message) => {
    errorEl.textContent = message || '';
    errorEl.hidden = !message;
    const described = [hintEl && hintEl.id, message && errorEl.id].filter(Boolean).join(' ');
    if (described) input.setAttribute('aria-describedby', described);
    else input.removeAttribute('aria-describedby');
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  wrapper.setError(error);
  return wrapper;
}

// columns: [{key, label, render(row) → node or text (default: row[key]), class}]
// options: {caption, empty (text when there are no rows), rowAttrs(row) → attrs of the <tr>}
export function table(columns, rows, options = {}) {
  const head = h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label))));
  const body = h(
    'tbody',
    null,
    rows.length === 0 && options.empty
      ? h('tr', null, h('td', { colspan: columns.length, class: 'empty' }, options.empty))
      : rows.map((row) =>
          h(
            'tr',
            options.rowAttrs ? options.rowAttrs(row) : null,
            columns.map((c) => h('td', { class: c.class }, c.render ? c.render(row) : row[c.key] ?? '')),
          ),
        ),
  );
  return h('div', { class: 'table-wrap' }, h('table', null, options.caption ? h('caption', null, options.caption) : null, head, body));
}
