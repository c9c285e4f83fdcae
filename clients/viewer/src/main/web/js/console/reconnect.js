/**
 * When and how often a dropped console reconnects by itself (the seeds' step 11, without any
 * password): only a console that was connected, only for a close that allows it
 * ({@link mayReconnectAfter}), only within the ticket's `reconnectWindowSeconds` counted from the
 * drop, at most {@link MAX_RECONNECT_TRIES} times with growing delays. Every try asks the engine
 * for a fresh ticket with the user's sign-in; nothing old is reused.
 */
import { ApiError } from '../api/errors.js';

export { mayReconnectAfter } from './close-codes.js';

/** Tries before the page gives up and says why. */
export const MAX_RECONNECT_TRIES = 6;
/** Delay before the first try; each next one doubles, up to {@link MAX_DELAY_MS}. */
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 15_000;
/** Up to this share of a delay is added at random, so many pages dropped at once do not retry in step. */
export const JITTER = 0.25;

/**
 * The delay before try `n` (1-based).
 * @param {number} n
 * @param {() => number} [random] in [0, 1)
 */
export function reconnectDelayMs(n, random = Math.random) {
  const base = Math.min(FIRST_DELAY_MS * 2 ** (n - 1), MAX_DELAY_MS);
  return Math.round(base * (1 + JITTER * random()));
}

/**
 * Whether a failed ticket request during an automatic reconnect is worth another try: the
 * engine unreachable, overloaded or rate-limiting (429), or its host agent unreachable. A refusal
 * (403, 404, 409 — held by someone else or not running — or a signed-out user) ends the tries.
 * @param {unknown} error what the ticket request threw
 */
export function mayRetryTicketError(error) {
  if (!(error instanceof ApiError)) {
    return false;
  }
  return error.httpStatus === 0 || error.httpStatus === 429 || error.httpStatus >= 500;
}

/**
 * The tries of one automatic reconnect: started at the drop, ended by a connect, a refusal,
 * the last try or the end of the window.
 */
export class ReconnectPlan {
  #deadline;
  #tries = 0;
  #windowSeconds;

  /**
   * @param {number} windowSeconds the dropped ticket's reconnect window (> 0)
   * @param {number} nowMs when the console dropped
   */
  constructor(windowSeconds, nowMs) {
    this.#windowSeconds = windowSeconds;
    this.#deadline = nowMs + windowSeconds * 1000;
  }

  /** Tries started so far. */
  get tries() {
    return this.#tries;
  }

  /**
   * The delay before the next try, counting it, or why there is none.
   * @param {number} nowMs
   * @param {() => number} [random]
   * @returns {{delayMs: number, try: number} | {stop: string}}
   */
  next(nowMs, random = Math.random) {
    if (this.#tries >= MAX_RECONNECT_TRIES) {
      return { stop: `gave up after ${this.#tries} tries` };
    }
    const delayMs = reconnectDelayMs(this.#tries + 1, random);
    if (nowMs + delayMs > this.#deadline) {
      return { stop: `the reconnect window of ${this.#windowSeconds} s has passed` };
    }
    this.#tries++;
    return { delayMs, try: this.#tries };
  }
}
