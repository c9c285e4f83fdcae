import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_CODE_STATUS, STATUS_TABLE } from '#status-table';
import { describeClose, describeSecurityFailure, mayReconnectAfter } from '../../main/web/js/console/close-codes.js';

// Generated from PortholeStatus at build time (docs/contracts.md, "Status codes").
test('names every close code of the status table by the status the table gives it', () => {
  assert.ok(CLOSE_CODE_STATUS.length > 0, 'the generated table is loaded');
  for (const [code, status] of CLOSE_CODE_STATUS) {
    const described = describeClose(code, '');
    assert.equal(described.status, status, `code ${code}`);
    assert.equal(described.code, code);
    assert.match(described.text, new RegExp(`\\(close code ${code}\\)$`));
  }
});

test('has its own words for every close code of the status table', () => {
  const generic = describeClose(4242, '').text.replace(/ \(close code 4242\)$/, '');
  for (const { status, webSocket } of STATUS_TABLE) {
    assert.ok(!describeClose(webSocket, '').text.startsWith(generic), `${status} (${webSocket})`);
  }
});

test('names the first status the table declares for a shared close code', () => {
  assert.equal(describeClose(4001).status, 'TOKEN_REJECTED');
  assert.equal(describeClose(4003).status, 'FORBIDDEN');
  assert.equal(describeClose(1013).status, 'OVERLOADED');
  assert.equal(describeClose(1003).status, 'BAD_REQUEST');
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
