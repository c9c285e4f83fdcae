import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canOpenConsole, consoleHref, consoleUnavailableReason, describeGuest, normalizeVm, normalizeVmList, vmIdFromSearch,
} from '../../main/web/js/vms/vm-list.js';
import { renderVmRow } from '../../main/web/js/vms/vm-rows.js';
import { allTexts, byTestId, fakeDocument } from './support/fake-dom.js';

const UUID = '0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e';

function vm(overrides = {}) {
  return {
    id: UUID, name: 'demo', state: 'running', hostId: 'localhost:9443', hostOnline: true,
    graphics: { type: 'vnc', exposed: false, passwordCapable: true }, ...overrides,
  };
}

test('normalizes the engine VM list and sorts it by name', () => {
  const { vms, ignored } = normalizeVmList([vm({ name: 'zeta', id: 'b' }), vm({ name: 'alpha', id: 'a' })]);
  assert.deepEqual(vms.map((v) => v.name), ['alpha', 'zeta']);
  assert.equal(ignored, 0);
  assert.deepEqual(vms[0].graphics, { type: 'vnc', exposed: false, passwordCapable: true });
});

test('drops malformed entries and counts them', () => {
  const { vms, ignored } = normalizeVmList([vm(), null, 'vm', [], { name: 'no id' }, { id: 7 }, { id: 'x'.repeat(500) }, { id: 'a\u0000b' }]);
  assert.equal(vms.length, 1);
  assert.equal(ignored, 7);
});

test('refuses a list that is not an array', () => {
  for (const data of [null, {}, 'vms', { length: 1, 0: vm() }]) {
    assert.throws(() => normalizeVmList(data), /not an array/);
  }
});

test('only a strict true counts as exposed or password capable', () => {
  const normalized = normalizeVm(vm({ graphics: { type: 'VNC', exposed: 'true', passwordCapable: 1 } }));
  assert.deepEqual(normalized.graphics, { type: 'vnc', exposed: false, passwordCapable: false });
});

test('cleans hostile names and keeps unknown fields out', () => {
  const normalized = normalizeVm(vm({ name: '<b>x</b>\u202e', state: 'RUNNING', extra: 'ignored', hostOnline: 'yes' }));
  assert.equal(normalized.name, '<b>x</b>');
  assert.equal(normalized.state, 'running');
  assert.equal(normalized.hostOnline, null);
  assert.equal('extra' in normalized, false);
});

test('opens a console only for a running VM whose VNC takes a password', () => {
  assert.equal(canOpenConsole(normalizeVm(vm())), true);
  assert.match(consoleUnavailableReason(normalizeVm(vm({ state: 'shutoff' }))), /not running/);
  assert.match(consoleUnavailableReason(normalizeVm(vm({ graphics: null }))), /no graphics/);
  assert.match(consoleUnavailableReason(normalizeVm(vm({ graphics: { type: 'vnc', passwordCapable: false } }))), /without password/);
});

test('an exposed VM can still open a console but is flagged', () => {
  const normalized = normalizeVm(vm({ graphics: { type: 'vnc', exposed: true, passwordCapable: true } }));
  assert.equal(normalized.graphics.exposed, true);
  assert.equal(canOpenConsole(normalized), true);
});

test('builds the console link with the id encoded', () => {
  assert.equal(consoleHref(UUID), `/console.html?vm=${UUID}`);
  assert.equal(consoleHref('a&b=c'), '/console.html?vm=a%26b%3Dc');
});

test('reads the VM UUID from the console page query', () => {
  assert.equal(vmIdFromSearch(`?vm=${UUID}`), UUID);
  assert.equal(vmIdFromSearch(`?x=1&vm=${UUID.toUpperCase()}`), UUID.toUpperCase());
});

test('rejectsVmParameterThatIsNotAUuid: path tricks and markup never reach the API URL', () => {
  for (const search of ['', '?vm=', '?vm=../jwks', '?vm=%2e%2e%2Fjwks', '?vm=<script>', `?vm=${UUID}x`, '?other=1']) {
    assert.throws(() => vmIdFromSearch(search), (error) => error.status === 'BAD_REQUEST', search);
  }
});

test('shows what the guest agent reports, and never a lock it cannot vouch for', () => {
  assert.deepEqual(describeGuest(null), { state: 'none', text: 'no guest agent' });
  const locked = normalizeVm(vm({ guest: { responsive: true, agentVersion: '0.1.0', users: ['tester'], session: 'locked', locked: true } }));
  assert.deepEqual(describeGuest(locked.guest), { state: 'locked', text: 'agent 0.1.0 · locked · tester' });
  const silent = normalizeVm(vm({ guest: { responsive: false, agentVersion: '0.1.0', session: 'locked', locked: true } }));
  assert.equal(silent.guest.locked, false);
  assert.equal(describeGuest(silent.guest).state, 'unresponsive');
  assert.match(describeGuest(silent.guest).text, /not responding · screen state unknown/);
});

test('bounds and cleans what a guest reports', () => {
  const hostile = normalizeVm(vm({ guest: {
    responsive: true, agentVersion: '<img src=x>\u202e'.repeat(50), session: 'pwned', locked: 'yes',
    users: [...Array(100).keys()].map((i) => `u${i}`).concat([{ evil: 1 }, 42]),
  } }));
  assert.equal(hostile.guest.session, 'unknown');
  assert.equal(hostile.guest.locked, false);
  assert.equal(hostile.guest.users.length, 16);
  assert.ok(hostile.guest.agentVersion.length <= 64);
  assert.ok(!hostile.guest.agentVersion.includes('\u202e'));
  assert.equal(normalizeVm(vm({ guest: 'nope' })).guest, null);
  assert.equal(normalizeVm(vm({ guest: [1] })).guest, null);
});

test('hostDotStaysWithItsName: the dot and the host name are one box; the guest line holds no emoji', () => {
  const row = renderVmRow(fakeDocument, normalizeVm(vm({ guest: { responsive: true, session: 'locked', locked: true, users: ['alice'] } })));
  const [host] = byTestId(row, 'vm-host');
  assert.equal(host.className, 'host');
  assert.deepEqual(host.children.map((c) => c.getAttribute('data-testid')), ['vm-host-dot', 'vm-host-name']);
  const [guest] = byTestId(row, 'vm-guest');
  assert.equal(guest.getAttribute('data-guest'), 'locked');
  assert.match(allTexts(guest).join(''), /^[\x20-\x7e·]+$/);
});
