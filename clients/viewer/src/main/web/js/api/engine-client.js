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

/** Permissions the engine grants on a VM (docs/contracts.md, ACLs). */
export const PERMISSIONS = Object.freeze(['console.view', 'console.connect', 'console.takeover', 'console.sso', 'admin']);

/**
 * Creates a client bound to a fetch implementation (injected so tests need no network).
 *
 * When the sign-in session has ended, any call answers 401 SIGN_IN_REQUIRED: the client then
 * calls `onSignInRequired` (the pages reload, which sends the browser through Keycloak) and
 * still rejects with the ApiError, so no caller renders stale data.
 * @param {{fetchFn?: typeof fetch, baseUrl?: string, timeoutMs?: number, onSignInRequired?: () => void}} [options]
 */
export function createEngineClient({ fetchFn = globalThis.fetch?.bind(globalThis), baseUrl = API_BASE,
  timeoutMs = REQUEST_TIMEOUT_MS, onSignInRequired = () => {} } = {}) {
  const request = async (method, path, body) => {
    try {
      return await requestJson(fetchFn, `${baseUrl}${path}`, method, timeoutMs, body);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 'SIGN_IN_REQUIRED' || error.httpStatus === 401)) {
        onSignInRequired();
      }
      throw error;
    }
  };
  const vmPath = (vmId) => `/vms/${encodeURIComponent(vmId)}`;
  return {
    /** GET /me: the signed-in user `{name, groups, admin}` (see account/user.js to normalize it). */
    me: () => request('GET', '/me'),
    /** GET /vms: the raw VM array (see vms/vm-list.js to normalize it). */
    listVms: () => request('GET', '/vms'),
    /** GET /vms/{id}: one VM. */
    getVm: (vmId) => request('GET', vmPath(vmId)),
    /**
     * POST /vms/{id}/consoles: a fresh console ticket, every call.
     * @param {string} vmId
     * @param {{mode?: 'interactive'|'view', takeover?: boolean}} [options]
     */
    createConsole: (vmId, { mode = 'interactive', takeover = false } = {}) =>
      request('POST', `${vmPath(vmId)}/consoles`, takeover ? { mode, takeover: true } : { mode }),
    /** GET /acls with an optional `{vm, subject}` filter. */
    listAcls: (filter = {}) => request('GET', `/acls${queryString(filter, ['vm', 'subject'])}`),
    /** POST /acls: adds one ACL entry; resolves to the created row. */
    createAcl: (entry) => request('POST', '/acls', entry),
    /** DELETE /acls/{id}. */
    deleteAcl: (id) => request('DELETE', `/acls/${encodeURIComponent(id)}`),
    /** GET /vms/{id}/tags. */
    listTags: (vmId) => request('GET', `${vmPath(vmId)}/tags`),
    /** PUT /vms/{id}/tags/{tag}. */
    addTag: (vmId, tag) => request('PUT', `${vmPath(vmId)}/tags/${encodeURIComponent(tag)}`),
    /** DELETE /vms/{id}/tags/{tag}. */
    removeTag: (vmId, tag) => request('DELETE', `${vmPath(vmId)}/tags/${encodeURIComponent(tag)}`),
    /** GET /audit; `query` is a ready query string from audit/audit.js (auditQuery). */
    listAudit: (query = '') => request('GET', `/audit${query}`),
    /** GET /ui: the page footer's links `{engine: {health, metrics}, serviceLinks: [{label, url}]}`. */
    ui: () => request('GET', '/ui'),
  };
}

/**
 * `?a=1&b=2` from the named, non-empty string fields of `params`, or '' when none is set.
 * @param {Record<string, unknown>} params
 * @param {string[]} names the fields to use, in order
 */
export function queryString(params, names) {
  const query = new URLSearchParams();
  for (const name of names) {
    const value = params?.[name];
    if (typeof value === 'string' && value.trim() !== '') {
      query.set(name, value.trim());
    } else if (Number.isInteger(value)) {
      query.set(name, String(value));
    }
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

async function requestJson(fetchFn, url, method, timeoutMs, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  try {
    let response;
    try {
      response = await fetchFn(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch {
      const why = controller.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : 'network error';
      throw new ApiError('UNREACHABLE', `${defaultMessage('UNREACHABLE')} (${why})`);
    }
    if (response.type === 'opaqueredirect') {
      // The session ended and the server sends the browser to the sign-in page.
      throw new ApiError('SIGN_IN_REQUIRED', defaultMessage('SIGN_IN_REQUIRED'), 401);
    }
    const text = await readText(response);
    if (!response.ok) {
      throw parseApiError(response.status, text);
    }
    return response.status === 204 || text === '' ? null : parseSuccess(response.status, text);
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
