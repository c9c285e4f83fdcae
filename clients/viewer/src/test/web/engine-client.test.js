import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createEngineClient } from '../../main/web/js/api/engine-client.js';

function fakeFetch(respond) {
  const calls = [];
  const fetchFn = async (url, init) => {
    calls.push({ url, init });
    return respond(url, init);
  };
  return { fetchFn, calls };
}

test('POSTs a new console for the VM and returns the parsed ticket', async () => {
  const { fetchFn, calls } = fakeFetch(() => new Response('{"sessionId":"s"}', { status: 201 }));
  const answer = await createEngineClient({ fetchFn }).createConsole('0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e');
  assert.deepEqual(answer, { sessionId: 's' });
  assert.equal(calls[0].url, '/api/v1/vms/0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e/consoles');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.cache, 'no-store');
});

test('encodes the VM id so it cannot change the API path', async () => {
  const { fetchFn, calls } = fakeFetch(() => new Response('{}', { status: 200 }));
  await createEngineClient({ fetchFn }).getVm('../jwks?x');
  assert.equal(calls[0].url, '/api/v1/vms/..%2Fjwks%3Fx');
});

test('turns an engine error answer into an ApiError with its status and message', async () => {
  const { fetchFn } = fakeFetch(() => new Response('{"status":"CONFLICT","message":"VM is shut off"}', { status: 409 }));
  await assert.rejects(createEngineClient({ fetchFn }).createConsole('x'), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 'CONFLICT');
    assert.equal(error.message, 'VM is shut off');
    assert.equal(error.httpStatus, 409);
    return true;
  });
});

test('reports a success answer that is not JSON as BAD_RESPONSE', async () => {
  const { fetchFn } = fakeFetch(() => new Response('<html>login</html>', { status: 200 }));
  await assert.rejects(createEngineClient({ fetchFn }).listVms(), (error) => error.status === 'BAD_RESPONSE');
});

test('reports a network failure as UNREACHABLE without the raw error text', async () => {
  const fetchFn = async () => {
    throw new TypeError('secret-ish internal detail');
  };
  await assert.rejects(createEngineClient({ fetchFn }).listVms(), (error) => {
    assert.equal(error.status, 'UNREACHABLE');
    assert.doesNotMatch(error.message, /secret-ish/);
    return true;
  });
});

test('gives up on an engine that never answers', async () => {
  const fetchFn = (url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  await assert.rejects(createEngineClient({ fetchFn, timeoutMs: 20 }).listVms(), (error) => {
    assert.equal(error.status, 'UNREACHABLE');
    assert.match(error.message, /no answer within/);
    return true;
  });
});

test('asks for a console with its mode, and with takeover only when asked', async () => {
  const { fetchFn, calls } = fakeFetch(() => new Response('{}', { status: 201 }));
  const client = createEngineClient({ fetchFn });
  await client.createConsole('v', { mode: 'view' });
  await client.createConsole('v', { mode: 'interactive', takeover: true });
  await client.createConsole('v');
  assert.deepEqual(calls.map((c) => JSON.parse(c.init.body)), [
    { mode: 'view' }, { mode: 'interactive', takeover: true }, { mode: 'interactive' },
  ]);
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[0].init.credentials, 'same-origin');
});

test('ACL, tag and audit calls use the contract paths, encoded', async () => {
  const { fetchFn, calls } = fakeFetch(() => new Response(null, { status: 204 }));
  const client = createEngineClient({ fetchFn });
  assert.equal(await client.deleteAcl('7'), null);
  await client.listAcls({ vm: ' v1 ', subject: '' });
  await client.listAcls({});
  await client.createAcl({ subjectKind: 'user' });
  await client.listTags('v/1');
  await client.addTag('v1', 'a/b');
  await client.removeTag('v1', 'demo');
  await client.listAudit('?limit=5');
  await client.me();
  assert.deepEqual(calls.map((c) => `${c.init.method} ${c.url}`), [
    'DELETE /api/v1/acls/7', 'GET /api/v1/acls?vm=v1', 'GET /api/v1/acls', 'POST /api/v1/acls', 'GET /api/v1/vms/v%2F1/tags',
    'PUT /api/v1/vms/v1/tags/a%2Fb', 'DELETE /api/v1/vms/v1/tags/demo', 'GET /api/v1/audit?limit=5', 'GET /api/v1/me',
  ]);
  assert.equal(calls[3].init.body, '{"subjectKind":"user"}');
  assert.equal(calls[1].init.body, undefined);
});

test('signInRequiredReloads: a 401 calls onSignInRequired and still rejects', async () => {
  let signIns = 0;
  const { fetchFn } = fakeFetch(() => new Response('{"status":"SIGN_IN_REQUIRED","message":"sign in"}', { status: 401 }));
  const client = createEngineClient({ fetchFn, onSignInRequired: () => signIns++ });
  await assert.rejects(client.listVms(), (error) => error.status === 'SIGN_IN_REQUIRED' && error.httpStatus === 401);
  assert.equal(signIns, 1);
});

test('a redirect to the sign-in page counts as SIGN_IN_REQUIRED, never followed', async () => {
  let signIns = 0;
  const { fetchFn, calls } = fakeFetch(() => ({ type: 'opaqueredirect', ok: false, status: 0, text: async () => '' }));
  const client = createEngineClient({ fetchFn, onSignInRequired: () => signIns++ });
  await assert.rejects(client.me(), (error) => error.status === 'SIGN_IN_REQUIRED');
  assert.equal(calls[0].init.redirect, 'manual');
  assert.equal(signIns, 1);
});

test('a 403 does not count as a sign-in problem and keeps the engine\'s message', async () => {
  let signIns = 0;
  const { fetchFn } = fakeFetch(() => new Response('{"status":"FORBIDDEN","message":"console.connect is required on VM demo"}', { status: 403 }));
  const client = createEngineClient({ fetchFn, onSignInRequired: () => signIns++ });
  await assert.rejects(client.createConsole('v'), (error) => error.message === 'console.connect is required on VM demo');
  assert.equal(signIns, 0);
});
