/**
 * The console ticket from POST /api/v1/vms/{id}/consoles and how it becomes a noVNC
 * connection. The signed token is the only credential: the token travels only in the
 * WebSocket subprotocol list (never in a URL), no error message here ever contains it, and
 * the page holds no VNC password — the host agent answers QEMU's challenge itself and the
 * page is offered RFB security type None. A `password` field in an answer is ignored.
 */
import { ApiError } from '../api/errors.js';

export const TOKEN_PROTOCOL_PREFIX = 'porthole.token.';
export const VNC_PROTOCOL = 'binary';
/** Verifiers refuse tokens above 4 KiB (docs/contracts.md). */
export const MAX_TOKEN_CHARS = 4096;
// A compact JWS: three base64url parts. These characters are also valid in a
// Sec-WebSocket-Protocol token, so the browser never throws an error that would echo it.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** The engine allows reconnect windows of 0 (off) to 600 s (docs/contracts.md, console policy). */
export const MAX_RECONNECT_WINDOW_SECONDS = 600;

/**
 * @typedef {object} ConsoleTicket
 * @property {string} sessionId
 * @property {string} vmId
 * @property {string} token compact JWS; secret
 * @property {string} proxyUrl ws: or wss: URL of the ws-proxy
 * @property {string} expiresAt
 * @property {number} reconnectWindowSeconds how long after a drop the page may ask for a fresh
 *   ticket by itself; 0 = never
 */

/**
 * Validates the engine's ticket answer.
 * @param {unknown} data the parsed JSON
 * @returns {ConsoleTicket}
 * @throws {ApiError} BAD_RESPONSE naming the bad field, never its value
 */
export function parseTicket(data) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw badTicket('it is not an object');
  }
  const { sessionId, vmId, token, proxyUrl, expiresAt, reconnectWindowSeconds } = data;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) {
    throw badTicket('its token is missing or malformed');
  }
  if (typeof proxyUrl !== 'string') {
    throw badTicket('its proxyUrl is missing');
  }
  checkProxyUrl(proxyUrl, [token]);
  return {
    sessionId: typeof sessionId === 'string' ? sessionId : '',
    vmId: typeof vmId === 'string' ? vmId : '',
    token,
    proxyUrl,
    expiresAt: typeof expiresAt === 'string' ? expiresAt : '',
    reconnectWindowSeconds: Number.isInteger(reconnectWindowSeconds) && reconnectWindowSeconds > 0
      ? Math.min(reconnectWindowSeconds, MAX_RECONNECT_WINDOW_SECONDS) : 0,
  };
}

function checkProxyUrl(proxyUrl, secrets) {
  let url;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw badTicket('its proxyUrl is not a URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw badTicket('its proxyUrl is not a ws: or wss: URL');
  }
  if (url.username || url.password) {
    throw badTicket('its proxyUrl carries credentials');
  }
  if (secrets.some((secret) => proxyUrl.includes(secret) || decodeSafely(proxyUrl).includes(secret))) {
    throw badTicket('its proxyUrl contains a secret; refusing to put it in a URL');
  }
}

function decodeSafely(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function badTicket(why) {
  return new ApiError('BAD_RESPONSE', `The engine's console ticket is unusable: ${why}.`);
}

/**
 * The noVNC RFB options for a ticket: the token only as a subprotocol, and no credentials
 * (the console is offered security type None; a VNC password request is refused by the page).
 * @param {ConsoleTicket} ticket
 */
export function buildRfbOptions(ticket) {
  return {
    shared: true,
    wsProtocols: [VNC_PROTOCOL, TOKEN_PROTOCOL_PREFIX + ticket.token],
  };
}

/**
 * Everything needed to open the console: the URL (exactly the engine's proxyUrl) and the
 * RFB options. The same subprotocol list is used for the WebSocket the page opens itself.
 * @param {ConsoleTicket} ticket
 * @returns {{url: string, protocols: string[], options: ReturnType<typeof buildRfbOptions>}}
 */
export function planConnection(ticket) {
  const options = buildRfbOptions(ticket);
  return { url: ticket.proxyUrl, protocols: options.wsProtocols, options };
}
