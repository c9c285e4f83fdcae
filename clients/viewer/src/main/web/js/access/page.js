/**
 * The Access panel of index.html: the ACL list with its filter, the add form, delete per
 * row, and the tags of one VM. VMs are picked by name from the VMs the user administers
 * (selects whose values are the UUIDs) and shown by name in the list. Each list loads
 * through a {@link LatestList}, so a slow older answer never renders over a newer filter's,
 * and an unchanged answer does not re-render.
 */
import { LatestList } from '../page/latest.js';
import { debounce, errorLine, formValues, setStatus, showFieldErrors } from '../page/forms.js';
import { aclFilterProblem, normalizeAcl, normalizeAclList, normalizeTags, tagProblem, validateAclInput, vmChoices } from './acl.js';
import { renderAclEmpty, renderAclRow, fillVmSelect, renderTag } from './acl-view.js';

const FILTER_DELAY_MS = 300;

/**
 * Wires the panel. Nothing loads until {@link show} is called (the tab is opened).
 * @param {{client: object}} deps
 * @returns {{show: () => void, setVms: (vms: import('../vms/vm-list.js').Vm[]) => void}}
 */
export function createAccessPanel({ client }) {
  const byId = (id) => document.getElementById(id);
  const filter = byId('acl-filter');
  const rows = byId('acl-list');
  const status = byId('acl-status');
  const form = byId('acl-form');
  const formError = byId('acl-form-error');
  const tagForm = byId('tag-form');
  const tagVm = byId('tag-vm');
  const tagList = byId('tag-list');
  const tagStatus = byId('tag-status');
  const filterVm = byId('acl-filter-vm');
  const objectVm = byId('acl-object-vm');
  let shownChoices = '';
  let vmNames = new Map();
  let shown = false;

  const acls = new LatestList({
    load: async (query) => normalizeAclList(await client.listAcls(query)),
    render: (list) => rows.replaceChildren(
      ...(list.length ? list.map((acl) => renderAclRow(document, acl, vmNames)) : [renderAclEmpty(document)])),
    onFresh: (list) => setStatus(status, 'ok', `${list.length} entr${list.length === 1 ? 'y' : 'ies'}`),
    onError: (error) => setStatus(status, 'error', errorLine(error, 'Could not load the ACL list.')),
  });
  const tags = new LatestList({
    load: async (vmId) => (vmId ? normalizeTags(await client.listTags(vmId)) : []),
    render: (list) => tagList.replaceChildren(...list.map((tag) => renderTag(document, tag))),
    onFresh: (list, vmId) => setStatus(tagStatus, 'ok', vmId ? `${list.length} tag${list.length === 1 ? '' : 's'}` : 'No VM to tag.'),
    onError: (error) => setStatus(tagStatus, 'error', errorLine(error, 'Could not load the tags.')),
  });

  const reloadAcls = () => {
    const values = formValues(filter);
    const query = { vm: values.vm.trim(), subject: values.subject.trim() };
    const problem = aclFilterProblem(query);
    if (problem) {
      setStatus(status, 'error', problem);
      return Promise.resolve('failed');
    }
    setStatus(status, 'loading', 'Loading…');
    return acls.reload(query);
  };
  const reloadTags = () => tags.reload(tagVm.value);

  filter.addEventListener('input', debounce(reloadAcls, FILTER_DELAY_MS));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    reloadAcls();
  });

  const showObjectField = () => {
    const vm = form.elements.objectKind.value === 'vm';
    byId('acl-object-vm-field').hidden = !vm;
    byId('acl-object-tag-field').hidden = vm;
  };
  form.elements.objectKind.addEventListener('change', showObjectField);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const byVm = values.objectKind === 'vm';
    const checked = validateAclInput(byVm ? { ...values, object: values.objectVm } : values);
    const { object, ...others } = checked.ok ? {} : checked.errors;
    showFieldErrors(form, object === undefined ? others : { ...others, [byVm ? 'objectVm' : 'object']: object }, formError);
    if (!checked.ok) {
      formError.dataset.state = 'error';
      return;
    }
    try {
      const created = normalizeAcl(await client.createAcl(checked.entry));
      form.elements.subject.value = '';
      form.elements.object.value = '';
      showFieldErrors(form, {}, formError);
      setStatus(formError, 'ok', created ? `Added entry ${created.id}.` : 'Added.');
    } catch (error) {
      setStatus(formError, 'error', errorLine(error, 'Could not add the entry.'));
      return;
    }
    reloadAcls();
  });

  rows.addEventListener('click', async (event) => {
    const target = event.target.closest('button[data-action="delete-acl"]');
    if (!target) {
      return;
    }
    const { aclId } = target.closest('tr').dataset;
    target.disabled = true;
    try {
      await client.deleteAcl(aclId);
      setStatus(status, 'ok', `Deleted entry ${aclId}.`);
    } catch (error) {
      target.disabled = false;
      setStatus(status, 'error', errorLine(error, 'Could not delete the entry.'));
      return;
    }
    reloadAcls();
  });

  tagVm.addEventListener('change', reloadTags);
  tagForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const tag = tagForm.elements.tag.value.trim();
    const problem = tagVm.value ? tagProblem(tag) : 'Choose a VM first.';
    if (problem) {
      setStatus(tagStatus, 'error', problem);
      return;
    }
    try {
      await client.addTag(tagVm.value, tag);
      tagForm.elements.tag.value = '';
    } catch (error) {
      setStatus(tagStatus, 'error', errorLine(error, 'Could not add the tag.'));
      return;
    }
    reloadTags();
  });
  tagList.addEventListener('click', async (event) => {
    const target = event.target.closest('button[data-action="remove-tag"]');
    if (!target) {
      return;
    }
    try {
      await client.removeTag(tagVm.value, target.closest('li').dataset.tag);
    } catch (error) {
      setStatus(tagStatus, 'error', errorLine(error, 'Could not remove the tag.'));
      return;
    }
    reloadTags();
  });

  /** Offers the VMs the user administers, by name, in the VM selects; shows ACL objects by name. */
  function setVms(vms) {
    const choices = vmChoices(vms);
    const key = JSON.stringify(choices);
    if (key === shownChoices) {
      return;
    }
    shownChoices = key;
    vmNames = new Map(vms.map((vm) => [vm.id, vm.name]));
    const selected = tagVm.value;
    fillVmSelect(tagVm, choices);
    fillVmSelect(objectVm, choices);
    fillVmSelect(filterVm, choices, 'any VM');
    if (tagVm.value !== selected) {
      reloadTags();
    }
    if (shown) {
      acls.invalidate();
      reloadAcls();
    }
  }

  return {
    show: () => {
      shown = true;
      showObjectField();
      reloadAcls();
      reloadTags();
    },
    setVms,
  };
}
