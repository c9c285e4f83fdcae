/**
 * Reads who holds a console from the engine's 409 answer to a ticket request
 * (`{"status":"CONFLICT","message":"the console of VM … is held by alice; ask again with …"}`), so the page can ask
 * "Take over from alice?". Any other refusal — a 403 for a missing takeover right included —
 * is not a takeover question and is shown as the engine words it.
 */
import { ApiError, cleanText } from '../api/errors.js';

const MAX_HOLDER_CHARS = 128;
// "…held by alice", "…held by alice.smith.", "…held by alice, bob; ask again with …"
const HELD_BY = /\bheld by ([^;]+?)\.?\s*(?:;|$)/i;

/**
 * @param {unknown} error what the ticket request threw
 * @returns {string|null} the holder's name, or null when this is not a held-console conflict
 */
export function heldBy(error) {
  if (!(error instanceof ApiError) || error.httpStatus !== 409 || error.status !== 'CONFLICT') {
    return null;
  }
  const match = HELD_BY.exec(error.message);
  const holder = match ? cleanText(match[1], MAX_HOLDER_CHARS) : '';
  return holder || null;
}

/** The question asked before a takeover. */
export function takeoverQuestion(holder) {
  return `Take over from ${holder}? Their console will be closed.`;
}
