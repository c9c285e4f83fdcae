/**
 * Entry point of index.html: the signed-in user in the header, the VM list, and — for an
 * admin (global, or `admin` on some VM) — the Access and Audit tabs. A 401 from any call
 * reloads the page once, which signs the user in again through Keycloak.
 */
import { createAccessPanel } from './access/page.js';
import { createSignInReload } from './account/sign-in.js';
import { mayAdminister, normalizeUser } from './account/user.js';
import { createEngineClient } from './api/engine-client.js';
import { createAuditPanel } from './audit/page.js';
import { showFooterLinks } from './page/footer.js';
import { errorLine } from './page/forms.js';
import { startVmList } from './vms/page.js';

const signInReload = createSignInReload(window.sessionStorage, () => window.location.reload());
const client = createEngineClient({ onSignInRequired: signInReload });
const byId = (id) => document.getElementById(id);
const tabs = byId('tabs');
const access = createAccessPanel({ client });
const audit = createAuditPanel({ client });
const panels = { 'panel-access': access, 'panel-audit': audit };
let user = null;
let vms = [];

function selectTab(tab) {
  for (const other of tabs.querySelectorAll('[role=tab]')) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    byId(other.dataset.panel).hidden = !selected;
  }
  panels[tab.dataset.panel]?.show();
}

/** `index.html#access` and `#audit` open that tab once the user may see it. */
let wantedTab = byId(`tab-${window.location.hash.slice(1)}`);

function updateTabs() {
  const allowed = mayAdminister(user, vms);
  tabs.hidden = !allowed;
  // Tags can be changed only on VMs the user administers.
  const administered = vms.filter((vm) => user?.admin || vm.permissions.includes('admin'));
  access.setVms(administered);
  audit.setVms(administered);
  if (!allowed && byId('panel-vms').hidden) {
    selectTab(byId('tab-vms'));
  }
  if (allowed && wantedTab && user) {
    selectTab(wantedTab);
    wantedTab = null;
  }
}

async function showUser() {
  const line = byId('user');
  try {
    user = normalizeUser(await client.me());
    line.textContent = user.name;
    line.title = user.groups.length ? `groups: ${user.groups.join(', ')}` : 'no groups';
    line.dataset.state = 'ok';
    byId('admin-badge').hidden = !user.admin;
  } catch (error) {
    line.textContent = errorLine(error, 'Could not tell who is signed in.');
    line.dataset.state = 'error';
  }
  updateTabs();
}

tabs.addEventListener('click', (event) => {
  const tab = event.target.closest('[role=tab]');
  if (tab) {
    selectTab(tab);
    window.history.replaceState(null, '', tab.id === 'tab-vms' ? '#' : `#${tab.id.slice('tab-'.length)}`);
  }
});
showUser();
showFooterLinks({ client, container: byId('footer-links'), doc: document });
startVmList({
  client,
  onVms: (list) => {
    vms = list;
    updateTabs();
  },
});
