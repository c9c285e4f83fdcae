import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELOAD_GUARD_MS, createSignInReload } from '../../main/web/js/account/sign-in.js';
import { mayAdminister, normalizeUser } from '../../main/web/js/account/user.js';

test('normalizes the signed-in user; only a strict true is admin', () => {
  assert.deepEqual(normalizeUser({ name: 'alice', groups: ['console-users', 7, ''], admin: 'true' }),
    { name: 'alice', groups: ['console-users'], admin: false });
  assert.equal(normalizeUser({ name: 'root', admin: true }).admin, true);
  assert.deepEqual(normalizeUser({ name: 'bob\u202e', groups: 'x' }), { name: 'bob', groups: [], admin: false });
});

test('refuses a /me answer without a name', () => {
  for (const data of [null, [], 'alice', {}, { name: '' }, { name: '\u0000' }]) {
    assert.throws(() => normalizeUser(data), (error) => error.status === 'BAD_RESPONSE', JSON.stringify(data));
  }
});

test('admin tabs for a global admin or an admin of some VM, not for others', () => {
  const vm = (permissions) => ({ permissions });
  assert.equal(mayAdminister({ admin: true }, []), true);
  assert.equal(mayAdminister({ admin: false }, [vm(['console.view']), vm(['admin'])]), true);
  assert.equal(mayAdminister({ admin: false }, [vm(['console.view', 'console.connect', 'console.takeover'])]), false);
  assert.equal(mayAdminister(null, []), false);
});

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
}

test('reloads once on a 401, and not again within the guard time (no reload loop)', () => {
  const storage = memoryStorage();
  let now = 1_000_000;
  let reloads = 0;
  const first = createSignInReload(storage, () => reloads++, () => now);
  assert.equal(first(), true);
  assert.equal(first(), false, 'one reload per page');
  const afterReload = createSignInReload(storage, () => reloads++, () => now + 1000);
  assert.equal(afterReload(), false, 'a 401 right after the reload does not reload again');
  now += RELOAD_GUARD_MS + 1;
  assert.equal(createSignInReload(storage, () => reloads++, () => now)(), true);
  assert.equal(reloads, 2);
});

test('reloads even when storage is disabled', () => {
  let reloads = 0;
  const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
  assert.equal(createSignInReload(broken, () => reloads++)(), true);
  assert.equal(reloads, 1);
});
