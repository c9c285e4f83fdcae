import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATUS_TABLE } from '#status-table';
import { ApiError, MAX_ERROR_BODY_CHARS, MAX_MESSAGE_CHARS, cleanText, defaultMessage, parseApiError, statusForHttp } from '../../main/web/js/api/errors.js';

test('reads status and message from a well-formed engine error', () => {
  const error = parseApiError(409, '{"status":"CONFLICT","message":"VM demo is not running"}');
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 'CONFLICT');
  assert.equal(error.message, 'VM demo is not running');
  assert.equal(error.httpStatus, 409);
});

test('falls back to the status table when the body is an HTML page from a proxy', () => {
  const error = parseApiError(503, '<html><body>Service Unavailable</body></html>');
  assert.equal(error.status, 'UPSTREAM_UNAVAILABLE');
  assert.match(error.message, /host agent is unreachable/);
});

test('falls back when the body is truncated JSON, empty, null, an array or a number', () => {
  for (const body of ['{"status":"CONFLICT","mess', '', 'null', '[1,2]', '42', '"text"', undefined, null, 17]) {
    const error = parseApiError(404, body);
    assert.equal(error.status, 'NOT_FOUND', `body ${String(body)}`);
    assert.match(error.message, /does not know this VM/);
  }
});

test('names an unknown HTTP code instead of inventing a status', () => {
  const error = parseApiError(502, '');
  assert.equal(error.status, 'HTTP_502');
  assert.match(error.message, /HTTP 502/);
});

test('ignores a status that is not a status name (markup, lower case, oversized, wrong type)', () => {
  for (const status of ['<img src=x onerror=alert(1)>', 'conflict', 'A'.repeat(41), 7, { a: 1 }, ['CONFLICT']]) {
    const error = parseApiError(409, JSON.stringify({ status, message: 'm' }));
    assert.equal(error.status, 'CONFLICT');
    assert.equal(error.message, 'm');
  }
});

test('ignores a message that is not a string', () => {
  const error = parseApiError(400, JSON.stringify({ status: 'BAD_REQUEST', message: { toString: 'x' } }));
  assert.equal(error.message, 'The engine refused the request as malformed.');
});

test('hostile __proto__ and constructor keys neither pollute prototypes nor leak into the error', () => {
  const body = '{"__proto__":{"polluted":"yes","status":"INTERNAL"},"constructor":{"prototype":{"polluted":"yes"}},"message":"ok"}';
  const error = parseApiError(400, body);
  assert.equal(error.status, 'BAD_REQUEST');
  assert.equal(error.message, 'ok');
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});

test('inherited status from a __proto__ key is not read as the body status', () => {
  const error = parseApiError(404, '{"__proto__":{"status":"INTERNAL","message":"from proto"}}');
  assert.equal(error.status, 'NOT_FOUND');
  assert.notEqual(error.message, 'from proto');
});

test('cuts an oversized message so one answer cannot flood the page', () => {
  const error = parseApiError(500, JSON.stringify({ status: 'INTERNAL', message: 'x'.repeat(10_000) }));
  assert.ok(error.message.length <= MAX_MESSAGE_CHARS, `length ${error.message.length}`);
  assert.ok(error.message.endsWith('…'));
});

test('does not parse a body above the size limit at all', () => {
  const body = JSON.stringify({ status: 'CONFLICT', message: 'y'.repeat(MAX_ERROR_BODY_CHARS) });
  const error = parseApiError(500, body);
  assert.equal(error.status, 'INTERNAL');
  assert.match(error.message, /internal error/);
});

test('strips control and bidi override characters that could disguise a message', () => {
  const error = parseApiError(400, JSON.stringify({ status: 'BAD_REQUEST', message: 'evil\u202e\u0000\nline\u001b[31m two' }));
  assert.equal(error.message, 'evil line [31m two');
});

test('survives deeply nested JSON', () => {
  const body = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const error = parseApiError(400, body);
  assert.equal(error.status, 'BAD_REQUEST');
});

test('cleanText returns an empty string for non-strings', () => {
  assert.equal(cleanText(undefined), '');
  assert.equal(cleanText(12), '');
  assert.equal(cleanText('  a \t b  '), 'a b');
});

// STATUS_TABLE is generated from PortholeStatus at build time.
test('names a bare HTTP code by a status the status table gives that code', () => {
  const httpOf = new Map(STATUS_TABLE.map(({ status, http }) => [status, http]));
  for (const { http } of STATUS_TABLE.filter((row) => row.http >= 400)) {
    assert.equal(httpOf.get(statusForHttp(http)), http, `HTTP ${http} -> ${statusForHttp(http)}`);
  }
});

test('has its own message for every error status of the status table', () => {
  for (const { status, http } of STATUS_TABLE.filter((row) => row.http >= 400)) {
    assert.doesNotMatch(defaultMessage(status, http), /^The engine answered HTTP/, status);
  }
});
