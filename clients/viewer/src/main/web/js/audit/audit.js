/**
 * The audit trail as GET /api/v1/audit answers it (newest first), the filter form turned
 * into a query string, and one console session's story told oldest first.
 * Pure functions, tested without a browser.
 */
import { ApiError, cleanText } from '../api/errors.js';

/** Events per page when the form does not say. */
export const DEFAULT_LIMIT = 50;
/** The largest page the form may ask for (the engine's cap is MAX_LIMIT; one more is asked to see if a next page exists). */
export const MAX_PAGE = 500;
export const MAX_LIMIT = 1000;
const MAX_FILTER_CHARS = 128;
const MAX_FIELD_CHARS = 200;
const MAX_DETAIL_VALUE_CHARS = 200;
const MAX_DETAIL_ENTRIES = 24;
const MAX_DETAIL_DEPTH = 3;
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
 * @property {string} vmName '' when the engine knows no name (a VM since removed)
 * @property {string} sessionId
 * @property {string} reason
 * @property {DetailEntry[]} detail
 */

/**
 * One line of an event's detail: `key` is the field's path in words ('' for a detail that is
 * plain text), `value` its text.
 * @typedef {{key: string, value: string}} DetailEntry
 */

/**
 * Turns the filter form into the query string of one page of GET /audit.
 * `from`/`to` come from datetime-local inputs (the browser's local time) and are sent as
 * ISO-8601 UTC instants. `limit` is the page size; one event more is asked for, so the page
 * knows whether an older page exists ({@link pageOf}).
 * @param {Record<string, unknown>} filters user, vm, session, from, to, limit (strings)
 * @param {{before?: string}} [page] `before`: the id of the last event of the newer page
 * @returns {{ok: true, query: string, pageSize: number} | {ok: false, errors: Record<string, string>}}
 */
export function auditQuery(filters, { before = '' } = {}) {
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
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    errors.limit = `A whole number from 1 to ${MAX_PAGE}.`;
  } else {
    query.set('limit', String(limit + 1));
  }
  if (/^[1-9][0-9]{0,17}$/.test(before)) {
    query.set('before', before);
  }
  return Object.keys(errors).length === 0 ? { ok: true, query: `?${query}`, pageSize: limit } : { ok: false, errors };
}

/**
 * One page out of an answer asked with {@link auditQuery}: at most `pageSize` events, and
 * whether the engine had more (an older page).
 * @param {AuditEvent[]} events
 * @param {number} pageSize
 * @returns {{events: AuditEvent[], older: boolean}}
 */
export function pageOf(events, pageSize) {
  return { events: events.slice(0, pageSize), older: events.length > pageSize };
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
    vmName: text(item.vmName),
    sessionId: text(item.sessionId),
    reason: text(item.reason),
    detail: detailEntries(item.detail),
  };
}

/**
 * An event's detail as readable lines: each field of the engine's JSON object as
 * "key: value" (nested objects as "outer / inner", lists joined with commas), in the engine's
 * order, bounded in count and length; a plain string is one line without a key.
 * @param {unknown} detail
 * @returns {DetailEntry[]}
 */
export function detailEntries(detail) {
  if (detail === null || detail === undefined) {
    return [];
  }
  if (typeof detail !== 'object' || Array.isArray(detail)) {
    const value = scalarText(detail);
    return value === '' ? [] : [{ key: '', value }];
  }
  const entries = [];
  addEntries(entries, [], detail, 0);
  return entries;
}

function addEntries(entries, path, object, depth) {
  for (const [name, value] of Object.entries(object)) {
    if (entries.length >= MAX_DETAIL_ENTRIES) {
      return;
    }
    const key = [...path, words(name)];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < MAX_DETAIL_DEPTH) {
      addEntries(entries, key, value, depth + 1);
    } else {
      entries.push({ key: key.join(' / '), value: scalarText(value) });
    }
  }
}

/** `claimsVerified` → `claims verified`, `vm_uuid` → `vm uuid`. */
function words(name) {
  return cleanText(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase(), 64);
}

function scalarText(value) {
  if (Array.isArray(value)) {
    return cleanText(value.map((v) => (v !== null && typeof v === 'object' ? jsonText(v) : String(v))).join(', '),
      MAX_DETAIL_VALUE_CHARS);
  }
  if (value !== null && typeof value === 'object') {
    return cleanText(jsonText(value), MAX_DETAIL_VALUE_CHARS);
  }
  return value === null || value === undefined ? '—' : cleanText(String(value), MAX_DETAIL_VALUE_CHARS);
}

function jsonText(value) {
  try {
    return JSON.stringify(value);
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
