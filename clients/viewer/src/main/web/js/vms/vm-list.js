/**
 * The VM inventory as the list page shows it: normalizes GET /api/v1/vms and decides
 * which VMs can open a console. Pure functions, tested without a browser.
 */
import { PERMISSIONS } from '../api/engine-client.js';
import { ApiError, cleanText } from '../api/errors.js';

const MAX_ID_CHARS = 128;
const MAX_FIELD_CHARS = 200;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @typedef {object} Vm
 * @property {string} id
 * @property {string} name
 * @property {string} state lower case, e.g. running
 * @property {string} hostId
 * @property {boolean|null} hostOnline null when the engine did not say
 * @property {{type: string, exposed: boolean, passwordCapable: boolean}|null} graphics
 * @property {Guest|null} guest what the VM's guest agent last reported; null when none did
 * @property {string[]} permissions the caller's effective permissions on this VM (known names only)
 */

/** Console modes: interactive (needs console.connect) and view-only (needs console.view). */
export const MODE = Object.freeze({ INTERACTIVE: 'interactive', VIEW: 'view' });
const REQUIRED_PERMISSION = Object.freeze({ [MODE.INTERACTIVE]: 'console.connect', [MODE.VIEW]: 'console.view' });

/**
 * @typedef {object} Guest
 * @property {boolean} responsive
 * @property {string} agentVersion
 * @property {string[]} users
 * @property {string} session unknown | unlocked | locked | logged-off
 * @property {boolean} locked only ever true while responsive
 */

/**
 * Normalizes the engine's VM array; entries that are not VMs are dropped and counted.
 * @param {unknown} data the parsed JSON
 * @returns {{vms: Vm[], ignored: number}}
 */
export function normalizeVmList(data) {
  if (!Array.isArray(data)) {
    throw new ApiError('BAD_RESPONSE', 'The engine\'s VM list is not an array.');
  }
  const vms = [];
  for (const item of data) {
    const vm = normalizeVm(item);
    if (vm) {
      vms.push(vm);
    }
  }
  vms.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { vms, ignored: data.length - vms.length };
}

/**
 * Normalizes one VM, or returns null when it has no usable id.
 * @param {unknown} item
 * @returns {Vm|null}
 */
export function normalizeVm(item) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return null;
  }
  const id = typeof item.id === 'string' ? item.id.trim() : '';
  if (id.length === 0 || id.length > MAX_ID_CHARS || cleanText(id, MAX_ID_CHARS) !== id) {
    return null;
  }
  return {
    id,
    name: cleanText(item.name, MAX_FIELD_CHARS) || id,
    state: (cleanText(item.state, MAX_FIELD_CHARS) || 'unknown').toLowerCase(),
    hostId: cleanText(item.hostId, MAX_FIELD_CHARS),
    hostOnline: typeof item.hostOnline === 'boolean' ? item.hostOnline : null,
    graphics: normalizeGraphics(item.graphics),
    guest: normalizeGuest(item.guest),
    permissions: normalizePermissions(item.permissions),
  };
}

function normalizePermissions(permissions) {
  if (!Array.isArray(permissions)) {
    return [];
  }
  return PERMISSIONS.filter((name) => permissions.includes(name));
}

const SESSIONS = new Set(['unknown', 'unlocked', 'locked', 'logged-off']);
const MAX_USERS = 16;

/** The guest agent's report, from a guest's root: every field is checked and bounded. */
function normalizeGuest(guest) {
  if (guest === null || typeof guest !== 'object' || Array.isArray(guest)) {
    return null;
  }
  const responsive = guest.responsive === true;
  const session = SESSIONS.has(guest.session) ? guest.session : 'unknown';
  const users = Array.isArray(guest.users)
    ? guest.users.filter((u) => typeof u === 'string').slice(0, MAX_USERS).map((u) => cleanText(u, 64)).filter(Boolean)
    : [];
  return {
    responsive,
    agentVersion: cleanText(guest.agentVersion, 64),
    users,
    session,
    locked: responsive && guest.locked === true,
  };
}

/**
 * One line saying what the guest agent reports, for the list. An unresponsive agent is never
 * shown as locked: the screen's state is then unknown.
 * @param {Guest|null} guest
 * @returns {{state: string, text: string}}
 */
export function describeGuest(guest) {
  if (!guest) {
    return { state: 'none', text: 'no guest agent' };
  }
  const version = guest.agentVersion ? ` ${guest.agentVersion}` : '';
  if (!guest.responsive) {
    return { state: 'unresponsive', text: `agent${version} not responding · screen state unknown` };
  }
  const screen = guest.locked ? 'locked' : guest.session === 'logged-off' ? 'logged off'
    : guest.session === 'unlocked' ? 'unlocked' : 'screen state unknown';
  const users = guest.users.length ? ` · ${guest.users.join(', ')}` : '';
  return { state: guest.locked ? 'locked' : 'responsive', text: `agent${version} · ${screen}${users}` };
}

function normalizeGraphics(graphics) {
  if (graphics === null || typeof graphics !== 'object' || Array.isArray(graphics)) {
    return null;
  }
  return {
    type: cleanText(graphics.type, MAX_FIELD_CHARS).toLowerCase(),
    exposed: graphics.exposed === true,
    passwordCapable: graphics.passwordCapable === true,
  };
}

/** True when the VM runs and its VNC takes a one-time password: the only case a console can open. */
export function canOpenConsole(vm) {
  return consoleUnavailableReason(vm) === '';
}

/** Why the console cannot open, or '' when it can. */
export function consoleUnavailableReason(vm) {
  if (vm.state !== 'running') {
    return 'The VM is not running.';
  }
  if (!vm.graphics) {
    return 'The VM has no graphics device.';
  }
  if (!vm.graphics.passwordCapable) {
    return 'The VM\'s VNC was started without password authentication, so no one-time ticket can be set.';
  }
  return '';
}

/**
 * What the Open (interactive) and View (view-only) buttons of a VM do: each needs its
 * permission and a VM that can take a console at all.
 * @param {Vm} vm
 * @returns {{mode: string, enabled: boolean, reason: string, href: string}[]} interactive first
 */
export function consoleActions(vm) {
  const unavailable = consoleUnavailableReason(vm);
  return [MODE.INTERACTIVE, MODE.VIEW].map((mode) => {
    const permission = REQUIRED_PERMISSION[mode];
    const reason = !vm.permissions.includes(permission)
      ? `You do not hold ${permission} on this VM.` : unavailable;
    return { mode, enabled: reason === '', reason, href: reason === '' ? consoleHref(vm.id, mode) : '' };
  });
}

/** The engine the native viewer uses when told nothing else. */
const NATIVE_DEFAULT_ENGINE = 'http://localhost:8080';
const SAFE_ORIGIN = /^https?:\/\/[A-Za-z0-9.\-:[\]]+$/;

/**
 * The command that opens this VM's console in the native viewer (`porthole-viewer`), in the
 * best mode the user may use; '' when neither mode is open to them. The engine's origin is
 * named unless it is the viewer's default; a UUID and a checked origin are all that go in, so
 * the command is safe to copy into a shell.
 * @param {Vm} vm
 * @param {string} [engineOrigin] e.g. location.origin
 */
export function nativeViewerCommand(vm, engineOrigin = '') {
  const enabled = consoleActions(vm).filter((a) => a.enabled).map((a) => a.mode);
  if (enabled.length === 0 || !UUID_PATTERN.test(vm.id)) {
    return '';
  }
  const engine = SAFE_ORIGIN.test(engineOrigin) && engineOrigin !== NATIVE_DEFAULT_ENGINE
    ? ` --engine ${engineOrigin}` : '';
  const view = enabled.includes(MODE.INTERACTIVE) ? '' : ' --view';
  return `porthole-viewer${engine} connect${view} ${vm.id}`;
}

/** The console page link for a VM, in the given mode (interactive when left out). */
export function consoleHref(vmId, mode = MODE.INTERACTIVE) {
  const base = `/console.html?vm=${encodeURIComponent(vmId)}`;
  return mode === MODE.VIEW ? `${base}&mode=view` : base;
}

/**
 * Reads the console mode from the console page's query string.
 * @param {string} search e.g. location.search
 * @returns {string} one of {@link MODE}; interactive when not given
 * @throws {ApiError} BAD_REQUEST for any other value
 */
export function modeFromSearch(search) {
  const value = new URLSearchParams(typeof search === 'string' ? search : '').get('mode');
  if (value === null || value === '' || value === MODE.INTERACTIVE) {
    return MODE.INTERACTIVE;
  }
  if (value === MODE.VIEW) {
    return MODE.VIEW;
  }
  throw new ApiError('BAD_REQUEST', 'The mode parameter must be "interactive" or "view".');
}

/**
 * Reads the VM id from the console page's query string.
 * @param {string} search e.g. location.search
 * @returns {string} the VM UUID
 * @throws {ApiError} BAD_REQUEST when it is missing or not a UUID
 */
export function vmIdFromSearch(search) {
  const value = new URLSearchParams(typeof search === 'string' ? search : '').get('vm');
  if (value === null || value.length === 0) {
    throw new ApiError('BAD_REQUEST', 'No VM given: open this page as console.html?vm=<VM UUID> from the VM list.');
  }
  if (!UUID_PATTERN.test(value)) {
    throw new ApiError('BAD_REQUEST', 'The vm parameter is not a VM UUID.');
  }
  return value;
}
