/**
 * Entry point of console.html: wires the page's buttons to a {@link ConsoleSession}
 * driving noVNC. Stable hooks for automated tests: the canvas inside #screen, the status
 * text in #status with data-state = connecting | connected | disconnected | error.
 */
import RFB from '@novnc/novnc';
import { createEngineClient } from '../api/engine-client.js';
import { ApiError, cleanText } from '../api/errors.js';
import { normalizeVm, vmIdFromSearch } from '../vms/vm-list.js';
import { ConsoleSession, STATE } from './session.js';

const client = createEngineClient();
const elements = {
  screen: document.getElementById('screen'),
  status: document.getElementById('status'),
  vmName: document.getElementById('vm-name'),
  ctrlAltDel: document.getElementById('ctrl-alt-del'),
  scale: document.getElementById('toggle-scale'),
  fullscreen: document.getElementById('toggle-fullscreen'),
  reconnect: document.getElementById('reconnect'),
};

function showStatus({ state, text }) {
  elements.status.dataset.state = state;
  elements.status.textContent = text;
  elements.ctrlAltDel.disabled = state !== STATE.CONNECTED;
  elements.reconnect.disabled = state === STATE.CONNECTING;
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
try {
  vmId = vmIdFromSearch(window.location.search);
} catch (error) {
  showStatus({ state: STATE.ERROR, text: error instanceof ApiError ? error.message : 'Bad page address.' });
}

const session = new ConsoleSession({
  target: elements.screen,
  requestTicket: () => client.createConsole(vmId),
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

if (vmId) {
  elements.vmName.textContent = cleanText(vmId);
  showVmName(vmId);
  session.connect();
} else {
  elements.reconnect.disabled = true;
}
