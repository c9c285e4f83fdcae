import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeClose, describeSecurityFailure, mayReconnectAfter } from '../../main/web/js/console/close-codes.js';

// The WebSocket column of the status table in docs/contracts.md. Some codes carry two statuses
// (4001: TOKEN_REJECTED and SIGN_IN_REQUIRED; 4003: ORIGIN_REJECTED and FORBIDDEN; 1013:
// OVERLOADED and TOO_MANY_REQUESTS); the page names the first of each.
const CONTRACT_TABLE = [
  [1003, 'BAD_REQUEST'], [1007, 'BAD_REQUEST'], [4001, 'TOKEN_REJECTED'], [4001, 'SIGN_IN_REQUIRED'],
  [4003, 'ORIGIN_REJECTED'], [4003, 'FORBIDDEN'], [4004, 'NOT_FOUND'], [4009, 'CONFLICT'], [1009, 'TOO_LARGE'],
  [1013, 'OVERLOADED'], [1013, 'TOO_MANY_REQUESTS'], [1014, 'UPSTREAM_UNAVAILABLE'], [1011, 'INTERNAL'],
  [1000, 'CLOSED'],
];
const NAMED = new Map([[4001, 'TOKEN_REJECTED'], [4003, 'FORBIDDEN'], [1013, 'OVERLOADED']]);

test('maps every close code of the contract status table to its status', () => {
  for (const [code, status] of CONTRACT_TABLE) {
    const described = describeClose(code, '');
    assert.equal(described.status, NAMED.get(code) ?? status, `code ${code}`);
    assert.equal(described.code, code);
    assert.match(described.text, new RegExp(`\\(close code ${code}\\)$`));
  }
});

test('the contract table here matches docs/contracts.md row for row', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(new URL('../../../../../docs/contracts.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('## Status codes'));
  const rows = [...table.matchAll(/^\| `([A-Z_]+)`[^|]*\| [^|]+ \| ([0-9 /]+) \|/gm)]
    .flatMap(([, status, codes]) => codes.split('/').map((c) => [Number(c.trim()), status]));
  const expected = CONTRACT_TABLE.map(([code, status]) => `${code} ${status}`).sort();
  const documented = rows.map(([code, status]) => `${code} ${status}`).sort();
  assert.deepEqual(documented, expected);
});

test('reconnects by itself only after a close that allows it', () => {
  for (const code of [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014]) {
    assert.equal(mayReconnectAfter(code), true, `code ${code}`);
  }
  for (const code of [4009, 4003, 4001, 4004, 1003, 1007, 1008, 1009, 4242, undefined, '1006']) {
    assert.equal(mayReconnectAfter(code), false, `code ${String(code)}`);
  }
});

test('tells the user to reconnect when the proxy rejects the token (4001)', () => {
  assert.match(describeClose(4001).text, /ticket was refused.*Reconnect/);
});

test('explains an abnormal close (1006) as an unreachable or refusing proxy', () => {
  const described = describeClose(1006, '');
  assert.equal(described.status, 'UNREACHABLE');
  assert.match(described.text, /failed or was cut/);
});

test('explains a policy close (1008) without the old loopback-only wording', () => {
  const described = describeClose(1008);
  assert.equal(described.status, 'FORBIDDEN');
  assert.match(described.text, /refused this client by policy/);
  assert.doesNotMatch(described.text, /loopback|sign-in exists/);
});

test('explains a takeover (4009) with the proxy\'s reason, as final: no reconnect suggested', () => {
  const described = describeClose(4009, 'the console was taken over by bob');
  assert.equal(described.final, 'taken-over');
  assert.match(described.text, /^Another user took over this console\. Proxy says: "the console was taken over by bob"\. \(close code 4009\)$/);
  assert.doesNotMatch(described.text, /[Rr]econnect/);
});

test('explains a revocation (4003) as final: no reconnect suggested', () => {
  const described = describeClose(4003, 'access revoked');
  assert.equal(described.final, 'revoked');
  assert.match(described.text, /access to this console was revoked/);
  assert.doesNotMatch(described.text, /[Rr]econnect/);
});

test('only 4003 and 4009 are final closes', () => {
  for (const code of [1000, 1006, 1011, 1014, 4001, 4004, 4242, undefined]) {
    assert.equal(describeClose(code, '').final, '', `code ${code}`);
  }
});

test('shows an unknown code by number', () => {
  const described = describeClose(4242, '');
  assert.equal(described.status, 'CLOSED');
  assert.match(described.text, /close code 4242/);
});

test('does not trust a non-numeric or out-of-range code', () => {
  for (const code of [undefined, null, '4001', 4001.5, 999, 5000, NaN, { valueOf: () => 4001 }]) {
    const described = describeClose(code, '');
    assert.equal(described.code, null, `code ${String(code)}`);
    assert.equal(described.status, 'UNKNOWN');
    assert.doesNotMatch(described.text, /close code/);
  }
});

test('quotes the server reason cleaned and capped at the 123 bytes a close frame can hold', () => {
  const described = describeClose(1011, `boom\u202e\n${'r'.repeat(500)}`);
  const quoted = described.text.match(/Proxy says: "(.*)"\./)[1];
  assert.ok(quoted.startsWith('boom r'));
  assert.ok(quoted.length <= 123);
  assert.doesNotMatch(described.text, /[\u202e\n]/);
});

test('ignores a reason that is not a string', () => {
  assert.doesNotMatch(describeClose(1000, { evil: true }).text, /Proxy says/);
});

test('describes a VNC security failure with a hint to reconnect and no password wording', () => {
  assert.match(describeSecurityFailure({ status: 1 }), /security handshake failed.*Reconnect/);
  assert.doesNotMatch(describeSecurityFailure({ status: 1 }), /password/);
  assert.match(describeSecurityFailure({ status: 1, reason: 'Authentication failure' }), /Server says: "Authentication failure"/);
});
