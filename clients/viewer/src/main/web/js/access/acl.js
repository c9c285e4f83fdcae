/**
 * Console ACL entries as GET /api/v1/acls answers them, and the add form's checks.
 * Pure functions, tested without a browser. The server checks everything again; these
 * checks give the admin a clear line before a round trip.
 */
import { PERMISSIONS } from '../api/engine-client.js';
import { ApiError, cleanText } from '../api/errors.js';

export const SUBJECT_KINDS = Object.freeze(['user', 'group']);
export const OBJECT_KINDS = Object.freeze(['vm', 'tag']);
const MAX_FIELD_CHARS = 200;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The engine's rule for subject and tag names (its Names class): 1–64 of A-Z a-z 0-9 . _ @ -. */
export const NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const NAME_RULE = '1–64 characters of A-Z a-z 0-9 . _ @ -';

/**
 * @typedef {object} Acl
 * @property {string} id
 * @property {string} subjectKind
 * @property {string} subject
 * @property {string} objectKind
 * @property {string} object
 * @property {string} permission
 * @property {string} createdBy
 * @property {string} createdAt
 */

/**
 * Normalizes the ACL list; entries without a usable id are dropped.
 * @param {unknown} data
 * @returns {Acl[]}
 */
export function normalizeAclList(data) {
  if (!Array.isArray(data)) {
    throw new ApiError('BAD_RESPONSE', 'The engine\'s ACL list is not an array.');
  }
  return data.map(normalizeAcl).filter(Boolean);
}

/**
 * Normalizes one ACL row (also the 201 answer of POST /acls).
 * @param {unknown} item
 * @returns {Acl|null}
 */
export function normalizeAcl(item) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return null;
  }
  const id = typeof item.id === 'number' && Number.isSafeInteger(item.id) ? String(item.id) : cleanText(item.id, 64);
  if (!id) {
    return null;
  }
  const text = (value) => cleanText(value, MAX_FIELD_CHARS);
  return {
    id,
    subjectKind: text(item.subjectKind),
    subject: text(item.subject),
    objectKind: text(item.objectKind),
    object: text(item.object),
    permission: text(item.permission),
    createdBy: text(item.createdBy),
    createdAt: text(item.createdAt),
  };
}

/**
 * Checks the add form's values.
 * @param {Record<string, unknown>} input the form fields as strings
 * @returns {{ok: true, entry: object} | {ok: false, errors: Record<string, string>}}
 *   `entry` is the POST /acls body; `errors` names each bad field
 */
export function validateAclInput(input) {
  const value = (name) => (typeof input?.[name] === 'string' ? input[name].trim() : '');
  const entry = {
    subjectKind: value('subjectKind'),
    subject: value('subject'),
    objectKind: value('objectKind'),
    object: value('object'),
    permission: value('permission'),
  };
  const errors = {};
  if (!SUBJECT_KINDS.includes(entry.subjectKind)) {
    errors.subjectKind = 'Choose user or group.';
  }
  if (entry.subject === '') {
    errors.subject = 'Name the user or group.';
  } else if (!NAME_PATTERN.test(entry.subject)) {
    errors.subject = `A user or group name is ${NAME_RULE}.`;
  }
  if (!OBJECT_KINDS.includes(entry.objectKind)) {
    errors.objectKind = 'Choose VM or tag.';
  } else if (entry.objectKind === 'vm' && !UUID_PATTERN.test(entry.object)) {
    errors.object = entry.object === '' ? 'Choose a VM.' : 'A VM is named by its UUID.';
  } else if (entry.objectKind === 'tag' && !NAME_PATTERN.test(entry.object)) {
    errors.object = `A tag is ${NAME_RULE}.`;
  }
  if (!PERMISSIONS.includes(entry.permission)) {
    errors.permission = 'Choose one of the permissions.';
  }
  return Object.keys(errors).length === 0 ? { ok: true, entry } : { ok: false, errors };
}

/**
 * Checks the ACL list filter before it is sent (the engine refuses the same values with 400).
 * @param {{vm?: string, subject?: string}} filter trimmed values; '' means "any"
 * @returns {string} why it cannot be used, or ''
 */
export function aclFilterProblem({ vm = '', subject = '' } = {}) {
  if (vm !== '' && !UUID_PATTERN.test(vm)) {
    return 'VM filter: a VM UUID.';
  }
  if (subject !== '' && !NAME_PATTERN.test(subject)) {
    return `Subject filter: ${NAME_RULE}.`;
  }
  return '';
}

/**
 * Normalizes the tags of a VM: strings only, cleaned, de-duplicated and sorted. Accepts the
 * contract's array and the `{vmId, tags: [...]}` object the engine may answer with.
 * @param {unknown} data
 * @returns {string[]}
 */
export function normalizeTags(data) {
  const list = Array.isArray(data) ? data : data !== null && typeof data === 'object' && Array.isArray(data.tags) ? data.tags : null;
  if (list === null) {
    throw new ApiError('BAD_RESPONSE', 'The engine\'s tag list is not an array.');
  }
  const tags = list.filter((t) => typeof t === 'string').map((t) => cleanText(t, 64)).filter(Boolean);
  return [...new Set(tags)].sort();
}

/** Why a tag cannot be added, or '' when it can. */
export function tagProblem(tag) {
  return typeof tag === 'string' && NAME_PATTERN.test(tag.trim()) ? '' : `A tag is ${NAME_RULE}.`;
}

/** How much of a UUID tells apart VMs of the same name. */
const SHORT_ID_CHARS = 8;

/**
 * The VMs as a select offers them: by name, sorted; a name several VMs share gets the start of
 * each one's UUID, so every label is unique.
 * @param {{id: string, name: string}[]} vms
 * @returns {{id: string, label: string}[]}
 */
export function vmChoices(vms) {
  const counts = new Map();
  for (const vm of vms) {
    counts.set(vm.name, (counts.get(vm.name) ?? 0) + 1);
  }
  return vms.map((vm) => ({ id: vm.id, label: counts.get(vm.name) > 1 ? `${vm.name} (${vm.id.slice(0, SHORT_ID_CHARS)})` : vm.name }))
    .sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
}
