import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRfbOptions, parseTicket, planConnection } from '../../main/web/js/console/ticket.js';

const TOKEN = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJqdGkiOiJhYmMifQ.c2lnbmF0dXJlX2J5dGVz';

function ticket(overrides = {}) {
  return {
    sessionId: '5b0b7d5e-3c2f-4a44-9a2c-0f5d6f2a9e11',
    vmId: '0b1c9a7e-6d2f-4e0a-8c55-2a1f3b4c5d6e',
    token: TOKEN,
    proxyUrl: 'ws://localhost:8081/v1/console',
    expiresAt: '2025-01-01T00:02:00Z',
    reconnectWindowSeconds: 120,
    ...overrides,
  };
}

function assertRefusedWithoutSecrets(data, pattern) {
  assert.throws(() => parseTicket(data), (error) => {
    assert.equal(error.status, 'BAD_RESPONSE');
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(TOKEN), 'message contains the token');
    return true;
  });
}

test('accepts the engine ticket from the contract', () => {
  const parsed = parseTicket(ticket());
  assert.equal(parsed.token, TOKEN);
  assert.equal(parsed.proxyUrl, 'ws://localhost:8081/v1/console');
  assert.equal(parsed.reconnectWindowSeconds, 120);
});

test('puts the token only in the subprotocol list and gives noVNC no credentials', () => {
  const options = buildRfbOptions(parseTicket(ticket()));
  assert.deepEqual(options.wsProtocols, ['binary', `porthole.token.${TOKEN}`]);
  assert.equal('credentials' in options, false);
  assert.equal(JSON.stringify(options).split(TOKEN).length - 1, 1, 'token appears once');
});

test('holdsNoVncPassword: a password in an (old) engine answer is dropped, never handed to noVNC', () => {
  const parsed = parseTicket(ticket({ password: 'Ab3_x+9z' }));
  assert.equal('password' in parsed, false);
  const plan = planConnection(parsed);
  assert.doesNotMatch(JSON.stringify(plan), /Ab3_x\+9z|password|credentials/);
});

test('reads the reconnect window: a positive integer up to 600 s, anything else is 0 (off)', () => {
  assert.equal(parseTicket(ticket({ reconnectWindowSeconds: 30 })).reconnectWindowSeconds, 30);
  assert.equal(parseTicket(ticket({ reconnectWindowSeconds: 100000 })).reconnectWindowSeconds, 600);
  for (const reconnectWindowSeconds of [0, -5, 1.5, '120', null, undefined, {}]) {
    assert.equal(parseTicket(ticket({ reconnectWindowSeconds })).reconnectWindowSeconds, 0, String(reconnectWindowSeconds));
  }
});

test('tokenNeverInUrl: the connection URL is exactly the engine proxyUrl without the token', () => {
  const plan = planConnection(parseTicket(ticket()));
  assert.equal(plan.url, 'ws://localhost:8081/v1/console');
  assert.ok(!plan.url.includes(TOKEN));
  assert.deepEqual(plan.protocols, plan.options.wsProtocols);
});

test('rejectsProxyUrlCarryingTheToken: a URL with the token in its query is refused', () => {
  assertRefusedWithoutSecrets(ticket({ proxyUrl: `ws://localhost:8081/v1/console?token=${TOKEN}` }), /contains a secret/);
  assertRefusedWithoutSecrets(ticket({ proxyUrl: `ws://localhost:8081/v1/console#${encodeURIComponent(TOKEN)}` }), /contains a secret/);
});

test('rejectsNonWebSocketProxyUrl: http, javascript and relative URLs are refused', () => {
  for (const proxyUrl of ['http://localhost:8081/v1/console', 'javascript:alert(1)', '/v1/console', 'not a url', '']) {
    assertRefusedWithoutSecrets(ticket({ proxyUrl }), /proxyUrl/);
  }
});

test('rejectsProxyUrlWithUserInfo', () => {
  assertRefusedWithoutSecrets(ticket({ proxyUrl: 'wss://user:pw@proxy.example/v1/console' }), /credentials/);
});

test('rejectsTokenThatWouldBreakTheSubprotocolHeader: the browser error would quote it', () => {
  for (const token of [`${TOKEN} x`, `${TOKEN},binary`, `${TOKEN}\r\nX-Injected: 1`, 'a.b', 'a.b.c.d', '', 42, null]) {
    assertRefusedWithoutSecrets(ticket({ token }), /token is missing or malformed/);
  }
});

test('rejectsOversizedToken: more than the 4 KiB verifiers accept', () => {
  const big = `${'a'.repeat(3000)}.${'b'.repeat(1000)}.${'c'.repeat(100)}`;
  assertRefusedWithoutSecrets(ticket({ token: big }), /token is missing or malformed/);
});

test('refuses an answer that is not an object', () => {
  for (const data of [null, undefined, 'ticket', [ticket()], 7]) {
    assert.throws(() => parseTicket(data), /not an object/);
  }
});

test('tolerates missing descriptive fields but keeps them strings', () => {
  const parsed = parseTicket(ticket({ sessionId: 5, vmId: undefined, expiresAt: null }));
  assert.equal(parsed.sessionId, '');
  assert.equal(parsed.vmId, '');
  assert.equal(parsed.expiresAt, '');
});
