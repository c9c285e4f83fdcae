/**
 * Entry point of console.html (`?vm=<uuid>[&mode=view]`): wires the page's buttons to a
 * {@link ConsoleSession} driving noVNC. Stable hooks for automated tests: the canvas inside
 * #screen, the status text in #status with data-state = connecting | connected |
 * disconnected | error (and data-reason = taken-over | revoked for a final close), the
 * takeover dialog's yes/no buttons.
 */
import RFB from '@novnc/novnc';
import { createSignInReload } from '../account/sign-in.js';
import { normalizeUser } from '../account/user.js';
import { createEngineClient } from '../api/engine-client.js';
import { ApiError, cleanText } from '../api/errors.js';
import { MODE, modeFromSearch, normalizeVm, vmIdFromSearch } from '../vms/vm-list.js';
import { ConsoleSession, STATE, reconnectIsMainAction } from './session.js';
import { takeoverQuestion } from './takeover.js';

const client = createEngineClient({
  onSignInRequired: createSignInReload(window.sessionStorage, () => window.location.reload()),
});
const elements = {
  screen: document.getElementById('screen'),
  status: document.getElementById('status'),
  vmName: document.getElementById('vm-name'),
  ctrlAltDel: document.getElementById('ctrl-alt-del'),
  scale: document.getElementById('toggle-scale'),
  fullscreen: document.getElementById('toggle-fullscreen'),
  reconnect: document.getElementById('reconnect'),
  mode: document.getElementById('mode'),
  takeover: document.getElementById('takeover'),
  takeoverText: document.getElementById('takeover-text'),
  user: document.getElementById('user'),
};

function showStatus({ state, text, reason = '' }) {
  elements.status.dataset.state = state;
  elements.status.textContent = mode === MODE.VIEW ? `View only · ${text}` : text;
  if (reason) {
    elements.status.dataset.reason = reason;
  } else {
    delete elements.status.dataset.reason;
  }
  elements.ctrlAltDel.disabled = state !== STATE.CONNECTED || mode === MODE.VIEW;
  elements.reconnect.disabled = state === STATE.CONNECTING;
  elements.reconnect.classList.toggle('primary', reconnectIsMainAction(state));
}

/** Asks "Take over from alice?" in the page's dialog; resolves true on yes. */
function confirmTakeover(holder) {
  const dialog = elements.takeover;
  elements.takeoverText.textContent = takeoverQuestion(holder);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

async function showUser() {
  try {
    elements.user.textContent = normalizeUser(await client.me()).name;
    elements.user.dataset.state = 'ok';
  } catch {
    elements.user.dataset.state = 'error';
  }
}

function showScale(scale) {
  elements.scale.setAttribute('aria-pressed', String(scale));
  elements.scale.textContent = scale ? 'Scaling: on' : 'Scaling: off';
}

async function showVmName(vmId) {
  try {
    const vm = normalizeVm(await client.getVm(vmId));
    if (vm) {
      elements.vmName.textContent = vm.name;
      document.title = `${vm.name} · Porthole console`;
    }
  } catch {
    // The status line reports the errors that matter; the name is a nicety.
  }
}

function toggleFullscreen() {
  if (document.fullscreenElement) {
    document.exitFullscreen().catch(() => {});
    return;
  }
  elements.screen.requestFullscreen?.().catch(() => {
    showStatus({ state: session.state, text: 'This browser refused full screen.' });
  });
}

let vmId = null;
let mode = MODE.INTERACTIVE;
try {
  vmId = vmIdFromSearch(window.location.search);
  mode = modeFromSearch(window.location.search);
} catch (error) {
  vmId = null;
  showStatus({ state: STATE.ERROR, text: error instanceof ApiError ? error.message : 'Bad page address.' });
}
elements.mode.dataset.mode = mode;
elements.mode.hidden = mode !== MODE.VIEW;

const session = new ConsoleSession({
  target: elements.screen,
  requestTicket: ({ takeover }) => client.createConsole(vmId, { mode, takeover }),
  confirmTakeover,
  viewOnly: mode === MODE.VIEW,
  openSocket: (url, protocols) => new WebSocket(url, protocols),
  createRfb: (target, socket, options) => new RFB(target, socket, options),
  onStatus: showStatus,
  scale: true,
});

showScale(session.scale);
elements.ctrlAltDel.addEventListener('click', () => session.sendCtrlAltDel());
elements.scale.addEventListener('click', () => {
  session.setScale(!session.scale);
  showScale(session.scale);
});
elements.fullscreen.addEventListener('click', toggleFullscreen);
elements.reconnect.addEventListener('click', () => {
  if (vmId) {
    session.connect();
  }
});
window.addEventListener('pagehide', () => session.disconnect());
showUser();

if (vmId) {
  elements.vmName.textContent = cleanText(vmId);
  showVmName(vmId);
  session.connect();
} else {
  elements.reconnect.disabled = true;
  elements.reconnect.classList.remove('primary');
}
