/**
 * One console page's connection: asks the engine for a ticket, opens the ws-proxy
 * WebSocket with the token as a subprotocol, hands it to noVNC, and reports status.
 *
 * Every connect() — the first, each Reconnect and each automatic try — asks the engine for a
 * FRESH ticket: the token's jti is one-time, so an old ticket can never work again. The page
 * holds no VNC password: the host agent answers QEMU's challenge and offers security None.
 *
 * A connected console that drops for a reason that allows it (network, proxy or agent restart,
 * migration; see reconnect.js) reconnects by itself within the ticket's reconnect window, with
 * a visible "reconnecting" state, a bounded number of tries and growing delays, then gives up
 * saying why. A takeover (4009), a revocation (4003) or a refused ticket never reconnects.
 *
 * The page opens the WebSocket itself (noVNC accepts a WebSocket instead of a URL) so it
 * can read the close code and reason, which noVNC does not report; the subprotocol list
 * is the one {@link buildRfbOptions} gives noVNC.
 *
 * When the engine answers 409 "the console is held by alice", the user is asked whether to
 * take over; on yes the ticket is asked again with `takeover: true` (the engine then ends
 * alice's console). A 403 (no takeover right, no permission) is shown as the engine words it.
 * An automatic reconnect never takes over.
 *
 * Threading: browser main thread only; events of a superseded attempt are ignored by
 * comparing attempt numbers, so a late callback can never overwrite the current status.
 */
import { ApiError, cleanText } from '../api/errors.js';
import { describeClose, describeSecurityFailure } from './close-codes.js';
import { ReconnectPlan, mayReconnectAfter, mayRetryTicketError } from './reconnect.js';
import { heldBy } from './takeover.js';
import { parseTicket, planConnection } from './ticket.js';

export const STATE = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  RECONNECTING: 'reconnecting',
  DISCONNECTED: 'disconnected',
  ERROR: 'error',
});

/**
 * Whether **Reconnect** is the page's main action (styled primary): only when no console is
 * open nor about to be; while connected it is a secondary button like the others.
 * @param {string} state one of {@link STATE}
 */
export function reconnectIsMainAction(state) {
  return state === STATE.DISCONNECTED || state === STATE.ERROR;
}

/** How long to wait for the socket's close event after noVNC gave up on its own. */
export const CLOSE_WAIT_MS = 1000;
const WEBSOCKET_CLOSED = 3;

export class ConsoleSession {
  #deps;
  #attempt = 0;
  #rfb = null;
  #scale;
  #state = STATE.DISCONNECTED;
  /** The automatic reconnect under way, or null. */
  #plan = null;
  #timer = null;

  /**
   * @param {object} deps
   * @param {unknown} deps.target the element noVNC draws into (#screen)
   * @param {(options: {takeover: boolean}) => Promise<unknown>} deps.requestTicket POSTs a new
   *   console; resolves to the raw JSON
   * @param {(holder: string) => Promise<boolean>} [deps.confirmTakeover] asks the user whether to
   *   take the console over from `holder`; without it a held console is reported as an error
   * @param {boolean} [deps.viewOnly] a view-only console: noVNC sends no input, no Ctrl-Alt-Del
   * @param {(url: string, protocols: string[]) => WebSocket} deps.openSocket
   * @param {(target: unknown, socket: WebSocket, options: object) => EventTarget} deps.createRfb
   * @param {(status: {state: string, text: string, reason?: string}) => void} deps.onStatus
   *   `reason` is set for a final close (taken-over, revoked): no reconnect is suggested
   * @param {boolean} [deps.scale] initial scaling
   * @param {(run: () => void, ms: number) => unknown} [deps.setTimer] schedules an automatic try
   * @param {(handle: unknown) => void} [deps.clearTimer]
   * @param {() => number} [deps.now] milliseconds clock
   * @param {() => number} [deps.random] in [0, 1), spreads retry delays
   */
  constructor(deps) {
    this.#deps = {
      setTimer: (run, ms) => setTimeout(run, ms),
      clearTimer: (handle) => clearTimeout(handle),
      now: () => Date.now(),
      random: Math.random,
      ...deps,
    };
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

  /** Whether this console only shows the screen. */
  get viewOnly() {
    return Boolean(this.#deps.viewOnly);
  }

  /**
   * Connects, or reconnects with a fresh ticket (ending any automatic reconnect). Resolves once
   * the WebSocket is handed to noVNC or failed.
   */
  async connect() {
    this.#stopReconnecting();
    await this.#start(false);
  }

  async #start(automatic) {
    this.#closeCurrent();
    const attempt = ++this.#attempt;
    const current = () => attempt === this.#attempt;
    if (!automatic) {
      this.#report(STATE.CONNECTING, 'Requesting a console ticket from the engine…');
    }
    let ticket;
    try {
      ticket = automatic ? parseTicket(await this.#deps.requestTicket({ takeover: false }))
        : await this.#requestTicket(current);
    } catch (error) {
      if (!current()) {
        return;
      }
      if (automatic) {
        this.#retryOrGiveUp(attempt, errorText(error), mayRetryTicketError(error));
      } else {
        this.#report(STATE.ERROR, errorText(error));
      }
      return;
    }
    if (!current() || ticket === null) {
      return;
    }
    this.#open(attempt, ticket);
  }

  /** The parsed ticket, or null when the user declined a takeover (already reported). */
  async #requestTicket(current) {
    try {
      return parseTicket(await this.#deps.requestTicket({ takeover: false }));
    } catch (error) {
      const holder = heldBy(error);
      if (holder === null || !this.#deps.confirmTakeover || !current()) {
        throw error;
      }
      this.#report(STATE.CONNECTING, `The console is held by ${holder}. Take over?`);
      const yes = await this.#deps.confirmTakeover(holder);
      if (!current()) {
        return null;
      }
      if (!yes) {
        this.#report(STATE.DISCONNECTED, `Not taken over: ${holder} keeps the console.`);
        return null;
      }
      this.#report(STATE.CONNECTING, `Taking the console over from ${holder}…`);
      return parseTicket(await this.#deps.requestTicket({ takeover: true }));
    }
  }

  /** Ends the console (page leaving). */
  disconnect() {
    this.#stopReconnecting();
    this.#attempt++;
    this.#closeCurrent();
    this.#report(STATE.DISCONNECTED, 'Disconnected.');
  }

  /** Sends Ctrl-Alt-Del when connected. */
  sendCtrlAltDel() {
    if (this.#rfb && this.#state === STATE.CONNECTED && !this.viewOnly) {
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
      this.#stopReconnecting();
      this.#report(STATE.ERROR, `Could not open the console connection (${cleanText(error?.name) || 'error'}).`);
      return;
    }
    this.#rfb = rfb;
    rfb.scaleViewport = this.#scale;
    // The server drops a view-only console's input too; this keeps noVNC from sending any.
    rfb.viewOnly = this.viewOnly;
    this.#watch(attempt, socket, rfb, closed, ticket);
  }

  #watch(attempt, socket, rfb, closed, ticket) {
    const current = () => attempt === this.#attempt;
    let failure = null;
    let connected = false;
    rfb.addEventListener('connect', () => {
      if (current()) {
        connected = true;
        this.#stopReconnecting();
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
        this.#stopReconnecting();
        this.#report(STATE.ERROR, failure);
        return;
      }
      this.#dropped(attempt, describeClose(closeInfo?.code, closeInfo?.reason), connected, ticket);
    });
  }

  /** A console (or an automatic try) ended: reconnect by itself when allowed, else say why. */
  #dropped(attempt, close, connected, ticket) {
    const allowed = !close.final && mayReconnectAfter(close.code);
    if (this.#plan !== null) {
      this.#retryOrGiveUp(attempt, close.text, allowed, close.final);
      return;
    }
    if (connected && allowed && ticket.reconnectWindowSeconds > 0) {
      this.#plan = new ReconnectPlan(ticket.reconnectWindowSeconds, this.#deps.now());
      this.#retryOrGiveUp(attempt, close.text, true);
      return;
    }
    this.#report(STATE.DISCONNECTED, close.text, close.final);
  }

  /** Schedules the next automatic try, or ends the reconnect saying why. */
  #retryOrGiveUp(attempt, why, retriable, final = '') {
    const plan = this.#plan;
    if (!retriable) {
      this.#stopReconnecting();
      this.#report(STATE.DISCONNECTED, `Could not reconnect: ${why}`, final);
      return;
    }
    const next = plan.next(this.#deps.now(), this.#deps.random);
    if ('stop' in next) {
      this.#stopReconnecting();
      this.#report(STATE.DISCONNECTED, `Stopped reconnecting: ${next.stop}. Last: ${why} Press Reconnect to try again.`);
      return;
    }
    const seconds = Math.max(1, Math.round(next.delayMs / 1000));
    this.#report(STATE.RECONNECTING, `Connection lost: ${why} Reconnecting in ${seconds} s (try ${next.try}).`);
    this.#timer = this.#deps.setTimer(() => {
      this.#timer = null;
      if (attempt === this.#attempt && this.#plan === plan) {
        this.#report(STATE.RECONNECTING, `Reconnecting (try ${next.try}): asking the engine for a fresh ticket…`);
        this.#start(true);
      }
    }, next.delayMs);
  }

  #stopReconnecting() {
    this.#plan = null;
    if (this.#timer !== null) {
      this.#deps.clearTimer(this.#timer);
      this.#timer = null;
    }
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

  #report(state, text, reason = '') {
    this.#state = state;
    this.#deps.onStatus(reason ? { state, text, reason } : { state, text });
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
