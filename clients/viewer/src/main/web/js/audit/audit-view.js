/**
 * Draws audit rows. The document is passed in (see page/dom.js); every server string goes
 * in as text. A row's session id is a button (`audit-session`, `data-session-id`) that opens
 * that session's story; its VM is shown by name (`audit-vm`, the UUID in `title` and
 * `data-vm-id`), its detail as "key: value" lines (`audit-detail`).
 */
import { button, element } from '../page/dom.js';

export const AUDIT_COLUMNS = 8;
/** How much of a UUID names a VM the engine no longer knows (the whole one is in the title). */
const SHORT_ID_CHARS = 8;

/**
 * One event row: `data-audit-id`, `data-testid="audit-row"` (`audit-story-row` in a story).
 * @param {Document} doc
 * @param {import('./audit.js').AuditEvent} event
 * @param {{story?: boolean}} [options] in a story the session is plain text
 */
export function renderAuditRow(doc, event, { story = false } = {}) {
  const td = (text, className) => element(doc, 'td', { text, className });
  return element(doc, 'tr', { testid: story ? 'audit-story-row' : 'audit-row', data: { auditId: event.id, kind: event.kind } }, [
    element(doc, 'td', { className: 'muted when', text: when(event.occurredAt), attrs: { title: event.occurredAt } }),
    td(event.kind, 'event-kind'),
    td(event.actor),
    td(event.clientAddress, 'mono address'),
    vmCell(doc, event),
    sessionCell(doc, event.sessionId, story),
    td(event.reason, 'reason'),
    detailCell(doc, event.detail),
  ]);
}

function sessionCell(doc, sessionId, story) {
  if (!sessionId) {
    return element(doc, 'td', {});
  }
  const shown = story
    ? element(doc, 'span', { className: 'mono', text: shortId(sessionId) })
    : button(doc, shortId(sessionId), 'audit-session', { action: 'show-session', sessionId });
  shown.setAttribute('title', sessionId);
  return element(doc, 'td', { className: 'session' }, [shown]);
}

/** `2026-11-22T10:01:02.123456Z` → `2026-11-22 10:01:02 UTC`; anything else as it came. */
function when(occurredAt) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(occurredAt);
  return match ? `${match[1]} ${match[2]} UTC` : occurredAt;
}

function vmCell(doc, event) {
  if (!event.vmUuid) {
    return element(doc, 'td', {});
  }
  const known = event.vmName !== '';
  const name = element(doc, 'span', {
    className: known ? 'vm-ref' : 'vm-ref mono muted',
    text: known ? event.vmName : shortId(event.vmUuid),
    testid: 'audit-vm',
    data: { vmId: event.vmUuid },
    attrs: { title: known ? event.vmUuid : `${event.vmUuid} (no longer known to the engine)` },
  });
  return element(doc, 'td', {}, [name]);
}

function detailCell(doc, entries) {
  const lines = entries.map(({ key, value }) => element(doc, 'div', { className: 'detail-line' }, key
    ? [element(doc, 'span', { className: 'detail-key', text: `${key}:` }), ' ', value]
    : [value]));
  return element(doc, 'td', {}, [element(doc, 'div', { className: 'detail', testid: 'audit-detail' }, lines)]);
}

function shortId(id) {
  return id.length > SHORT_ID_CHARS + 1 ? `${id.slice(0, SHORT_ID_CHARS)}…` : id;
}

/** The row shown when no event matches. */
export function renderAuditEmpty(doc) {
  const td = element(doc, 'td', { className: 'empty', text: 'No audit events match.' });
  td.setAttribute('colspan', String(AUDIT_COLUMNS));
  return element(doc, 'tr', { testid: 'audit-empty' }, [td]);
}
