/**
 * Draws ACL rows and a VM's tags. The document is passed in (see page/dom.js); every server
 * string goes in as text.
 */
import { button, element } from '../page/dom.js';

/** The column count of the ACL table. */
export const ACL_COLUMNS = 6;

/**
 * One ACL row: `data-acl-id`, `data-testid="acl-row"`, and a delete button `acl-delete` with the
 * same `data-acl-id`. A VM object is shown by its name when `vmNames` knows it (the UUID in `title`).
 * @param {Document} doc
 * @param {import('./acl.js').Acl} acl
 * @param {Map<string, string>} [vmNames] VM UUID → name
 */
export function renderAclRow(doc, acl, vmNames = new Map()) {
  const td = (text, className) => element(doc, 'td', { text, className });
  // The button carries the id too: `[data-testid=acl-delete][data-acl-id='7']` (e2e AccessPageIT).
  const remove = button(doc, 'Delete', 'acl-delete', { action: 'delete-acl', aclId: acl.id });
  return element(doc, 'tr', { testid: 'acl-row', data: { aclId: acl.id } }, [
    element(doc, 'td', {}, [element(doc, 'span', { className: 'kind', text: acl.subjectKind }), ' ', acl.subject]),
    element(doc, 'td', {}, [element(doc, 'span', { className: 'kind', text: acl.objectKind }), ' ', objectText(doc, acl, vmNames)]),
    td(acl.permission, 'permission'),
    td(acl.createdBy),
    td(acl.createdAt, 'muted'),
    element(doc, 'td', {}, [remove]),
  ]);
}

function objectText(doc, acl, vmNames) {
  const name = acl.objectKind === 'vm' ? vmNames.get(acl.object) : undefined;
  return name === undefined ? acl.object
    : element(doc, 'span', { className: 'vm-ref', text: name, testid: 'acl-object-name', attrs: { title: acl.object } });
}

/**
 * The options of a VM select: `any` first with the value '' when given, then each VM by its label.
 * @param {Document} doc
 * @param {{id: string, label: string}[]} choices see vmChoices in acl.js
 * @param {string} [any] the text of the "no VM" option; '' for none
 */
export function renderVmOptions(doc, choices, any = '') {
  const options = choices.map(({ id, label }) => element(doc, 'option', { text: label, attrs: { value: id, title: id } }));
  return any ? [element(doc, 'option', { text: any, attrs: { value: '' } }), ...options] : options;
}

/**
 * Puts the VM choices in a select, keeping its selection when that VM is still offered.
 * @param {HTMLSelectElement} select
 * @param {{id: string, label: string}[]} choices
 * @param {string} [any] see {@link renderVmOptions}
 */
export function fillVmSelect(select, choices, any = '') {
  const before = select.value;
  select.replaceChildren(...renderVmOptions(select.ownerDocument, choices, any));
  if (choices.some((c) => c.id === before)) {
    select.value = before;
  }
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
