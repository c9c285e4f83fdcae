import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleActions, consoleHref, modeFromSearch, nativeViewerCommand, normalizeVm } from '../../main/web/js/vms/vm-list.js';
import { renderEmptyRow, renderVmRow } from '../../main/web/js/vms/vm-rows.js';
import { byTestId, fakeDocument } from './support/fake-dom.js';

const UUID = '0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e';

function vm(permissions, overrides = {}) {
  return normalizeVm({
    id: UUID, name: 'demo', state: 'running', hostId: 'h', hostOnline: true,
    graphics: { type: 'vnc', exposed: false, passwordCapable: true }, permissions, ...overrides,
  });
}

function buttons(permissions, overrides) {
  const row = renderVmRow(fakeDocument, vm(permissions, overrides));
  const [open] = byTestId(row, 'vm-open');
  const [view] = byTestId(row, 'vm-view');
  return { row, open, view };
}

test('keeps only known permission names, in a fixed order', () => {
  assert.deepEqual(vm(['admin', 'console.view', 'root', 7, 'console.connect']).permissions, ['console.view', 'console.connect', 'admin']);
  assert.deepEqual(vm('admin').permissions, []);
  assert.deepEqual(vm(undefined).permissions, []);
});

test('connect and view rights enable Open and View, with the mode in the link', () => {
  const { row, open, view } = buttons(['console.view', 'console.connect']);
  assert.equal(row.getAttribute('data-vm'), UUID);
  assert.equal(row.getAttribute('data-testid'), 'vm-row');
  assert.equal(open.getAttribute('href'), `/console.html?vm=${UUID}`);
  assert.equal(open.getAttribute('aria-disabled'), null);
  assert.equal(open.getAttribute('data-action'), 'open-console');
  assert.equal(view.getAttribute('href'), `/console.html?vm=${UUID}&mode=view`);
});

test('deniesOpenWithoutConnect: a view-only user gets View but no Open', () => {
  const { open, view } = buttons(['console.view']);
  assert.equal(open.getAttribute('href'), null);
  assert.equal(open.getAttribute('aria-disabled'), 'true');
  assert.match(open.getAttribute('title'), /console\.connect/);
  assert.equal(view.getAttribute('href'), `/console.html?vm=${UUID}&mode=view`);
});

test('deniesViewWithoutView: connect alone opens interactive only', () => {
  const { open, view } = buttons(['console.connect']);
  assert.ok(open.getAttribute('href'));
  assert.equal(view.getAttribute('aria-disabled'), 'true');
  assert.match(view.getAttribute('title'), /console\.view/);
});

test('no console permission, or takeover/sso/admin alone, enables neither button', () => {
  for (const permissions of [[], ['console.takeover', 'console.sso', 'admin']]) {
    const actions = consoleActions(vm(permissions));
    assert.deepEqual(actions.map((a) => a.enabled), [false, false], JSON.stringify(permissions));
    assert.deepEqual(actions.map((a) => a.href), ['', '']);
  }
});

test('rights do not open a VM that cannot take a console', () => {
  const [open, view] = consoleActions(vm(['console.view', 'console.connect'], { state: 'shutoff' }));
  assert.equal(open.enabled, false);
  assert.equal(view.enabled, false);
  assert.match(open.reason, /not running/);
});

test('reads the console mode from the page address', () => {
  assert.equal(modeFromSearch(`?vm=${UUID}`), 'interactive');
  assert.equal(modeFromSearch(`?vm=${UUID}&mode=interactive`), 'interactive');
  assert.equal(modeFromSearch(`?vm=${UUID}&mode=view`), 'view');
  for (const search of ['?mode=VIEW', '?mode=admin', '?mode=<b>']) {
    assert.throws(() => modeFromSearch(search), (error) => error.status === 'BAD_REQUEST', search);
  }
  assert.equal(consoleHref(UUID, 'view'), `/console.html?vm=${UUID}&mode=view`);
});

test('hostile VM names stay text in the row', () => {
  const row = renderVmRow(fakeDocument, vm(['console.view'], { name: '<img src=x onerror=alert(1)>' }));
  assert.ok(row.textContent.includes('<img src=x onerror=alert(1)>'));
  assert.equal(row.children.some((c) => c.tagName === 'IMG'), false);
  assert.equal(byTestId(renderEmptyRow(fakeDocument), 'vm-empty').length, 1);
});

test('offers the exact native viewer command in the best mode the user holds', () => {
  assert.equal(nativeViewerCommand(vm(['console.connect'])), `porthole-viewer connect ${UUID}`);
  assert.equal(nativeViewerCommand(vm(['console.view'])), `porthole-viewer connect --view ${UUID}`);
  assert.equal(nativeViewerCommand(vm([])), '');
  assert.equal(nativeViewerCommand(vm(['console.connect']), 'http://localhost:8080'), `porthole-viewer connect ${UUID}`);
  assert.equal(nativeViewerCommand(vm(['console.connect']), 'https://porthole.example.com'),
    `porthole-viewer --engine https://porthole.example.com connect ${UUID}`);
  assert.equal(nativeViewerCommand(vm(['console.connect']), 'http://x; rm -rf /'), `porthole-viewer connect ${UUID}`);
  const { row } = buttons(['console.connect']);
  const [code] = byTestId(row, 'vm-native-command');
  assert.equal(code.textContent, `porthole-viewer connect ${UUID}`);
  assert.equal(byTestId(buttons([]).row, 'vm-native').length, 0);
});
