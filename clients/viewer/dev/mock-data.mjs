// Plausible users, permissions, ACLs, tags and audit events for dev/mock-engine.mjs.
// One ACL subject and one audit detail are hostile on purpose: the page must show them as text.
import { randomUUID } from 'node:crypto';

const ALL = ['console.view', 'console.connect', 'console.takeover', 'console.sso', 'admin'];
const USERS = {
  admin: { name: 'admin', groups: ['porthole-admins'], admin: true },
  alice: { name: 'alice', groups: ['console-users'], admin: false },
  nobody: { name: 'nobody', groups: [], admin: false },
};
const ALICE = {
  demo: ['console.view', 'console.connect', 'console.takeover'],
  held: ['console.view', 'console.connect'],
  'taken-over': ['console.view', 'console.connect'],
  revoked: ['console.view', 'console.connect'],
  'view-only': ['console.view'],
};

export function mockUser(name) {
  const user = USERS[name];
  if (!user) {
    throw new Error(`PORTHOLE_MOCK_USER must be one of ${Object.keys(USERS).join(', ')}`);
  }
  return user;
}

export function mockPermissions(user, vmName) {
  if (user.admin) {
    return ALL;
  }
  return user.name === 'alice' ? ALICE[vmName] ?? [] : [];
}

export function mockAcls(vms) {
  const id = (name) => vms.find((v) => v.name === name).id;
  const at = '2026-11-22T09:00:00Z';
  return [
    { id: 1, subjectKind: 'group', subject: 'porthole-admins', objectKind: 'tag', object: 'all', permission: 'admin', createdBy: 'setup', createdAt: at },
    { id: 2, subjectKind: 'user', subject: 'alice', objectKind: 'vm', object: id('demo'), permission: 'console.connect', createdBy: 'admin', createdAt: at },
    { id: 3, subjectKind: 'user', subject: 'alice', objectKind: 'vm', object: id('demo'), permission: 'console.takeover', createdBy: 'admin', createdAt: at },
    { id: 4, subjectKind: 'user', subject: 'alice', objectKind: 'vm', object: id('view-only'), permission: 'console.view', createdBy: 'admin', createdAt: at },
    { id: 5, subjectKind: 'group', subject: 'console-users', objectKind: 'tag', object: 'demo', permission: 'console.view', createdBy: 'admin', createdAt: at },
    { id: 6, subjectKind: 'user', subject: '<img src=x onerror=alert(1)>', objectKind: 'tag', object: 'demo', permission: 'console.view', createdBy: 'admin', createdAt: at },
  ];
}

export function mockTags(vms) {
  return new Map(vms.map((v) => [v.id, new Set(v.name === 'demo' || v.name === 'held' ? ['demo', 'all'] : ['all'])]));
}

export function mockAudit(vms) {
  const demo = vms.find((v) => v.name === 'demo').id;
  const session = randomUUID();
  const start = Date.parse('2026-11-22T10:00:00Z');
  const steps = [
    ['TICKET_ISSUED', 'alice', null, { mode: 'interactive' }],
    ['CONNECTED', 'alice', null, null],
    ['TAKEOVER', 'admin', 'taken over by admin', null],
    ['DISCONNECTED', 'alice', 'taken over', '<script>alert(1)</script>'],
  ];
  const events = steps.map(([kind, actor, reason, detail], i) => ({
    id: i + 1, kind, occurredAt: new Date(start + i * 60_000).toISOString(), actor, clientAddress: '127.0.0.1',
    vmUuid: demo, sessionId: session, reason, detail,
  }));
  events.push({ id: 5, kind: 'TICKET_REFUSED', occurredAt: new Date(start + 300_000).toISOString(), actor: 'nobody',
    clientAddress: '127.0.0.1', vmUuid: demo, sessionId: null, reason: 'console.view missing', detail: null });
  // Enough tag changes for the Audit tab to page at its smallest page size.
  for (let i = 0; i < 60; i++) {
    events.push({ id: 6 + i, kind: 'vm.tag-added', occurredAt: new Date(start + 360_000 + i * 1000).toISOString(),
      actor: 'admin', clientAddress: '127.0.0.1', vmUuid: demo, sessionId: null, reason: null, detail: { tag: `batch-${i}` } });
  }
  return events.reverse();
}
