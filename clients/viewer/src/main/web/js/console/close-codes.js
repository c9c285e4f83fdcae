/**
 * What a WebSocket close code from the ws-proxy means, in words a person can act on.
 * Which status a code names comes from the status table (PortholeStatus, generated into
 * #status-table at build time); the words are the page's own. 1001, 1005, 1006 and 1008 are
 * not in the table: they are what the WebSocket layer or a browser reports (1006 and 1008 when
 * the proxy refused before or during the upgrade).
 *
 * Two closes are final: 4009 (another user took the console over) and 4003 (access revoked).
 * For those nothing suggests or does a reconnect; the page says why the console ended.
 */
import { CLOSE_CODE_STATUS } from '#status-table';
import { cleanText } from '../api/errors.js';

/** Close reasons are at most 123 bytes on the wire; anything longer is not from a real close frame. */
const MAX_REASON_CHARS = 123;

/** The page's words for each close code it knows; `final` marks a close that must not be retried. */
const CLOSE_TEXTS = new Map([
  [1000, { text: 'The console was closed.' }],
  [1001, { text: 'The console proxy is going away (restart or shutdown).' }],
  [1003, { text: 'The console proxy refused a message it cannot accept.' }],
  [1005, { text: 'The console closed without a status.' }],
  [1006, { text: 'The connection to the console proxy failed or was cut (proxy down, page origin refused, or network lost).' }],
  [1007, { text: 'The console proxy refused malformed data.' }],
  [1008, { text: 'The console proxy refused this client by policy.' }],
  [1009, { text: 'A message exceeded the console proxy\'s frame size limit.' }],
  [1011, { text: 'The console proxy hit an internal error.' }],
  [1013, { text: 'The console service is at a limit (too many consoles or connections). Try again in a moment.' }],
  [1014, { text: 'The VM\'s host agent is unreachable from the console proxy.' }],
  [4001, { text: 'The console ticket was refused (expired, already used, or invalid). Reconnect to get a fresh one.' }],
  [4003, { final: 'revoked', text: 'Your access to this console was revoked or refused (permission removed, user disabled, or this page\'s origin not allowed). Ask an administrator if you need it again.' }],
  [4004, { text: 'The VM was not found on its host.' }],
  [4009, { final: 'taken-over', text: 'Another user took over this console.' }],
]);

/** Statuses of the codes outside the table: the WebSocket layer's and the browser's own. */
const PROTOCOL_STATUSES = new Map([[1001, 'CLOSED'], [1005, 'CLOSED'], [1006, 'UNREACHABLE'], [1008, 'FORBIDDEN']]);

const STATUSES = new Map([...PROTOCOL_STATUSES, ...CLOSE_CODE_STATUS]);

/**
 * Closes after which the page may ask for a fresh ticket by itself: the network, the proxy or
 * the host agent went away (restart, migration), or a limit said "try again later". Never a
 * takeover (4009), a revocation (4003), a refused ticket or request (4001, 4004, 1003, 1007,
 * 1008, 1009): those are decisions, and asking again would only repeat them.
 */
const RECONNECTABLE_CODES = new Set([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014]);

/**
 * Whether a console closed with `code` may reconnect by itself.
 * @param {unknown} code the CloseEvent code
 */
export function mayReconnectAfter(code) {
  return Number.isInteger(code) && RECONNECTABLE_CODES.has(code);
}

/**
 * Describes a close.
 * @param {unknown} code the CloseEvent code (anything; non-numbers count as unknown)
 * @param {unknown} [reason] the CloseEvent reason sent by the server (untrusted)
 * @returns {{code: number|null, status: string, text: string, final: string}} text includes the
 *   code; final is 'taken-over' or 'revoked' for a close that must not be retried, else ''
 */
export function describeClose(code, reason) {
  const validCode = Number.isInteger(code) && code >= 1000 && code <= 4999 ? code : null;
  const known = validCode === null ? undefined : CLOSE_TEXTS.get(validCode);
  const status = validCode === null ? 'UNKNOWN' : STATUSES.get(validCode) ?? 'CLOSED';
  let text = known?.text ?? (validCode === null ? 'The connection ended.' : 'The console connection was closed.');
  const cleanReason = cleanText(reason, MAX_REASON_CHARS);
  if (cleanReason) {
    text += ` Proxy says: "${cleanReason}".`;
  }
  if (validCode !== null) {
    text += ` (close code ${validCode})`;
  }
  return { code: validCode, status, text, final: known?.final ?? '' };
}

/**
 * Describes a failed VNC security handshake (noVNC's securityfailure event).
 * @param {unknown} detail the event detail `{status, reason}`
 */
export function describeSecurityFailure(detail) {
  const reason = cleanText(detail?.reason, MAX_REASON_CHARS);
  const base = 'The VNC security handshake failed (the console should be offered security type None). Reconnect to get a fresh ticket.';
  return reason ? `${base} Server says: "${reason}".` : base;
}
