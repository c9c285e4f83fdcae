/**
 * The console ticket from POST /api/v1/vms/{id}/consoles and how it becomes a noVNC
 * connection. The token travels only in the WebSocket subprotocol list (never in a URL),
 * and no error message here ever contains the token or the password.
 */
import { ApiError } from '../api/errors.js';

export const TOKEN_PROTOCOL_PREFIX = 'porthole.token.';
export const VNC_PROTOCOL = 'binary';
/** Verifiers refuse tokens above 4 KiB (docs/contracts.md). */
export const MAX_TOKEN_CHARS = 4096;
// A compact JWS: three base64url parts. These characters are also valid in a
// Sec-WebSocket-Protocol token, so the browser never throws an error that would echo it.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// The host agent accepts 1–8 printable ASCII characters (the VNC DES limit).
const VNC_PASSWORD = /^[\x20-\x7e]{1,8}$/;

/**
 * @typedef {object} ConsoleTicket
 * @property {string} sessionId
 * @property {string} vmId
 * @property {string} token compact JWS; secret
 * @property {string} password VNC password; secret
 * @property {string} proxyUrl ws: or wss: URL of the ws-proxy
 * @property {string} expiresAt
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
  const { sessionId, vmId, token, password, proxyUrl, expiresAt } = data;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) {
    throw badTicket('its token is missing or malformed');
  }
  if (typeof password !== 'string' || !VNC_PASSWORD.test(password)) {
    throw badTicket('its VNC password is missing or malformed');
  }
  if (typeof proxyUrl !== 'string') {
    throw badTicket('its proxyUrl is missing');
  }
  checkProxyUrl(proxyUrl, [token, password]);
  return {
    sessionId: typeof sessionId === 'string' ? sessionId : '',
    vmId: typeof vmId === 'string' ? vmId : '',
    token,
    password,
    proxyUrl,
    expiresAt: typeof expiresAt === 'string' ? expiresAt : '',
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
 * The noVNC RFB options for a ticket: the token only as a subprotocol, the password only
 * as VNC credentials.
 * @param {ConsoleTicket} ticket
 */
export function buildRfbOptions(ticket) {
  return {
    shared: true,
    wsProtocols: [VNC_PROTOCOL, TOKEN_PROTOCOL_PREFIX + ticket.token],
    credentials: { password: ticket.password },
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
