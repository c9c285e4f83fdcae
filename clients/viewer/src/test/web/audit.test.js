import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMIT, MAX_PAGE, auditQuery, detailEntries, normalizeAuditList, pageOf, sessionQuery, sessionStory } from '../../main/web/js/audit/audit.js';
import { renderAuditEmpty, renderAuditRow } from '../../main/web/js/audit/audit-view.js';
import { allTexts, byTestId, fakeDocument } from './support/fake-dom.js';

const UUID = '0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e';

test('empty filters ask for the default page and one event more', () => {
  const page = { ok: true, query: `?limit=${DEFAULT_LIMIT + 1}`, pageSize: DEFAULT_LIMIT };
  assert.deepEqual(auditQuery({}), page);
  assert.deepEqual(auditQuery({ user: '  ', vm: '', limit: '' }), page);
});

test('auditPaging: an older page asks for the events before an id; a bad cursor is not sent', () => {
  assert.equal(new URLSearchParams(auditQuery({ limit: '25' }, { before: '4711' }).query).get('before'), '4711');
  assert.equal(new URLSearchParams(auditQuery({ limit: '25' }, { before: '4711' }).query).get('limit'), '26');
  for (const before of ['', '0', '-1', 'x', '1&vm=2', '1'.repeat(19)]) {
    assert.equal(new URLSearchParams(auditQuery({}, { before }).query).has('before'), false, before);
  }
  const events = normalizeAuditList([{ id: 3 }, { id: 2 }, { id: 1 }]);
  assert.deepEqual(pageOf(events, 2), { events: events.slice(0, 2), older: true });
  assert.deepEqual(pageOf(events, 3), { events, older: false });
});

test('auditFiltersToQuery: user, VM, session, from and to (as UTC instants) and limit, encoded', () => {
  const from = '2026-11-22T10:00';
  const to = '2026-11-22T11:30:15';
  const session = '7d1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6f';
  const { ok, query } = auditQuery({ user: ' alice&x=1 ', vm: UUID, session, from, to, limit: '50' });
  assert.equal(ok, true);
  const params = new URLSearchParams(query);
  assert.deepEqual([...params.keys()], ['user', 'vm', 'session', 'from', 'to', 'limit']);
  assert.equal(params.get('user'), 'alice&x=1');
  assert.equal(params.get('vm'), UUID);
  assert.equal(params.get('session'), session);
  assert.equal(params.get('from'), new Date(from).toISOString());
  assert.equal(params.get('to'), new Date(to).toISOString());
  assert.equal(params.get('limit'), '51');
  assert.match(query, /user=alice%26x%3D1&/);
});

test('rejectsBadAuditFilters: unreadable dates, to before from, limits out of range, control characters', () => {
  assert.deepEqual(Object.keys(auditQuery({ from: 'yesterday' }).errors), ['from']);
  assert.deepEqual(Object.keys(auditQuery({ from: '2026-11-22T12:00', to: '2026-11-22T11:00' }).errors), ['to']);
  for (const limit of ['0', String(MAX_PAGE + 1), '2.5', 'ten', '-1']) {
    assert.deepEqual(Object.keys(auditQuery({ limit }).errors), ['limit'], limit);
  }
  assert.deepEqual(Object.keys(auditQuery({ user: 'a\u0000b', vm: 'x'.repeat(129) }).errors).sort(), ['user', 'vm']);
  assert.deepEqual(Object.keys(auditQuery({ vm: 'demo', session: '../x' }).errors).sort(), ['session', 'vm']);
});

test('a session story asks for that session with the maximum limit', () => {
  const params = new URLSearchParams(sessionQuery('abc&x'));
  assert.equal(params.get('session'), 'abc&x');
  assert.equal(params.get('limit'), '1000');
});

test('normalizes events, keeping the server order, with a bounded detail and the VM name', () => {
  const events = normalizeAuditList([
    { id: 2, kind: 'DISCONNECTED', occurredAt: '2026-11-22T10:02:00Z', actor: 'alice', vmUuid: UUID, vmName: 'demo',
      detail: { why: 'x'.repeat(2000) } },
    { id: 1, kind: 'CONNECTED', occurredAt: '2026-11-22T10:01:00Z', actor: 'alice', detail: 'plain' },
    null, { kind: 'no id' },
  ]);
  assert.deepEqual(events.map((e) => e.id), ['2', '1']);
  assert.equal(events[0].vmName, 'demo');
  assert.equal(events[1].vmName, '');
  assert.ok(events[0].detail[0].value.length <= 200);
  assert.deepEqual(events[1].detail, [{ key: '', value: 'plain' }]);
  assert.equal(events[1].sessionId, '');
  assert.throws(() => normalizeAuditList({}), /not an array/);
});

test('sessionStoryOldestFirst: the newest-first list is told oldest first, ties in server order reversed', () => {
  const newestFirst = normalizeAuditList([
    { id: 4, kind: 'DISCONNECTED', occurredAt: '2026-11-22T10:03:00Z' },
    { id: 3, kind: 'TAKEOVER', occurredAt: '2026-11-22T10:02:00Z' },
    { id: 2, kind: 'CONNECTED', occurredAt: '2026-11-22T10:01:00Z' },
    { id: 1, kind: 'TICKET_ISSUED', occurredAt: '2026-11-22T10:01:00Z' },
  ]);
  assert.deepEqual(sessionStory(newestFirst).map((e) => e.kind), ['TICKET_ISSUED', 'CONNECTED', 'TAKEOVER', 'DISCONNECTED']);
  assert.deepEqual(newestFirst.map((e) => e.id), ['4', '3', '2', '1'], 'the input is not changed');
});

test('audit rows: hostile strings stay text, the session id is a button with its id', () => {
  const [event] = normalizeAuditList([{ id: 5, kind: 'CONNECTED', occurredAt: 't', actor: '<img src=x onerror=alert(1)>',
    sessionId: 'sess-1', reason: '<b>r</b>', detail: '<script>alert(1)</script>' }]);
  const row = renderAuditRow(fakeDocument, event);
  assert.equal(row.getAttribute('data-audit-id'), '5');
  assert.equal(row.getAttribute('data-testid'), 'audit-row');
  const texts = allTexts(row);
  for (const hostile of ['<img src=x onerror=alert(1)>', '<b>r</b>', '<script>alert(1)</script>']) {
    assert.ok(texts.includes(hostile), hostile);
  }
  const [link] = byTestId(row, 'audit-session');
  assert.equal(link.getAttribute('data-session-id'), 'sess-1');
  const storyRow = renderAuditRow(fakeDocument, event, { story: true });
  assert.equal(storyRow.getAttribute('data-testid'), 'audit-story-row');
  assert.equal(byTestId(storyRow, 'audit-session').length, 0);
  assert.equal(byTestId(renderAuditEmpty(fakeDocument), 'audit-empty').length, 1);
});

test('auditDetailIsReadable: fields become "key: value" lines in order, nested paths and lists spelled out, bounded', () => {
  assert.deepEqual(detailEntries({ mode: 'view', claimsVerified: false, suppressed: 0, action: { name: 'lock-screen', confirmed: true },
    groups: ['a', 'b'], spn: null }), [
    { key: 'mode', value: 'view' },
    { key: 'claims verified', value: 'false' },
    { key: 'suppressed', value: '0' },
    { key: 'action / name', value: 'lock-screen' },
    { key: 'action / confirmed', value: 'true' },
    { key: 'groups', value: 'a, b' },
    { key: 'spn', value: '—' },
  ]);
  assert.deepEqual(detailEntries(null), []);
  assert.deepEqual(detailEntries({}), []);
  const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
  assert.equal(detailEntries(many).length, 24);
  const deep = detailEntries({ a: { b: { c: { d: { e: 1 } } } } });
  assert.deepEqual(deep, [{ key: 'a / b / c / d', value: '{"e":1}' }]);
});

test('audit rows: the VM by name (UUID in the title), an unknown VM by the UUID\'s start, no JSON in the detail', () => {
  const [named, removed] = normalizeAuditList([
    { id: 9, kind: 'acl.created', occurredAt: '2026-11-22T10:01:02.123456Z', vmUuid: UUID, vmName: 'demo',
      detail: { subject: 'bob', permission: 'console.view' } },
    { id: 8, kind: 'acl.created', occurredAt: 'x', vmUuid: UUID },
  ]);
  const row = renderAuditRow(fakeDocument, named);
  const [vm] = byTestId(row, 'audit-vm');
  assert.equal(vm.textContent, 'demo');
  assert.equal(vm.getAttribute('title'), UUID);
  assert.equal(vm.getAttribute('data-vm-id'), UUID);
  const [detail] = byTestId(row, 'audit-detail');
  assert.deepEqual(allTexts(detail).join(''), 'subject: bobpermission: console.view');
  assert.ok(allTexts(row).includes('2026-11-22 10:01:02 UTC'));
  const [short] = byTestId(renderAuditRow(fakeDocument, removed), 'audit-vm');
  assert.equal(short.textContent, '0b1c9a7e…');
});
