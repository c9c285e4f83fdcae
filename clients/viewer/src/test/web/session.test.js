import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../main/web/js/api/errors.js';
import { ConsoleSession, STATE, reconnectIsMainAction } from '../../main/web/js/console/session.js';

const TOKENS = ['aaa.bbb.ccc', 'ddd.eee.fff', 'ggg.hhh.iii'];

class FakeSocket extends EventTarget {
  constructor(url, protocols) {
    super();
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
  }

  serverClose(code, reason) {
    this.readyState = 3;
    const event = new Event('close');
    Object.assign(event, { code, reason });
    this.dispatchEvent(event);
  }
}

class FakeRfb extends EventTarget {
  constructor(target, socket, options) {
    super();
    Object.assign(this, { target, socket, options, scaleViewport: false, ctrlAltDel: 0, disconnected: 0 });
    // Like noVNC: the disconnect event follows the socket's close.
    socket.addEventListener('close', () => this.dispatchEvent(new CustomEvent('disconnect', { detail: { clean: true } })));
  }

  sendCtrlAltDel() { this.ctrlAltDel++; }

  disconnect() { this.disconnected++; }

  focus() {}
}

function harness({ tickets = TOKENS.map((token) => ticketFor(token)), failWith, answers, confirmTakeover, viewOnly } = {}) {
  const timers = [];
  const clock = { now: 1_000_000 };
  const sockets = [];
  const rfbs = [];
  const statuses = [];
  const requestOptions = [];
  let requests = 0;
  const session = new ConsoleSession({
    target: { id: 'screen' },
    confirmTakeover,
    viewOnly,
    requestTicket: async (options) => {
      requests++;
      requestOptions.push(options);
      if (failWith) {
        throw failWith;
      }
      const answer = answers?.shift();
      if (answer instanceof Error) {
        throw answer;
      }
      return answer ?? tickets.shift();
    },
    openSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
    createRfb: (target, socket, options) => {
      const rfb = new FakeRfb(target, socket, options);
      rfbs.push(rfb);
      return rfb;
    },
    onStatus: (status) => statuses.push(status),
    setTimer: (run, ms) => {
      const timer = { run, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      timer.cleared = true;
    },
    now: () => clock.now,
    random: () => 0,
  });
  /** Runs the pending automatic try: advances the clock by its delay and fires it. */
  const fireTimer = async () => {
    const timer = timers.find((t) => !t.cleared && !t.fired);
    assert.ok(timer, 'an automatic try is scheduled');
    timer.fired = true;
    clock.now += timer.ms;
    timer.run();
    await new Promise((resolve) => setImmediate(resolve));
    return timer;
  };
  const pending = () => timers.filter((t) => !t.cleared && !t.fired);
  return { session, sockets, rfbs, statuses, requestOptions, requests: () => requests, fireTimer, pending, clock };
}

function ticketFor(token, reconnectWindowSeconds = 120) {
  return { sessionId: 's', vmId: 'v', token, proxyUrl: 'ws://localhost:8081/v1/console', expiresAt: '', reconnectWindowSeconds };
}

const last = (list) => list[list.length - 1];

test('opens the proxy URL with the token only as a subprotocol', async () => {
  const { session, sockets, rfbs } = harness();
  await session.connect();
  assert.equal(sockets[0].url, 'ws://localhost:8081/v1/console');
  assert.deepEqual(sockets[0].protocols, ['binary', 'porthole.token.aaa.bbb.ccc']);
  assert.equal(rfbs[0].socket, sockets[0]);
  assert.equal('credentials' in rfbs[0].options, false, 'no VNC password is handed to noVNC');
  assert.equal(rfbs[0].scaleViewport, true);
});

test('reports connecting, then connected on the noVNC connect event', async () => {
  const { session, rfbs, statuses } = harness();
  await session.connect();
  assert.equal(last(statuses).state, STATE.CONNECTING);
  rfbs[0].dispatchEvent(new CustomEvent('connect'));
  assert.equal(last(statuses).state, STATE.CONNECTED);
  assert.equal(session.state, STATE.CONNECTED);
});

test('reconnectAsksForFreshTicket: every reconnect POSTs again and uses the new token', async () => {
  const { session, sockets, rfbs, requests } = harness();
  await session.connect();
  await session.connect();
  await session.connect();
  assert.equal(requests(), 3);
  assert.deepEqual(sockets.map((s) => s.protocols[1]), TOKENS.map((t) => `porthole.token.${t}`));
  assert.equal(rfbs[0].disconnected, 1, 'the old console is closed before the new one opens');
  assert.equal(rfbs[1].disconnected, 1);
});

test('shows the close code text when the proxy rejects the token', async () => {
  const { session, sockets, statuses } = harness();
  await session.connect();
  sockets[0].serverClose(4001, 'token rejected');
  assert.equal(last(statuses).state, STATE.DISCONNECTED);
  assert.match(last(statuses).text, /ticket was refused.*close code 4001/);
});

test('waits for the socket close when noVNC gave up first, then reports its code', async () => {
  const { session, sockets, rfbs, statuses } = harness();
  await session.connect();
  rfbs[0].dispatchEvent(new CustomEvent('disconnect', { detail: { clean: false } }));
  setTimeout(() => {
    sockets[0].readyState = 3;
    const event = Object.assign(new Event('close'), { code: 1014, reason: '' });
    sockets[0].dispatchEvent(event);
  }, 10);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(statuses.find((s) => s.state === STATE.DISCONNECTED).text, /host agent is unreachable.*1014/);
});

test('a VNC security failure ends in the error state, not a plain disconnect', async () => {
  const { session, sockets, rfbs, statuses } = harness();
  await session.connect();
  rfbs[0].dispatchEvent(new CustomEvent('securityfailure', { detail: { status: 1, reason: 'Authentication failure' } }));
  sockets[0].serverClose(1000, '');
  assert.equal(last(statuses).state, STATE.ERROR);
  assert.match(last(statuses).text, /security handshake failed/);
});

test('events of a superseded connection never overwrite the current status', async () => {
  const { session, sockets, statuses } = harness();
  await session.connect();
  await session.connect();
  const before = statuses.length;
  sockets[0].serverClose(4001, '');
  assert.equal(statuses.length, before);
  assert.equal(session.state, STATE.CONNECTING);
});

test('shows the engine error when no ticket can be had', async () => {
  const { session, statuses, sockets } = harness({ failWith: new ApiError('CONFLICT', 'VM demo is not running', 409) });
  await session.connect();
  assert.deepEqual(last(statuses), { state: STATE.ERROR, text: 'VM demo is not running [CONFLICT]' });
  assert.equal(sockets.length, 0);
});

test('refuses a malformed ticket before opening any socket', async () => {
  const { session, statuses, sockets } = harness({ tickets: [{ token: 'x', proxyUrl: 'ws://h/' }] });
  await session.connect();
  assert.equal(last(statuses).state, STATE.ERROR);
  assert.match(last(statuses).text, /token is missing or malformed/);
  assert.equal(sockets.length, 0);
});

test('a socket constructor error is reported without its message, which could quote the token', async () => {
  const statuses = [];
  const session = new ConsoleSession({
    target: {},
    requestTicket: async () => ticketFor('aaa.bbb.ccc'),
    openSocket: () => {
      throw new SyntaxError("The subprotocol 'porthole.token.aaa.bbb.ccc' is invalid.");
    },
    createRfb: () => assert.fail('no RFB without a socket'),
    onStatus: (status) => statuses.push(status),
  });
  await session.connect();
  assert.equal(last(statuses).state, STATE.ERROR);
  assert.doesNotMatch(last(statuses).text, /aaa\.bbb\.ccc/);
  assert.match(last(statuses).text, /SyntaxError/);
});

test('Ctrl-Alt-Del is sent only while connected, and scaling is kept across reconnects', async () => {
  const { session, rfbs } = harness();
  await session.connect();
  session.sendCtrlAltDel();
  assert.equal(rfbs[0].ctrlAltDel, 0);
  rfbs[0].dispatchEvent(new CustomEvent('connect'));
  session.sendCtrlAltDel();
  assert.equal(rfbs[0].ctrlAltDel, 1);
  session.setScale(false);
  assert.equal(rfbs[0].scaleViewport, false);
  await session.connect();
  assert.equal(rfbs[1].scaleViewport, false);
});

test('neverLogsSecrets: a full connect, failure and reconnect writes nothing to the console', async () => {
  const methods = ['log', 'info', 'debug', 'warn', 'error', 'trace'];
  const original = Object.fromEntries(methods.map((m) => [m, console[m]]));
  const written = [];
  for (const m of methods) {
    console[m] = (...args) => written.push(args.join(' '));
  }
  try {
    const { session, sockets, rfbs } = harness();
    await session.connect();
    rfbs[0].dispatchEvent(new CustomEvent('securityfailure', { detail: { status: 1 } }));
    sockets[0].serverClose(4001, 'bad');
    await session.connect();
    session.disconnect();
  } finally {
    Object.assign(console, original);
  }
  assert.deepEqual(written, []);
});

test('a view-only console tells noVNC to send no input and sends no Ctrl-Alt-Del', async () => {
  const { session, rfbs } = harness({ viewOnly: true });
  await session.connect();
  assert.equal(rfbs[0].viewOnly, true);
  rfbs[0].dispatchEvent(new CustomEvent('connect'));
  session.sendCtrlAltDel();
  assert.equal(rfbs[0].ctrlAltDel, 0);
  const interactive = harness();
  await interactive.session.connect();
  assert.equal(interactive.rfbs[0].viewOnly, false);
});

test('takenOverIsFinal: a 4009 close is explained with its reason and marked, with no reconnect', async () => {
  const { session, sockets, statuses, requests } = harness();
  await session.connect();
  sockets[0].serverClose(4009, 'the console was taken over by bob');
  assert.equal(last(statuses).state, STATE.DISCONNECTED);
  assert.equal(last(statuses).reason, 'taken-over');
  assert.match(last(statuses).text, /took over.*taken over by bob.*4009/);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(requests(), 1, 'no automatic new ticket');
});

test('revokedIsFinal: a 4003 close is explained and marked, with no reconnect', async () => {
  const { session, sockets, statuses, requests } = harness();
  await session.connect();
  sockets[0].serverClose(4003, 'access revoked');
  assert.equal(last(statuses).reason, 'revoked');
  assert.match(last(statuses).text, /revoked/);
  assert.equal(requests(), 1);
});

test('an ordinary close carries no final reason', async () => {
  const { session, sockets, statuses } = harness();
  await session.connect();
  sockets[0].serverClose(1000, '');
  assert.equal('reason' in last(statuses), false);
});

/** Connects and lets noVNC report the console open, as after a real handshake. */
async function connected(h) {
  await h.session.connect();
  last(h.rfbs).dispatchEvent(new CustomEvent('connect'));
  assert.equal(h.session.state, STATE.CONNECTED);
}

test('reconnectAfterNetworkDropAsksForAFreshToken: a dropped console reconnects by itself with a new ticket', async () => {
  const h = harness();
  await connected(h);

  h.sockets[0].serverClose(1006, '');

  assert.equal(last(h.statuses).state, STATE.RECONNECTING);
  assert.match(last(h.statuses).text, /Connection lost.*Reconnecting in 1 s \(try 1\)/);
  assert.equal(h.requests(), 1, 'nothing asked before the delay');
  const timer = await h.fireTimer();
  assert.equal(timer.ms, 1000);
  assert.equal(h.requests(), 2);
  assert.deepEqual(h.requestOptions[1], { takeover: false }, 'an automatic reconnect never takes over');
  assert.equal(h.sockets[1].protocols[1], `porthole.token.${TOKENS[1]}`, 'the fresh token, never the old one');
  h.rfbs[1].dispatchEvent(new CustomEvent('connect'));
  assert.equal(last(h.statuses).state, STATE.CONNECTED);
  assert.equal(h.pending().length, 0);
});

test('reconnects after a proxy restart (1001) and a host agent restart (1014) too', async () => {
  for (const code of [1001, 1014, 1011]) {
    const h = harness();
    await connected(h);
    h.sockets[0].serverClose(code, 'going away');
    assert.equal(last(h.statuses).state, STATE.RECONNECTING, `code ${code}`);
  }
});

test('neverReconnectsAfterTakeoverOrRevocation: 4009 and 4003 end the console for good', async () => {
  for (const [code, reason] of [[4009, 'taken-over'], [4003, 'revoked']]) {
    const h = harness();
    await connected(h);
    h.sockets[0].serverClose(code, '');
    assert.equal(last(h.statuses).state, STATE.DISCONNECTED);
    assert.equal(last(h.statuses).reason, reason);
    assert.equal(h.pending().length, 0, `code ${code}`);
  }
});

test('does not reconnect by itself when the window is off, or when the console never opened', async () => {
  const off = harness({ tickets: [ticketFor(TOKENS[0], 0)] });
  await connected(off);
  off.sockets[0].serverClose(1006, '');
  assert.equal(last(off.statuses).state, STATE.DISCONNECTED);
  assert.equal(off.pending().length, 0);

  const never = harness();
  await never.session.connect();
  never.sockets[0].serverClose(1006, '');
  assert.equal(last(never.statuses).state, STATE.DISCONNECTED);
  assert.equal(never.pending().length, 0);
});

test('backs off between tries and gives up after the last one, saying why', async () => {
  const tokens = Array.from({ length: 10 }, (_, i) => ticketFor(`t${i}.t${i}.t${i}`, 600));
  const h = harness({ tickets: tokens });
  await connected(h);
  h.sockets[0].serverClose(1006, '');
  const delays = [];
  for (let i = 1; i <= 6; i++) {
    delays.push((await h.fireTimer()).ms);
    last(h.sockets).serverClose(1006, '');
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(last(h.statuses).state, STATE.DISCONNECTED);
  assert.match(last(h.statuses).text, /Stopped reconnecting: gave up after 6 tries\. Last: .*1006.*Press Reconnect/);
  assert.equal(h.requests(), 7);
  assert.equal(h.pending().length, 0);
});

test('stops when the reconnect window has passed', async () => {
  const tokens = Array.from({ length: 10 }, (_, i) => ticketFor(`t${i}.t${i}.t${i}`, 5));
  const h = harness({ tickets: tokens });
  await connected(h);
  h.sockets[0].serverClose(1006, '');
  await h.fireTimer();                       // 1 s
  last(h.sockets).serverClose(1006, '');
  await h.fireTimer();                       // 3 s
  last(h.sockets).serverClose(1006, '');     // the next (4 s) would end after 5 s
  assert.equal(last(h.statuses).state, STATE.DISCONNECTED);
  assert.match(last(h.statuses).text, /reconnect window of 5 s has passed/);
});

test('retries a ticket request the engine could not serve, gives up on a refusal', async () => {
  const h = harness({ answers: [ticketFor(TOKENS[0]), new ApiError('UNREACHABLE', 'Cannot reach the engine.', 0),
    new ApiError('TOO_MANY_REQUESTS', 'ticket rate exceeded', 429),
    new ApiError('FORBIDDEN', 'console.connect is required on VM v', 403)] });
  await connected(h);
  h.sockets[0].serverClose(1014, '');
  await h.fireTimer();
  assert.equal(last(h.statuses).state, STATE.RECONNECTING);
  await h.fireTimer();
  assert.equal(last(h.statuses).state, STATE.RECONNECTING);
  await h.fireTimer();
  assert.equal(last(h.statuses).state, STATE.DISCONNECTED);
  assert.match(last(h.statuses).text, /Could not reconnect: console\.connect is required on VM v \[FORBIDDEN\]/);
  assert.equal(h.pending().length, 0);
  assert.equal(h.sockets.length, 1, 'no socket without a ticket');
});

test('a held console is never taken over by an automatic reconnect', async () => {
  let asked = 0;
  const h = harness({ answers: [ticketFor(TOKENS[0]), new ApiError('CONFLICT', 'the console of VM v is held by bob; ask again', 409)],
    confirmTakeover: async () => { asked++; return true; } });
  await connected(h);
  h.sockets[0].serverClose(1006, '');
  await h.fireTimer();
  assert.equal(asked, 0);
  assert.equal(last(h.statuses).state, STATE.DISCONNECTED);
  assert.match(last(h.statuses).text, /held by bob/);
  assert.deepEqual(h.requestOptions.map((o) => o.takeover), [false, false]);
});

test('Reconnect or leaving the page cancels the automatic try', async () => {
  const h = harness();
  await connected(h);
  h.sockets[0].serverClose(1006, '');
  assert.equal(h.pending().length, 1);
  await h.session.connect();
  assert.equal(h.pending().length, 0, 'a manual reconnect replaces the scheduled one');
  assert.equal(h.requests(), 2);
  h.rfbs[1].dispatchEvent(new CustomEvent('connect'));
  h.sockets[1].serverClose(1006, '');
  assert.equal(h.pending().length, 1);
  h.session.disconnect();
  assert.equal(h.pending().length, 0);
  assert.equal(last(h.statuses).state, STATE.DISCONNECTED);
});

test('a dropped reconnect try that had opened starts a fresh window', async () => {
  const h = harness();
  await connected(h);
  h.sockets[0].serverClose(1006, '');
  await h.fireTimer();
  h.rfbs[1].dispatchEvent(new CustomEvent('connect'));
  h.sockets[1].serverClose(1006, '');
  assert.equal(last(h.statuses).state, STATE.RECONNECTING);
  assert.match(last(h.statuses).text, /try 1\)/);
});

test('neverLogsSecrets: the status texts of a whole reconnect carry no token', async () => {
  const h = harness();
  await connected(h);
  h.sockets[0].serverClose(1006, '');
  await h.fireTimer();
  h.sockets[1].serverClose(1014, '');
  for (const status of h.statuses) {
    for (const token of TOKENS) {
      assert.ok(!status.text.includes(token));
    }
  }
});

test('reconnectIsPrimaryOnlyWhenDisconnected: while a console is open or opening, Reconnect is a secondary button', () => {
  assert.deepEqual(Object.values(STATE).filter(reconnectIsMainAction), [STATE.DISCONNECTED, STATE.ERROR]);
});
