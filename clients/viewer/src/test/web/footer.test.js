import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SERVICE_LINKS, footerLinks, linkUrl, renderFooterLinks, showFooterLinks } from '../../main/web/js/page/footer.js';
import { allElements, allTexts, byTestId, fakeDocument } from './support/fake-dom.js';

const ANSWER = {
  engine: { health: 'http://localhost:9180/q/health', metrics: 'http://localhost:9180/metrics' },
  serviceLinks: [
    { label: 'ws-proxy health', url: 'http://127.0.0.1:9181/q/health' },
    { label: 'host agent metrics', url: 'https://agent.example:9182/metrics' },
  ],
};

test('the footer links the engine health and metrics, then the service links, in order', () => {
  const links = footerLinks(ANSWER);
  assert.deepEqual(links.map((l) => [l.kind, l.label, l.url]), [
    ['engine-health', 'Engine health', 'http://localhost:9180/q/health'],
    ['engine-metrics', 'Engine metrics', 'http://localhost:9180/metrics'],
    ['service', 'ws-proxy health', 'http://127.0.0.1:9181/q/health'],
    ['service', 'host agent metrics', 'https://agent.example:9182/metrics'],
  ]);
  const rendered = renderFooterLinks(fakeDocument, links);
  assert.deepEqual(rendered.map((a) => a.tagName), ['A', 'A', 'A', 'A']);
  assert.deepEqual(rendered.map((a) => a.getAttribute('href')), links.map((l) => l.url));
  assert.deepEqual(rendered.map((a) => a.getAttribute('data-testid')), Array(4).fill('footer-link'));
  assert.deepEqual(rendered.map((a) => a.dataset.kind), ['engine-health', 'engine-metrics', 'service', 'service']);
  assert.equal(rendered[0].getAttribute('rel'), 'noreferrer');
});

test('rejectsScriptAndCredentialLinks: only http(s) URLs without credentials become links', () => {
  for (const bad of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://host/x', '/relative',
    'http://user:secret@host/', 'not a url', '', 42, null, `http://h/${'a'.repeat(2100)}`]) {
    assert.equal(linkUrl(bad), null, String(bad).slice(0, 40));
  }
  const links = footerLinks({
    engine: { health: 'javascript:alert(1)', metrics: 'http://localhost:9180/metrics' },
    serviceLinks: [
      { label: 'evil', url: 'javascript:alert(document.cookie)' },
      { label: 'creds', url: 'https://admin:pw@host/' },
      { label: '', url: 'http://ok.example/' },
      'http://no-label.example/',
      { label: 'kept', url: 'http://ok.example/' },
    ],
  });
  assert.deepEqual(links.map((l) => l.label), ['Engine metrics', 'kept']);
});

test('a hostile label shows as text, never as markup', () => {
  const [link] = renderFooterLinks(fakeDocument,
    footerLinks({ serviceLinks: [{ label: '<img src=x onerror=alert(1)>', url: 'http://ok.example/' }] }));
  assert.equal(link.textContent, '<img src=x onerror=alert(1)>');
  assert.deepEqual(allElements(link).map((e) => e.tagName), ['A']);
});

test('a malformed answer gives no links, and at most the cap of service links is kept', () => {
  for (const data of [null, [], 'x', {}, { engine: 'x', serviceLinks: 'y' }]) {
    assert.deepEqual(footerLinks(data), [], JSON.stringify(data));
  }
  const many = Array.from({ length: MAX_SERVICE_LINKS + 5 }, (_, i) => ({ label: `s${i}`, url: `http://h${i}.example/` }));
  assert.equal(footerLinks({ serviceLinks: many }).length, MAX_SERVICE_LINKS);
});

function fakeContainer() {
  const container = fakeDocument.createElement('nav');
  container.hidden = true;
  container.replaceChildren = (...nodes) => {
    container.children = [];
    container.append(...nodes);
  };
  return container;
}

test('showFooterLinks fills the footer from the engine, and hides it when the engine cannot say', async () => {
  const shown = fakeContainer();
  await showFooterLinks({ client: { ui: async () => ANSWER }, container: shown, doc: fakeDocument });
  assert.equal(shown.hidden, false);
  assert.equal(shown.dataset.state, 'ok');
  assert.equal(byTestId(shown, 'footer-link').length, 4);
  assert.deepEqual(allTexts(shown), ['Engine health', 'Engine metrics', 'ws-proxy health', 'host agent metrics']);

  const failed = fakeContainer();
  await showFooterLinks({ client: { ui: async () => { throw new Error('503'); } }, container: failed, doc: fakeDocument });
  assert.equal(failed.hidden, true);
  assert.equal(failed.dataset.state, 'empty');
  assert.equal(byTestId(failed, 'footer-link').length, 0);
});
