/**
 * Entry point of index.html: the VM list, refreshed every 5 s. Stable hooks for automated
 * tests: rows of #vm-list carry data-vm-id; the console link is [data-action=open-console]
 * with aria-disabled="true" when the console cannot open; #list-status carries data-state.
 */
import { createEngineClient } from '../api/engine-client.js';
import { ApiError } from '../api/errors.js';
import { consoleHref, consoleUnavailableReason, describeGuest, normalizeVmList } from './vm-list.js';

export const REFRESH_MS = 5000;
const EXPOSED_HINT = 'VNC listens beyond loopback: anyone on the network can reach this console '
  + 'without Porthole. See the host-agent README to fix the domain XML.';

const client = createEngineClient();
const rows = document.getElementById('vm-list');
const listStatus = document.getElementById('list-status');
let timer = null;
let inFlight = false;

function cell(...children) {
  const td = document.createElement('td');
  td.append(...children);
  return td;
}

function span(className, text, title) {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  if (title) {
    element.title = title;
  }
  return element;
}

function hostCell(vm) {
  const online = vm.hostOnline === null ? 'unknown' : vm.hostOnline ? 'online' : 'offline';
  const dot = span(`dot dot-${online}`, '', `host ${online}`);
  return cell(dot, document.createTextNode(vm.hostId || '—'));
}

function graphicsCell(vm) {
  if (!vm.graphics) {
    return cell(span('muted', 'none'));
  }
  const parts = [document.createTextNode(vm.graphics.type || 'graphics')];
  if (vm.graphics.exposed) {
    const badge = span('badge badge-warn', 'exposed', EXPOSED_HINT);
    badge.dataset.badge = 'exposed';
    parts.push(badge);
  }
  return cell(...parts);
}

function guestCell(vm) {
  const { state, text } = describeGuest(vm.guest);
  const element = span(`guest guest-${state}`, text);
  element.dataset.guest = state;
  return cell(element);
}

function consoleCell(vm) {
  const link = document.createElement('a');
  link.className = 'button';
  link.dataset.action = 'open-console';
  link.textContent = 'Open console';
  const reason = consoleUnavailableReason(vm);
  if (reason) {
    link.setAttribute('aria-disabled', 'true');
    link.title = reason;
  } else {
    link.href = consoleHref(vm.id);
  }
  return cell(link);
}

function renderRow(vm) {
  const row = document.createElement('tr');
  row.dataset.vmId = vm.id;
  row.dataset.state = vm.state;
  row.append(
    cell(span('vm-name', vm.name), span('vm-id', vm.id)),
    cell(span(`state state-${vm.state.replace(/[^a-z]/g, '')}`, vm.state)),
    hostCell(vm),
    graphicsCell(vm),
    guestCell(vm),
    consoleCell(vm),
  );
  return row;
}

function renderEmpty() {
  const row = document.createElement('tr');
  const td = cell('No VMs known yet. Is a host agent running and connected to the engine?');
  td.colSpan = 6;
  td.className = 'empty';
  row.append(td);
  return row;
}

function setListStatus(state, text) {
  listStatus.dataset.state = state;
  listStatus.textContent = text;
}

async function refresh() {
  if (inFlight) {
    return;
  }
  inFlight = true;
  clearTimeout(timer);
  try {
    const { vms, ignored } = normalizeVmList(await client.listVms());
    rows.replaceChildren(...(vms.length ? vms.map(renderRow) : [renderEmpty()]));
    const skipped = ignored ? ` · ${ignored} malformed entr${ignored === 1 ? 'y' : 'ies'} ignored` : '';
    setListStatus('ok', `${vms.length} VM${vms.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}${skipped}`);
  } catch (error) {
    const text = error instanceof ApiError ? `${error.message} [${error.status}]` : 'Could not load the VM list.';
    setListStatus('error', `${text} Retrying every ${REFRESH_MS / 1000} s.`);
  } finally {
    inFlight = false;
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH_MS);
  }
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    refresh();
  }
});
refresh();
