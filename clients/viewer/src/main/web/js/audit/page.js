/**
 * The Audit panel of index.html: filters, the newest-first table a page at a time, and one
 * session's story oldest first when its session id is clicked. Both tables load through a
 * {@link LatestList}: stale answers are dropped, unchanged ones not re-rendered.
 *
 * Paging is by keyset: an older page asks for the events before the last id shown, so new
 * events arriving meanwhile never shift a page. The ids that started each newer page are
 * kept, so **Newer** goes back exactly; changing a filter starts again at the newest page.
 */
import { LatestList } from '../page/latest.js';
import { debounce, errorLine, formValues, setStatus, showFieldErrors } from '../page/forms.js';
import { auditQuery, normalizeAuditList, pageOf, sessionQuery, sessionStory } from './audit.js';
import { renderAuditEmpty, renderAuditRow } from './audit-view.js';
import { vmChoices } from '../access/acl.js';
import { fillVmSelect } from '../access/acl-view.js';

const FILTER_DELAY_MS = 300;

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Wires the panel. Nothing loads until {@link show} is called (the tab is opened).
 * @param {{client: object}} deps
 * @returns {{show: () => void, setVms: (vms: import('../vms/vm-list.js').Vm[]) => void}}
 */
export function createAuditPanel({ client }) {
  const byId = (id) => document.getElementById(id);
  const filter = byId('audit-filter');
  const rows = byId('audit-list');
  const status = byId('audit-status');
  const story = byId('audit-story');
  const storyRows = byId('audit-story-list');
  const storyStatus = byId('audit-story-status');
  const newer = byId('audit-newer');
  const older = byId('audit-older');
  const pageLine = byId('audit-page');
  /** `before` of each page from the newest ('' for the newest page); the last is the one shown. */
  let cursors = [''];
  let shownPage = null;
  let shownChoices = '';

  const events = new LatestList({
    load: async ({ query, pageSize }) => pageOf(normalizeAuditList(await client.listAudit(query)), pageSize),
    render: (page) => rows.replaceChildren(
      ...(page.events.length ? page.events.map((e) => renderAuditRow(document, e)) : [renderAuditEmpty(document)])),
    onFresh: (page, { pageSize }) => {
      shownPage = page;
      const first = (cursors.length - 1) * pageSize + 1;
      const range = page.events.length ? `events ${first}–${first + page.events.length - 1}` : 'no events';
      setStatus(status, 'ok', `${plural(page.events.length, 'event')}, newest first`);
      pageLine.textContent = `Page ${cursors.length} · ${range}`;
      pageLine.dataset.page = String(cursors.length);
      newer.disabled = cursors.length === 1;
      older.disabled = !page.older;
    },
    onError: (error) => {
      setStatus(status, 'error', errorLine(error, 'Could not load the audit events.'));
      older.disabled = true;
      newer.disabled = cursors.length === 1;
    },
  });
  const sessionEvents = new LatestList({
    load: async (sessionId) => sessionStory(normalizeAuditList(await client.listAudit(sessionQuery(sessionId)))),
    render: (list) => storyRows.replaceChildren(
      ...(list.length ? list.map((e) => renderAuditRow(document, e, { story: true })) : [renderAuditEmpty(document)])),
    onFresh: (list) => setStatus(storyStatus, 'ok', plural(list.length, 'event')),
    onError: (error) => setStatus(storyStatus, 'error', errorLine(error, 'Could not load the session\'s events.')),
  });

  const load = () => {
    const checked = auditQuery(formValues(filter), { before: cursors.at(-1) });
    showFieldErrors(filter, checked.ok ? {} : checked.errors, status);
    if (!checked.ok) {
      status.dataset.state = 'error';
      return;
    }
    setStatus(status, 'loading', 'Loading…');
    newer.disabled = true;
    older.disabled = true;
    events.reload({ query: checked.query, pageSize: checked.pageSize });
  };
  const reload = () => {
    cursors = [''];
    load();
  };

  filter.addEventListener('input', debounce(reload, FILTER_DELAY_MS));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    reload();
  });
  older.addEventListener('click', () => {
    const last = shownPage?.events.at(-1);
    if (last && shownPage.older) {
      cursors.push(last.id);
      load();
    }
  });
  newer.addEventListener('click', () => {
    if (cursors.length > 1) {
      cursors.pop();
      load();
    }
  });
  rows.addEventListener('click', (event) => {
    const target = event.target.closest('button[data-action="show-session"]');
    if (!target) {
      return;
    }
    byId('audit-story-id').textContent = target.dataset.sessionId;
    story.hidden = false;
    setStatus(storyStatus, 'loading', 'Loading…');
    sessionEvents.reload(target.dataset.sessionId);
  });
  byId('audit-story-close').addEventListener('click', () => {
    story.hidden = true;
  });

  /** Offers the VMs the user administers, by name, in the VM filter. */
  function setVms(vms) {
    const choices = vmChoices(vms);
    const key = JSON.stringify(choices);
    if (key !== shownChoices) {
      shownChoices = key;
      fillVmSelect(filter.elements.vm, choices, 'any VM');
    }
  }

  return { show: load, setVms };
}
