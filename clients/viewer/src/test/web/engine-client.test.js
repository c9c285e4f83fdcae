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
