/**
 * Turns what the engine answers on failure into something safe to show.
 *
 * The engine answers errors as `{"status": "<STATUS>", "message": "…"}` (docs/contracts.md).
 * Anything else — an HTML error page from a proxy, truncated JSON, an array, a huge or
 * hostile body — must still end in a short, readable message and never break the page.
 */

/** Bodies longer than this are not parsed at all. */
export const MAX_ERROR_BODY_CHARS = 64 * 1024;
/** Messages longer than this are cut, so one answer cannot flood the page. */
export const MAX_MESSAGE_CHARS = 300;

const STATUS_PATTERN = /^[A-Z][A-Z0-9_]{0,39}$/;
// C0/C1 controls, and the bidi overrides that can make text read differently than it is.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** The status an HTTP code without a readable body names; a test holds it to the status table. */
const STATUS_BY_HTTP = new Map([
  [400, 'BAD_REQUEST'],
  [401, 'SIGN_IN_REQUIRED'],
  [403, 'FORBIDDEN'],
  [404, 'NOT_FOUND'],
  [409, 'CONFLICT'],
  [413, 'TOO_LARGE'],
  [429, 'TOO_MANY_REQUESTS'],
  [500, 'INTERNAL'],
  [503, 'UPSTREAM_UNAVAILABLE'],
]);

const DEFAULT_MESSAGES = new Map([
  ['BAD_REQUEST', 'The engine refused the request as malformed.'],
  ['TOKEN_REJECTED', 'The engine refused the credentials.'],
  ['SIGN_IN_REQUIRED', 'Your sign-in has ended. Reloading the page to sign in again…'],
  ['ORIGIN_REJECTED', 'The engine refused this page\'s origin.'],
  ['FORBIDDEN', 'You do not have the permission this needs.'],
  ['NOT_FOUND', 'The engine does not know this VM.'],
  ['CONFLICT', 'The VM cannot open a console now: it is not running, its VNC cannot take a one-time ticket, or another user holds the console.'],
  ['TOO_LARGE', 'The request was too large.'],
  ['TOO_MANY_REQUESTS', 'Too many consoles or ticket requests right now. Try again in a moment.'],
  ['OVERLOADED', 'The console service is at capacity. Try again in a moment.'],
  ['UPSTREAM_UNAVAILABLE', 'The VM\'s host agent is unreachable.'],
  ['INTERNAL', 'The engine hit an internal error.'],
  ['UNREACHABLE', 'Cannot reach the engine.'],
  ['BAD_RESPONSE', 'The engine sent an answer this page cannot read.'],
]);

/** An engine failure with a status name from the status table and a displayable message. */
export class ApiError extends Error {
  /**
   * @param {string} status status name, e.g. CONFLICT
   * @param {string} message safe to display
   * @param {number} [httpStatus] 0 when no HTTP answer arrived
   */
  constructor(status, message, httpStatus = 0) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.httpStatus = httpStatus;
  }
}

/**
 * Makes untrusted text displayable: removes control and bidi characters, collapses
 * whitespace and cuts it to `max` characters.
 * @param {unknown} value
 * @param {number} [max]
 * @returns {string} '' for anything that is not a string
 */
export function cleanText(value, max = MAX_MESSAGE_CHARS) {
  if (typeof value !== 'string') {
    return '';
  }
  const text = value.replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The status name for an HTTP code without a (readable) body. */
export function statusForHttp(httpStatus) {
  return STATUS_BY_HTTP.get(httpStatus) ?? `HTTP_${Number.isInteger(httpStatus) ? httpStatus : 0}`;
}

/** The default message for a status name. */
export function defaultMessage(status, httpStatus = 0) {
  return DEFAULT_MESSAGES.get(status) ?? `The engine answered HTTP ${httpStatus}.`;
}

/**
 * Parses an engine error answer.
 * @param {number} httpStatus the HTTP status code
 * @param {unknown} bodyText the raw body (anything; only strings are parsed)
 * @returns {ApiError}
 */
export function parseApiError(httpStatus, bodyText) {
  const body = parseErrorBody(bodyText);
  const status = STATUS_PATTERN.test(body.status) ? body.status : statusForHttp(httpStatus);
  const message = cleanText(body.message) || defaultMessage(status, httpStatus);
  return new ApiError(status, message, httpStatus);
}

function parseErrorBody(bodyText) {
  const empty = { status: '', message: '' };
  if (typeof bodyText !== 'string' || bodyText.length === 0 || bodyText.length > MAX_ERROR_BODY_CHARS) {
    return empty;
  }
  let parsed;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return empty;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return empty;
  }
  // Read only the two own string fields; never merge the hostile object anywhere.
  const status = Object.hasOwn(parsed, 'status') && typeof parsed.status === 'string' ? parsed.status : '';
  const message = Object.hasOwn(parsed, 'message') && typeof parsed.message === 'string' ? parsed.message : '';
  return { status, message };
}
