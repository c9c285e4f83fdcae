import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../main/web/js/api/errors.js';
import { ConsoleSession, STATE } from '../../main/web/js/console/session.js';
import { heldBy, takeoverQuestion } from '../../main/web/js/console/takeover.js';

const HELD = () => new ApiError('CONFLICT', 'the console is held by alice', 409);
const TICKET = { sessionId: 's', vmId: 'v', token: 'aaa.bbb.ccc', password: 'pw123456', proxyUrl: 'ws://localhost:8081/v1/console' };

class FakeRfb extends EventTarget {
  disconnect() {}
}

function harness(answers, confirmTakeover) {
  const requests = [];
  const statuses = [];
  const questions = [];
  const rfbs = [];
  const session = new ConsoleSession({
    target: {},
    requestTicket: async (options) => {
      requests.push(options);
      const answer = answers.shift();
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    },
    confirmTakeover: confirmTakeover && (async (holder) => {
      questions.push(holder);
      return confirmTakeover(holder);
    }),
    openSocket: () => new EventTarget(),
    createRfb: () => {
      const rfb = new FakeRfb();
      rfbs.push(rfb);
      return rfb;
    },
    onStatus: (status) => statuses.push(status),
  });
  return { session, requests, statuses, questions, rfbs };
}

const last = (list) => list[list.length - 1];

test('reads the holder from a held-console 409 only', () => {
  assert.equal(heldBy(HELD()), 'alice');
  assert.equal(heldBy(new ApiError('CONFLICT', 'The console is held by bob.smith.', 409)), 'bob.smith');
  assert.equal(heldBy(new ApiError('CONFLICT', 'the console of VM 0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e is held by alice, bob; '
    + 'ask again with "takeover": true to end their console', 409)), 'alice, bob');
  assert.equal(heldBy(new ApiError('CONFLICT', 'VM demo is not running.', 409)), null);
  assert.equal(heldBy(new ApiError('FORBIDDEN', 'console.takeover is required: the console is held by alice', 403)), null);
  assert.equal(heldBy(new Error('the console is held by alice')), null);
  assert.equal(heldBy(new ApiError('CONFLICT', 'held by \u202e', 409)), null);
  assert.equal(takeoverQuestion('alice'), 'Take over from alice? Their console will be closed.');
});

test('takeoverAfterConfirm: 409 held by alice → ask → yes → ask again with takeover:true and connect', async () => {
  const { session, requests, questions, rfbs, statuses } = harness([HELD(), TICKET], () => true);
  await session.connect();
  assert.deepEqual(requests, [{ takeover: false }, { takeover: true }]);
  assert.deepEqual(questions, ['alice']);
  assert.equal(rfbs.length, 1);
  assert.ok(statuses.some((s) => /held by alice/.test(s.text)));
  assert.ok(statuses.some((s) => /Taking the console over from alice/.test(s.text)));
  assert.equal(last(statuses).state, STATE.CONNECTING);
});

test('declinedTakeoverLeavesConsole: no → no second request, no socket, says who keeps it', async () => {
  const { session, requests, rfbs, statuses } = harness([HELD(), TICKET], () => false);
  await session.connect();
  assert.deepEqual(requests, [{ takeover: false }]);
  assert.equal(rfbs.length, 0);
  assert.deepEqual(last(statuses), { state: STATE.DISCONNECTED, text: 'Not taken over: alice keeps the console.' });
});

test('a 403 without the takeover right is shown as the engine words it, with no question', async () => {
  const forbidden = new ApiError('FORBIDDEN', 'console.takeover is required: the console is held by alice', 403);
  const { session, requests, questions, statuses } = harness([forbidden], () => true);
  await session.connect();
  assert.equal(requests.length, 1);
  assert.deepEqual(questions, []);
  assert.deepEqual(last(statuses), { state: STATE.ERROR, text: 'console.takeover is required: the console is held by alice [FORBIDDEN]' });
});

test('a 403 for a missing console.connect is shown as is', async () => {
  const forbidden = new ApiError('FORBIDDEN', 'console.connect is required on VM demo', 403);
  const { session, statuses } = harness([forbidden], () => true);
  await session.connect();
  assert.equal(last(statuses).text, 'console.connect is required on VM demo [FORBIDDEN]');
});

test('a refused takeover retry reports the second answer', async () => {
  const lost = new ApiError('FORBIDDEN', 'console.takeover is required on VM demo', 403);
  const { session, requests, statuses } = harness([HELD(), lost], () => true);
  await session.connect();
  assert.equal(requests.length, 2);
  assert.deepEqual(last(statuses), { state: STATE.ERROR, text: 'console.takeover is required on VM demo [FORBIDDEN]' });
});

test('without a confirm function a held console is an error, never a silent takeover', async () => {
  const { session, requests, statuses } = harness([HELD()], undefined);
  await session.connect();
  assert.deepEqual(requests, [{ takeover: false }]);
  assert.equal(last(statuses).state, STATE.ERROR);
});

test('an answer to a superseded question is ignored', async () => {
  let answer;
  const { session, requests, statuses } = harness([HELD(), TICKET, TICKET], () => new Promise((resolve) => { answer = resolve; }));
  const first = session.connect();
  await new Promise((resolve) => setImmediate(resolve));
  session.disconnect();
  answer(true);
  await first;
  assert.deepEqual(requests, [{ takeover: false }]);
  assert.equal(last(statuses).state, STATE.DISCONNECTED);
});
