// A tiny stand-in for the browser document, enough for the renderers (page/dom.js users):
// createElement, createTextNode, append, setAttribute, dataset, textContent, className.
// Parsing HTML is not supported at all: innerHTML/outerHTML/insertAdjacentHTML throw, so a
// renderer that tried to parse a server string fails its test.

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

class FakeText {
  constructor(data) {
    this.nodeType = 3;
    this.data = String(data);
  }

  get textContent() {
    return this.data;
  }
}

export class FakeElement {
  constructor(tagName) {
    this.nodeType = 1;
    this.tagName = tagName.toUpperCase();
    this.children = [];
    this.attributes = new Map();
    this.dataset = new Proxy({}, {
      set: (target, name, value) => {
        this.attributes.set(`data-${kebab(name)}`, String(value));
        return true;
      },
      get: (target, name) => this.attributes.get(`data-${kebab(String(name))}`),
    });
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  set className(value) {
    this.attributes.set('class', String(value));
  }

  get className() {
    return this.getAttribute('class') ?? '';
  }

  append(...nodes) {
    for (const node of nodes) {
      this.children.push(typeof node === 'string' ? new FakeText(node) : node);
    }
  }

  set textContent(value) {
    this.children = [new FakeText(value)];
  }

  get textContent() {
    return this.children.map((c) => c.textContent).join('');
  }

  set innerHTML(value) {
    throw new Error('innerHTML must never be used');
  }

  set outerHTML(value) {
    throw new Error('outerHTML must never be used');
  }

  insertAdjacentHTML() {
    throw new Error('insertAdjacentHTML must never be used');
  }
}

export const fakeDocument = {
  createElement: (tag) => new FakeElement(tag),
  createTextNode: (text) => new FakeText(text),
};

/** Every element under (and including) `root`, depth first. */
export function allElements(root) {
  const found = [];
  const walk = (node) => {
    if (node.nodeType === 1) {
      found.push(node);
      node.children.forEach(walk);
    }
  };
  walk(root);
  return found;
}

/** Every text node's data under `root`. */
export function allTexts(root) {
  const found = [];
  const walk = (node) => (node.nodeType === 3 ? found.push(node.data) : node.children.forEach(walk));
  walk(root);
  return found;
}

/** The elements under `root` with this data-testid. */
export function byTestId(root, testid) {
  return allElements(root).filter((e) => e.getAttribute('data-testid') === testid);
}
