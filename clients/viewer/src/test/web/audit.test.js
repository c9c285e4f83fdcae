import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMIT, auditQuery, normalizeAuditList, sessionQuery, sessionStory } from '../../main/web/js/audit/audit.js';
import { renderAuditEmpty, renderAuditRow } from '../../main/web/js/audit/audit-view.js';
import { allTexts, byTestId, fakeDocument } from './support/fake-dom.js';

const UUID = '0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e';

test('empty filters ask for the default limit only', () => {
  assert.deepEqual(auditQuery({}), { ok: true, query: `?limit=${DEFAULT_LIMIT}` });
  assert.deepEqual(auditQuery({ user: '  ', vm: '', limit: '' }), { ok: true, query: `?limit=${DEFAULT_LIMIT}` });
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
  assert.equal(params.get('limit'), '50');
  assert.match(query, /user=alice%26x%3D1&/);
});

test('rejectsBadAuditFilters: unreadable dates, to before from, limits out of range, control characters', () => {
  assert.deepEqual(Object.keys(auditQuery({ from: 'yesterday' }).errors), ['from']);
  assert.deepEqual(Object.keys(auditQuery({ from: '2026-11-22T12:00', to: '2026-11-22T11:00' }).errors), ['to']);
  for (const limit of ['0', '1001', '2.5', 'ten', '-1']) {
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

test('normalizes events, keeping the server order, with a bounded detail text', () => {
  const events = normalizeAuditList([
    { id: 2, kind: 'DISCONNECTED', occurredAt: '2026-11-22T10:02:00Z', actor: 'alice', detail: { why: 'x'.repeat(2000) } },
    { id: 1, kind: 'CONNECTED', occurredAt: '2026-11-22T10:01:00Z', actor: 'alice', detail: 'plain' },
    null, { kind: 'no id' },
  ]);
  assert.deepEqual(events.map((e) => e.id), ['2', '1']);
  assert.ok(events[0].detail.length <= 500);
  assert.equal(events[1].detail, 'plain');
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
