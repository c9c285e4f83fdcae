/**
 * The page footer's links, from GET /api/v1/ui: the engine's own health and metrics (on its
 * management interface) and the operator's service links (`porthole.ui.service-links`, checked by
 * the engine at start). Checked again here: only http(s) URLs without credentials become links,
 * labels are plain text, and a malformed answer shows no link rather than a broken one.
 */
import { cleanText } from '../api/errors.js';
import { element } from './dom.js';

export const MAX_SERVICE_LINKS = 16;
const MAX_LABEL_CHARS = 64;
const MAX_URL_CHARS = 2048;

/**
 * @typedef {object} FooterLink
 * @property {string} label shown as text
 * @property {string} url an http(s) URL
 * @property {'engine-health'|'engine-metrics'|'service'} kind
 */

/**
 * The URL when it is an absolute http or https URL without user credentials, else null.
 * @param {unknown} value
 */
export function linkUrl(value) {
  if (typeof value !== 'string' || value === '' || value.length > MAX_URL_CHARS) {
    return null;
  }
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    return null;
  }
  return url.href;
}

/**
 * The footer's links from the engine's /ui answer, in order: engine health, engine metrics, then
 * the service links; bad entries are left out.
 * @param {unknown} data the parsed JSON
 * @returns {FooterLink[]}
 */
export function footerLinks(data) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return [];
  }
  const links = [];
  const add = (label, url, kind) => {
    const safe = linkUrl(url);
    if (label && safe) {
      links.push({ label, url: safe, kind });
    }
  };
  const engine = data.engine !== null && typeof data.engine === 'object' ? data.engine : {};
  add('Engine health', engine.health, 'engine-health');
  add('Engine metrics', engine.metrics, 'engine-metrics');
  const services = Array.isArray(data.serviceLinks) ? data.serviceLinks.slice(0, MAX_SERVICE_LINKS) : [];
  for (const link of services) {
    if (link !== null && typeof link === 'object') {
      add(cleanText(link.label, MAX_LABEL_CHARS), link.url, 'service');
    }
  }
  return links;
}

/**
 * The footer's link elements (text-only, never parsed as HTML).
 * @param {Document} doc
 * @param {FooterLink[]} links
 * @returns {HTMLElement[]}
 */
export function renderFooterLinks(doc, links) {
  return links.map((link) => element(doc, 'a', {
    className: 'footer-link',
    text: link.label,
    testid: 'footer-link',
    data: { kind: link.kind },
    attrs: { href: link.url, rel: 'noreferrer' },
  }));
}

/**
 * Loads the links once and shows them in `container` (left hidden when there are none or the
 * engine cannot say: the footer is not worth an error line).
 * @param {{client: {ui: () => Promise<unknown>}, container: HTMLElement, doc: Document}} options
 */
export async function showFooterLinks({ client, container, doc }) {
  let links = [];
  try {
    links = footerLinks(await client.ui());
  } catch {
    links = [];
  }
  container.replaceChildren(...renderFooterLinks(doc, links));
  container.dataset.state = links.length ? 'ok' : 'empty';
  container.hidden = links.length === 0;
}
