/**
 * One console page's connection: asks the engine for a ticket, opens the ws-proxy
 * WebSocket with the token as a subprotocol, hands it to noVNC, and reports status.
 *
 * Every connect() — the first and each Reconnect — asks the engine for a FRESH ticket:
 * the token's jti and the VNC password are one-time, so an old ticket can never work again.
 *
 * The page opens the WebSocket itself (noVNC accepts a WebSocket instead of a URL) so it
 * can read the close code and reason, which noVNC does not report; the subprotocol list
 * is the one {@link buildRfbOptions} gives noVNC.
 *
 * Threading: browser main thread only; events of a superseded attempt are ignored by
 * comparing attempt numbers, so a late callback can never overwrite the current status.
 */
import { ApiError, cleanText } from '../api/errors.js';
import { describeClose, describeSecurityFailure } from './close-codes.js';
import { parseTicket, planConnection } from './ticket.js';

export const STATE = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  DISCONNECTED: 'disconnected',
  ERROR: 'error',
});

/** How long to wait for the socket's close event after noVNC gave up on its own. */
export const CLOSE_WAIT_MS = 1000;
const WEBSOCKET_CLOSED = 3;

export class ConsoleSession {
  #deps;
  #attempt = 0;
  #rfb = null;
  #scale;
  #state = STATE.DISCONNECTED;

  /**
   * @param {object} deps
   * @param {unknown} deps.target the element noVNC draws into (#screen)
   * @param {() => Promise<unknown>} deps.requestTicket POSTs a new console; resolves to the raw JSON
   * @param {(url: string, protocols: string[]) => WebSocket} deps.openSocket
   * @param {(target: unknown, socket: WebSocket, options: object) => EventTarget} deps.createRfb
   * @param {(status: {state: string, text: string}) => void} deps.onStatus
   * @param {boolean} [deps.scale] initial scaling
   */
  constructor(deps) {
    this.#deps = deps;
    this.#scale = deps.scale ?? true;
  }

  /** The current state: one of {@link STATE}. */
  get state() {
    return this.#state;
  }

  /** Whether the remote screen is scaled to the window. */
  get scale() {
    return this.#scale;
  }

  /** Connects, or reconnects with a fresh ticket. Resolves once the WebSocket is handed to noVNC or failed. */
  async connect() {
    this.#closeCurrent();
    const attempt = ++this.#attempt;
    this.#report(STATE.CONNECTING, 'Requesting a console ticket from the engine…');
    let ticket;
    try {
      ticket = parseTicket(await this.#deps.requestTicket());
    } catch (error) {
      if (attempt === this.#attempt) {
        this.#report(STATE.ERROR, errorText(error));
      }
      return;
    }
    if (attempt !== this.#attempt) {
      return;
    }
    this.#open(attempt, ticket);
  }

  /** Ends the console (page leaving). */
  disconnect() {
    this.#attempt++;
    this.#closeCurrent();
    this.#report(STATE.DISCONNECTED, 'Disconnected.');
  }

  /** Sends Ctrl-Alt-Del when connected. */
  sendCtrlAltDel() {
    if (this.#rfb && this.#state === STATE.CONNECTED) {
      this.#rfb.sendCtrlAltDel();
    }
  }

  /** Turns scaling on or off; kept across reconnects. */
  setScale(scale) {
    this.#scale = Boolean(scale);
    if (this.#rfb) {
      this.#rfb.scaleViewport = this.#scale;
    }
  }

  #open(attempt, ticket) {
    this.#report(STATE.CONNECTING, 'Connecting to the console proxy…');
    const plan = planConnection(ticket);
    let socket;
    let rfb;
    const closed = { info: null };
    try {
      socket = this.#deps.openSocket(plan.url, plan.protocols);
      // Registered before noVNC attaches its own handler, so the code is known when noVNC reports.
      socket.addEventListener('close', (event) => {
        closed.info = { code: event.code, reason: event.reason };
      });
      rfb = this.#deps.createRfb(this.#deps.target, socket, plan.options);
    } catch (error) {
      // Never show error.message here: a browser error could quote the subprotocols.
      this.#report(STATE.ERROR, `Could not open the console connection (${cleanText(error?.name) || 'error'}).`);
      return;
    }
    this.#rfb = rfb;
    rfb.scaleViewport = this.#scale;
    this.#watch(attempt, socket, rfb, closed);
  }

  #watch(attempt, socket, rfb, closed) {
    const current = () => attempt === this.#attempt;
    let failure = null;
    rfb.addEventListener('connect', () => {
      if (current()) {
        this.#report(STATE.CONNECTED, 'Connected.');
        rfb.focus?.();
      }
    });
    rfb.addEventListener('securityfailure', (event) => {
      failure = describeSecurityFailure(event.detail);
    });
    rfb.addEventListener('credentialsrequired', () => {
      failure = 'The VNC server asked for credentials the ticket does not hold.';
      rfb.disconnect();
    });
    rfb.addEventListener('disconnect', async () => {
      if (!current()) {
        return;
      }
      let closeInfo = closed.info;
      if (closeInfo === null && socket.readyState !== WEBSOCKET_CLOSED) {
        closeInfo = await waitForClose(socket, CLOSE_WAIT_MS);
      }
      if (!current()) {
        return;
      }
      this.#rfb = null;
      if (failure) {
        this.#report(STATE.ERROR, failure);
        return;
      }
      this.#report(STATE.DISCONNECTED, describeClose(closeInfo?.code, closeInfo?.reason).text);
    });
  }

  #closeCurrent() {
    const rfb = this.#rfb;
    this.#rfb = null;
    if (rfb) {
      try {
        rfb.disconnect();
      } catch {
        // Already closed: nothing to end.
      }
    }
  }

  #report(state, text) {
    this.#state = state;
    this.#deps.onStatus({ state, text });
  }
}

function waitForClose(socket, timeoutMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    socket.addEventListener('close', (event) => {
      clearTimeout(timer);
      resolve({ code: event.code, reason: event.reason });
    }, { once: true });
  });
}

function errorText(error) {
  if (error instanceof ApiError) {
    return `${error.message} [${error.status}]`;
  }
  return 'Could not get a console ticket.';
}
