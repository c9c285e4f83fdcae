/**
 * Draws ACL rows and a VM's tags. The document is passed in (see page/dom.js); every server
 * string goes in as text.
 */
import { button, element } from '../page/dom.js';

/** The column count of the ACL table. */
export const ACL_COLUMNS = 6;

/** One ACL row: `data-acl-id`, `data-testid="acl-row"`, and a delete button `acl-delete` with the same `data-acl-id`. */
export function renderAclRow(doc, acl) {
  const td = (text, className) => element(doc, 'td', { text, className });
  // The button carries the id too: `[data-testid=acl-delete][data-acl-id='7']` (e2e AccessPageIT).
  const remove = button(doc, 'Delete', 'acl-delete', { action: 'delete-acl', aclId: acl.id });
  return element(doc, 'tr', { testid: 'acl-row', data: { aclId: acl.id } }, [
    element(doc, 'td', {}, [element(doc, 'span', { className: 'kind', text: acl.subjectKind }), ' ', acl.subject]),
    element(doc, 'td', {}, [element(doc, 'span', { className: 'kind', text: acl.objectKind }), ' ', acl.object]),
    td(acl.permission, 'permission'),
    td(acl.createdBy),
    td(acl.createdAt, 'muted'),
    element(doc, 'td', {}, [remove]),
  ]);
}

/** The row shown when the (filtered) ACL list is empty. */
export function renderAclEmpty(doc) {
  const td = element(doc, 'td', { className: 'empty', text: 'No ACL entries match.' });
  td.setAttribute('colspan', String(ACL_COLUMNS));
  return element(doc, 'tr', { testid: 'acl-empty' }, [td]);
}

/** One tag of a VM, with its remove button `tag-remove`. */
export function renderTag(doc, tag) {
  return element(doc, 'li', { className: 'tag', testid: 'tag', data: { tag } }, [
    element(doc, 'span', { text: tag }),
    button(doc, '×', 'tag-remove', { action: 'remove-tag', tag }),
  ]);
}
