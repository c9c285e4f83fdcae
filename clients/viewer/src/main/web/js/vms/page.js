/**
 * The VM list panel of index.html, refreshed every 5 s. A refresh whose answer equals what
 * is shown changes nothing in the table (rows held by a test stay the same nodes); an answer
 * older than the newest request is dropped. Hooks: see the README's table.
 */
import { LatestList } from '../page/latest.js';
import { errorLine, setStatus } from '../page/forms.js';
import { normalizeVmList } from './vm-list.js';
import { renderEmptyRow, renderVmRow } from './vm-rows.js';

export const REFRESH_MS = 5000;

/**
 * Starts the list.
 * @param {{client: object, onVms: (vms: import('./vm-list.js').Vm[]) => void}} deps onVms gets
 *   every newest list (the tabs and the Access panel use it)
 */
export function startVmList({ client, onVms }) {
  const rows = document.getElementById('vm-list');
  const listStatus = document.getElementById('list-status');
  let timer = null;
  const list = new LatestList({
    load: async () => normalizeVmList(await client.listVms()),
    render: ({ vms }) => rows.replaceChildren(
      ...(vms.length ? vms.map((vm) => renderVmRow(document, vm)) : [renderEmptyRow(document)])),
    onFresh: ({ vms, ignored }) => {
      const skipped = ignored ? ` · ${ignored} malformed entr${ignored === 1 ? 'y' : 'ies'} ignored` : '';
      setStatus(listStatus, 'ok', `${vms.length} VM${vms.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}${skipped}`);
      onVms(vms);
    },
    onError: (error) => setStatus(listStatus, 'error',
      `${errorLine(error, 'Could not load the VM list.')} Retrying every ${REFRESH_MS / 1000} s.`),
  });

  async function refresh() {
    clearTimeout(timer);
    try {
      await list.reload(undefined);
    } finally {
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
}
