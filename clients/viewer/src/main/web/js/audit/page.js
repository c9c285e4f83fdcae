/**
 * The Audit panel of index.html: filters, the newest-first table, and one session's story
 * oldest first when its session id is clicked. Both tables load through a
 * {@link LatestList}: stale answers are dropped, unchanged ones not re-rendered.
 */
import { LatestList } from '../page/latest.js';
import { debounce, errorLine, formValues, setStatus, showFieldErrors } from '../page/forms.js';
import { auditQuery, normalizeAuditList, sessionQuery, sessionStory } from './audit.js';
import { renderAuditEmpty, renderAuditRow } from './audit-view.js';

const FILTER_DELAY_MS = 300;

/**
 * Wires the panel. Nothing loads until {@link show} is called (the tab is opened).
 * @param {{client: object}} deps
 * @returns {{show: () => void}}
 */
export function createAuditPanel({ client }) {
  const byId = (id) => document.getElementById(id);
  const filter = byId('audit-filter');
  const rows = byId('audit-list');
  const status = byId('audit-status');
  const story = byId('audit-story');
  const storyRows = byId('audit-story-list');
  const storyStatus = byId('audit-story-status');

  const events = new LatestList({
    load: async (query) => normalizeAuditList(await client.listAudit(query)),
    render: (list) => rows.replaceChildren(...(list.length ? list.map((e) => renderAuditRow(document, e)) : [renderAuditEmpty(document)])),
    onFresh: (list) => setStatus(status, 'ok', `${list.length} event${list.length === 1 ? '' : 's'}, newest first`),
    onError: (error) => setStatus(status, 'error', errorLine(error, 'Could not load the audit events.')),
  });
  const sessionEvents = new LatestList({
    load: async (sessionId) => sessionStory(normalizeAuditList(await client.listAudit(sessionQuery(sessionId)))),
    render: (list) => storyRows.replaceChildren(
      ...(list.length ? list.map((e) => renderAuditRow(document, e, { story: true })) : [renderAuditEmpty(document)])),
    onFresh: (list) => setStatus(storyStatus, 'ok', `${list.length} event${list.length === 1 ? '' : 's'}`),
    onError: (error) => setStatus(storyStatus, 'error', errorLine(error, 'Could not load the session\'s events.')),
  });

  const reload = () => {
    const checked = auditQuery(formValues(filter));
    showFieldErrors(filter, checked.ok ? {} : checked.errors, status);
    if (!checked.ok) {
      status.dataset.state = 'error';
      return;
    }
    setStatus(status, 'loading', 'Loading…');
    events.reload(checked.query);
  };

  filter.addEventListener('input', debounce(reload, FILTER_DELAY_MS));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    reload();
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

  return { show: reload };
}
