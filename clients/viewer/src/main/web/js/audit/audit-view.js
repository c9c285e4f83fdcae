/**
 * Draws audit rows. The document is passed in (see page/dom.js); every server string goes
 * in as text. A row's session id is a button (`audit-session`, `data-session-id`) that opens
 * that session's story.
 */
import { button, element } from '../page/dom.js';

export const AUDIT_COLUMNS = 8;

/**
 * One event row: `data-audit-id`, `data-testid="audit-row"` (`audit-story-row` in a story).
 * @param {Document} doc
 * @param {import('./audit.js').AuditEvent} event
 * @param {{story?: boolean}} [options] in a story the session is plain text
 */
export function renderAuditRow(doc, event, { story = false } = {}) {
  const td = (text, className) => element(doc, 'td', { text, className });
  const session = event.sessionId && !story
    ? element(doc, 'td', {}, [button(doc, event.sessionId, 'audit-session', { action: 'show-session', sessionId: event.sessionId })])
    : td(event.sessionId, 'mono');
  return element(doc, 'tr', { testid: story ? 'audit-story-row' : 'audit-row', data: { auditId: event.id, kind: event.kind } }, [
    td(event.occurredAt, 'muted'),
    td(event.kind, 'event-kind'),
    td(event.actor),
    td(event.clientAddress, 'mono'),
    td(event.vmUuid, 'mono'),
    session,
    td(event.reason),
    td(event.detail, 'detail'),
  ]);
}

/** The row shown when no event matches. */
export function renderAuditEmpty(doc) {
  const td = element(doc, 'td', { className: 'empty', text: 'No audit events match.' });
  td.setAttribute('colspan', String(AUDIT_COLUMNS));
  return element(doc, 'tr', { testid: 'audit-empty' }, [td]);
}
