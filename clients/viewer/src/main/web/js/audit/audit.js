/**
 * The audit trail as GET /api/v1/audit answers it (newest first), the filter form turned
 * into a query string, and one console session's story told oldest first.
 * Pure functions, tested without a browser.
 */
import { ApiError, cleanText } from '../api/errors.js';

export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 1000;
const MAX_FILTER_CHARS = 128;
const MAX_FIELD_CHARS = 200;
const MAX_DETAIL_CHARS = 500;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Filters the engine reads as UUIDs. */
const UUID_FILTERS = new Set(['vm', 'session']);

/**
 * @typedef {object} AuditEvent
 * @property {string} id
 * @property {string} kind
 * @property {string} occurredAt
 * @property {string} actor
 * @property {string} clientAddress
 * @property {string} vmUuid
 * @property {string} sessionId
 * @property {string} reason
 * @property {string} detail
 */

/**
 * Turns the filter form into the query string of GET /audit.
 * `from`/`to` come from datetime-local inputs (the browser's local time) and are sent as
 * ISO-8601 UTC instants.
 * @param {Record<string, unknown>} filters user, vm, session, from, to, limit (strings)
 * @returns {{ok: true, query: string} | {ok: false, errors: Record<string, string>}}
 */
export function auditQuery(filters) {
  const value = (name) => (typeof filters?.[name] === 'string' ? filters[name].trim() : '');
  const query = new URLSearchParams();
  const errors = {};
  for (const name of ['user', 'vm', 'session']) {
    const text = value(name);
    if (text === '') {
      continue;
    }
    if (text.length > MAX_FILTER_CHARS || cleanText(text, MAX_FILTER_CHARS) !== text) {
      errors[name] = `At most ${MAX_FILTER_CHARS} characters without control characters.`;
    } else if (UUID_FILTERS.has(name) && !UUID_PATTERN.test(text)) {
      errors[name] = 'A UUID.';
    } else {
      query.set(name, text);
    }
  }
  const instants = {};
  for (const name of ['from', 'to']) {
    const text = value(name);
    if (text === '') {
      continue;
    }
    const time = new Date(text);
    if (Number.isNaN(time.getTime())) {
      errors[name] = 'Not a date and time.';
    } else {
      instants[name] = time;
      query.set(name, time.toISOString());
    }
  }
  if (instants.from && instants.to && instants.from > instants.to) {
    errors.to = '"To" is before "from".';
  }
  const limitText = value('limit');
  const limit = limitText === '' ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    errors.limit = `A whole number from 1 to ${MAX_LIMIT}.`;
  } else {
    query.set('limit', String(limit));
  }
  return Object.keys(errors).length === 0 ? { ok: true, query: `?${query}` } : { ok: false, errors };
}

/** The query for one session's whole story. */
export function sessionQuery(sessionId) {
  return `?${new URLSearchParams({ session: sessionId, limit: String(MAX_LIMIT) })}`;
}

/**
 * Normalizes the audit list, keeping the server's order (newest first).
 * @param {unknown} data
 * @returns {AuditEvent[]}
 */
export function normalizeAuditList(data) {
  if (!Array.isArray(data)) {
    throw new ApiError('BAD_RESPONSE', 'The engine\'s audit list is not an array.');
  }
  return data.map(normalizeAuditEvent).filter(Boolean);
}

function normalizeAuditEvent(item) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return null;
  }
  const id = typeof item.id === 'number' && Number.isSafeInteger(item.id) ? String(item.id) : cleanText(item.id, 64);
  if (!id) {
    return null;
  }
  const text = (v) => cleanText(v, MAX_FIELD_CHARS);
  return {
    id,
    kind: text(item.kind),
    occurredAt: text(item.occurredAt),
    actor: text(item.actor),
    clientAddress: text(item.clientAddress),
    vmUuid: text(item.vmUuid),
    sessionId: text(item.sessionId),
    reason: text(item.reason),
    detail: detailText(item.detail),
  };
}

function detailText(detail) {
  if (typeof detail === 'string') {
    return cleanText(detail, MAX_DETAIL_CHARS);
  }
  if (detail === null || detail === undefined) {
    return '';
  }
  try {
    return cleanText(JSON.stringify(detail), MAX_DETAIL_CHARS);
  } catch {
    return '';
  }
}

/**
 * One session's events oldest first: by occurredAt, and the server's order (newest first)
 * reversed where times are equal or unreadable.
 * @param {AuditEvent[]} events as the server listed them
 * @returns {AuditEvent[]}
 */
export function sessionStory(events) {
  const time = (event) => {
    const ms = Date.parse(event.occurredAt);
    return Number.isNaN(ms) ? 0 : ms;
  };
  return [...events].reverse().map((event, index) => ({ event, index }))
    .sort((a, b) => time(a.event) - time(b.event) || a.index - b.index)
    .map(({ event }) => event);
}
