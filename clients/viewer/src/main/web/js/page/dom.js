/**
 * Builds elements without ever parsing HTML: every string goes in as textContent or an
 * attribute value, so a server string like `<img src=x onerror=…>` stays text. The document
 * is passed in, so the renderers run under node:test with a small fake document.
 */

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {{className?: string, text?: string, testid?: string, data?: Record<string, string>,
 *   attrs?: Record<string, string>}} [props]
 * @param {(Node|string)[]} [children] strings become text nodes
 */
export function element(doc, tag, props = {}, children = []) {
  const node = doc.createElement(tag);
  if (props.className) {
    node.className = props.className;
  }
  if (props.testid) {
    node.setAttribute('data-testid', props.testid);
  }
  for (const [name, value] of Object.entries(props.data ?? {})) {
    node.dataset[name] = value;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  if (props.text !== undefined) {
    node.textContent = props.text;
  }
  for (const child of children) {
    node.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
  return node;
}

/** A button of the given action and test id. */
export function button(doc, text, testid, data = {}) {
  return element(doc, 'button', { text, testid, data, attrs: { type: 'button' } });
}

