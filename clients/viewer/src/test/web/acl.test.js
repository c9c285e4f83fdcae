import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aclFilterProblem, normalizeAcl, normalizeAclList, normalizeTags, tagProblem, validateAclInput, vmChoices } from '../../main/web/js/access/acl.js';
import { renderAclEmpty, renderAclRow, renderTag, renderVmOptions } from '../../main/web/js/access/acl-view.js';
import { allElements, allTexts, byTestId, fakeDocument } from './support/fake-dom.js';

const UUID = '0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e';
const HOSTILE = '<img src=x onerror=alert(1)>';
const good = { subjectKind: 'user', subject: 'alice', objectKind: 'vm', object: UUID, permission: 'console.connect' };

test('a complete entry becomes the POST body, trimmed', () => {
  const checked = validateAclInput({ ...good, subject: '  alice ', object: ` ${UUID} ` });
  assert.deepEqual(checked, { ok: true, entry: good });
  assert.equal(validateAclInput({ ...good, subjectKind: 'group', subject: 'console-users', objectKind: 'tag', object: 'demo', permission: 'admin' }).ok, true);
  assert.equal(validateAclInput({ ...good, subject: 'alice@PORTHOLE.TEST' }).ok, true);
});

test('rejectsIncompleteAcl: each missing or unknown field is named', () => {
  const checked = validateAclInput({});
  assert.equal(checked.ok, false);
  assert.deepEqual(Object.keys(checked.errors).sort(), ['objectKind', 'permission', 'subject', 'subjectKind']);
  const wrong = validateAclInput({ ...good, subjectKind: 'role', permission: 'console.everything' });
  assert.deepEqual(Object.keys(wrong.errors).sort(), ['permission', 'subjectKind']);
});

test('rejectsVmObjectThatIsNotAUuid and malformed tags', () => {
  for (const object of ['demo', '../acls', `${UUID}x`]) {
    assert.match(validateAclInput({ ...good, object }).errors.object, /UUID/, object);
  }
  assert.equal(validateAclInput({ ...good, object: '' }).errors.object, 'Choose a VM.');
  for (const object of ['', 'a b', 'x'.repeat(65), '<b>', 'tag/1', 'a:b']) {
    assert.match(validateAclInput({ ...good, objectKind: 'tag', object }).errors.object, /tag is/, object);
  }
});

test('rejectsHostileOrOversizedSubject: markup, spaces, control and bidi characters, over 64 characters (the engine\'s name rule)', () => {
  for (const subject of ['ali\u0000ce', 'alice\u202e', 'a'.repeat(65), HOSTILE, 'console users', '/group', 42]) {
    assert.match(validateAclInput({ ...good, subject }).errors.subject, /Name the|1–64 characters/, JSON.stringify(subject));
  }
  assert.equal(validateAclInput({ ...good, subject: 'a'.repeat(64) }).ok, true);
});

test('normalizes ACL rows: ids as strings, fields cleaned, junk dropped', () => {
  const rows = normalizeAclList([
    { id: 7, subjectKind: 'user', subject: 'alice\u202e', objectKind: 'vm', object: UUID, permission: 'console.view', createdBy: 'admin', createdAt: '2026-11-22T10:00:00Z', extra: 1 },
    { id: 'a1' }, null, [], { subject: 'no id' }, { id: 1.5 },
  ]);
  assert.deepEqual(rows.map((r) => r.id), ['7', 'a1']);
  assert.equal(rows[0].subject, 'alice');
  assert.equal('extra' in rows[0], false);
  assert.equal(normalizeAcl('x'), null);
  assert.throws(() => normalizeAclList({}), /not an array/);
});

test('hostileStringsStayText: an ACL row renders every server string as a text node', () => {
  const acl = normalizeAcl({ id: 9, subjectKind: 'user', subject: HOSTILE, objectKind: 'tag', object: '<script>alert(1)</script>',
    permission: 'console.view', createdBy: '"><svg onload=alert(1)>', createdAt: '2026' });
  const row = renderAclRow(fakeDocument, acl);
  assert.equal(row.getAttribute('data-acl-id'), '9');
  assert.equal(row.getAttribute('data-testid'), 'acl-row');
  const texts = allTexts(row);
  assert.ok(texts.includes(HOSTILE));
  assert.ok(texts.includes('<script>alert(1)</script>'));
  assert.ok(texts.includes('"><svg onload=alert(1)>'));
  const tags = new Set(allElements(row).map((e) => e.tagName));
  assert.deepEqual([...tags].sort(), ['BUTTON', 'SPAN', 'TD', 'TR']);
  const [remove] = byTestId(row, 'acl-delete');
  assert.equal(remove.getAttribute('data-action'), 'delete-acl');
  assert.equal(remove.getAttribute('data-acl-id'), '9', 'the e2e test finds the button by its id');
  assert.equal(byTestId(renderAclEmpty(fakeDocument), 'acl-empty').length, 1);
});

test('tags: normalized, de-duplicated, sorted; hostile ones rendered as text; new ones checked', () => {
  assert.deepEqual(normalizeTags(['demo', 'all', 'demo', 7, null, '']), ['all', 'demo']);
  assert.deepEqual(normalizeTags({ vmId: 'v', tags: ['b', 'a'] }), ['a', 'b']);
  for (const bad of ['demo', null, { tags: 'a' }, {}]) {
    assert.throws(() => normalizeTags(bad), /not an array/);
  }
  const item = renderTag(fakeDocument, HOSTILE);
  assert.equal(item.getAttribute('data-tag'), HOSTILE);
  assert.ok(allTexts(item).includes(HOSTILE));
  assert.equal(byTestId(item, 'tag-remove')[0].getAttribute('data-action'), 'remove-tag');
  assert.equal(byTestId(item, 'tag-remove')[0].getAttribute('data-tag'), HOSTILE);
  assert.equal(tagProblem('demo'), '');
  assert.equal(tagProblem(' prod-1 '), '');
  assert.equal(tagProblem('x'.repeat(64)), '');
  assert.notEqual(tagProblem('x'.repeat(65)), '');
  assert.notEqual(tagProblem(''), '');
  assert.notEqual(tagProblem('a/b'), '');
  assert.notEqual(tagProblem(undefined), '');
});

test('rejectsMalformedAclFilter: the VM filter is a UUID, the subject a name, empty means any', () => {
  assert.equal(aclFilterProblem({}), '');
  assert.equal(aclFilterProblem({ vm: UUID, subject: 'alice' }), '');
  assert.match(aclFilterProblem({ vm: '0b1c9a7e' }), /VM filter/);
  assert.match(aclFilterProblem({ subject: 'a&b=c' }), /Subject filter/);
});

test('pickVmByName: VMs are offered by name, sorted, the UUID as the value; a shared name gets the UUID\'s start', () => {
  const other = '9f00aa11-6d2f-4e0a-8c55-2a1f3b4c5d6e';
  const third = '1234abcd-6d2f-4e0a-8c55-2a1f3b4c5d6e';
  const choices = vmChoices([{ id: UUID, name: 'web' }, { id: other, name: 'db' }, { id: third, name: 'web' }]);
  assert.deepEqual(choices, [
    { id: other, label: 'db' },
    { id: UUID, label: 'web (0b1c9a7e)' },
    { id: third, label: 'web (1234abcd)' },
  ]);
  const options = renderVmOptions(fakeDocument, vmChoices([{ id: UUID, name: HOSTILE }]), 'any VM');
  assert.deepEqual(options.map((o) => o.getAttribute('value')), ['', UUID]);
  assert.deepEqual(options.map((o) => o.textContent), ['any VM', HOSTILE]);
  assert.equal(renderVmOptions(fakeDocument, []).length, 0);
});

test('an ACL row shows a known VM by name, its UUID in the title, and an unknown one by UUID', () => {
  const acl = normalizeAcl({ id: 3, subjectKind: 'user', subject: 'bob', objectKind: 'vm', object: UUID, permission: 'console.view' });
  const named = renderAclRow(fakeDocument, acl, new Map([[UUID, 'demo']]));
  const [name] = byTestId(named, 'acl-object-name');
  assert.equal(name.textContent, 'demo');
  assert.equal(name.getAttribute('title'), UUID);
  const unnamed = renderAclRow(fakeDocument, acl);
  assert.equal(byTestId(unnamed, 'acl-object-name').length, 0);
  assert.ok(allTexts(unnamed).includes(UUID));
});
