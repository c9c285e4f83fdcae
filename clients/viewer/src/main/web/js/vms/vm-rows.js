/**
 * Draws the VM list's rows from normalized VMs. The document is passed in (see page/dom.js),
 * so the rows are tested under node:test; every server string goes in as text.
 */
import { element } from '../page/dom.js';
import { MODE, consoleActions, describeGuest, nativeViewerCommand } from './vm-list.js';

export const COLUMNS = 6;
const EXPOSED_HINT = 'VNC listens beyond loopback: anyone on the network can reach this console '
  + 'without Porthole. See the host-agent README to fix the domain XML.';
const BUTTONS = Object.freeze({
  [MODE.INTERACTIVE]: { text: 'Open', action: 'open-console', testid: 'vm-open' },
  [MODE.VIEW]: { text: 'View', action: 'view-console', testid: 'vm-view' },
});

const cell = (doc, ...children) => element(doc, 'td', {}, children);

function hostCell(doc, vm) {
  const online = vm.hostOnline === null ? 'unknown' : vm.hostOnline ? 'online' : 'offline';
  const dot = element(doc, 'span', { className: `dot dot-${online}`, testid: 'vm-host-dot', attrs: { title: `host ${online}` } });
  // One nowrap box: the dot never wraps away from the host's name.
  return cell(doc, element(doc, 'span', { className: 'host', testid: 'vm-host' }, [dot,
    element(doc, 'span', { className: 'host-name', text: vm.hostId || '—', testid: 'vm-host-name' })]));
}

function graphicsCell(doc, vm) {
  if (!vm.graphics) {
    return cell(doc, element(doc, 'span', { className: 'muted', text: 'none' }));
  }
  const parts = [vm.graphics.type || 'graphics'];
  if (vm.graphics.exposed) {
    parts.push(element(doc, 'span', { className: 'badge badge-warn', text: 'exposed', data: { badge: 'exposed' },
      attrs: { title: EXPOSED_HINT } }));
  }
  return cell(doc, ...parts);
}

function guestCell(doc, vm) {
  const { state, text } = describeGuest(vm.guest);
  return cell(doc, element(doc, 'span', { className: `guest guest-${state}`, text, testid: 'vm-guest', data: { guest: state } }));
}

function consoleCell(doc, vm) {
  const links = consoleActions(vm).map(({ mode, enabled, reason, href }) => {
    const { text, action, testid } = BUTTONS[mode];
    const link = element(doc, 'a', { className: 'button', text, testid, data: { action } });
    if (enabled) {
      link.setAttribute('href', href);
    } else {
      link.setAttribute('aria-disabled', 'true');
      link.setAttribute('title', reason);
    }
    return link;
  });
  const command = nativeViewerCommand(vm, doc.defaultView?.location?.origin ?? '');
  if (command) {
    links.push(element(doc, 'details', { className: 'native-viewer', testid: 'vm-native' }, [
      element(doc, 'summary', { text: 'Open in native viewer' }),
      element(doc, 'code', { text: command, testid: 'vm-native-command' }),
    ]));
  }
  return element(doc, 'td', { className: 'console-actions' }, links);
}

/** One VM row: `data-vm-id` and `data-vm` carry the UUID, `data-testid="vm-row"`. */
export function renderVmRow(doc, vm) {
  const row = element(doc, 'tr', { testid: 'vm-row', data: { vmId: vm.id, vm: vm.id, state: vm.state } });
  row.append(
    cell(doc, element(doc, 'span', { className: 'vm-name', text: vm.name }),
      element(doc, 'span', { className: 'vm-id', text: vm.id })),
    cell(doc, element(doc, 'span', { className: `state state-${vm.state.replace(/[^a-z]/g, '')}`, text: vm.state })),
    hostCell(doc, vm),
    graphicsCell(doc, vm),
    guestCell(doc, vm),
    consoleCell(doc, vm),
  );
  return row;
}

/** The row shown when no VM is listed: the server lists only VMs the user may at least view. */
export function renderEmptyRow(doc) {
  const td = element(doc, 'td', { className: 'empty',
    text: 'No VMs to show. You see only the VMs you hold a console permission on; ask an administrator for access.' });
  td.setAttribute('colspan', String(COLUMNS));
  return element(doc, 'tr', { testid: 'vm-empty' }, [td]);
}
