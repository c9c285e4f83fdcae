/**
 * The engine's REST API as the viewer uses it (docs/contracts.md, "REST").
 *
 * Every call ends either in parsed JSON or in an {@link ApiError} whose message is safe
 * to display; nothing here logs, so a console ticket never reaches the browser console.
 */
import { ApiError, MAX_ERROR_BODY_CHARS, defaultMessage, parseApiError } from './errors.js';

export const API_BASE = '/api/v1';
export const REQUEST_TIMEOUT_MS = 15_000;
/** Successful answers larger than this are refused rather than parsed. */
export const MAX_RESPONSE_CHARS = 4 * 1024 * 1024;

/**
 * Creates a client bound to a fetch implementation (injected so tests need no network).
 * @param {{fetchFn?: typeof fetch, baseUrl?: string, timeoutMs?: number}} [options]
 */
export function createEngineClient({ fetchFn = globalThis.fetch?.bind(globalThis), baseUrl = API_BASE,
  timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const request = (method, path) => requestJson(fetchFn, `${baseUrl}${path}`, method, timeoutMs);
  return {
    /** GET /vms: the raw VM array (see vms/vm-list.js to normalize it). */
    listVms: () => request('GET', '/vms'),
    /** GET /vms/{id}: one VM. */
    getVm: (vmId) => request('GET', `/vms/${encodeURIComponent(vmId)}`),
    /** POST /vms/{id}/consoles: a fresh console ticket, every call. */
    createConsole: (vmId) => request('POST', `/vms/${encodeURIComponent(vmId)}/consoles`),
  };
}

async function requestJson(fetchFn, url, method, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response;
    try {
      response = await fetchFn(url, {
        method,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch {
      const why = controller.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : 'network error';
      throw new ApiError('UNREACHABLE', `${defaultMessage('UNREACHABLE')} (${why})`);
    }
    const text = await readText(response);
    if (!response.ok) {
      throw parseApiError(response.status, text);
    }
    return parseSuccess(response.status, text);
  } finally {
    clearTimeout(timer);
  }
}

async function readText(response) {
  try {
    return await response.text();
  } catch {
    return '';
  }
}

function parseSuccess(httpStatus, text) {
  if (typeof text !== 'string' || text.length > MAX_RESPONSE_CHARS) {
    throw new ApiError('BAD_RESPONSE', defaultMessage('BAD_RESPONSE'), httpStatus);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('BAD_RESPONSE', defaultMessage('BAD_RESPONSE'), httpStatus);
  }
}

export { ApiError, MAX_ERROR_BODY_CHARS };
