import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestList } from '../../main/web/js/page/latest.js';

/** A load whose answers the test releases by hand, in any order. */
function manualLoads() {
  const pending = [];
  const load = (params) => new Promise((resolve, reject) => pending.push({ params, resolve, reject }));
  return { load, pending };
}

test('staleAnswerDropped: a slow older answer never renders over a newer one', async () => {
  const { load, pending } = manualLoads();
  const rendered = [];
  const list = new LatestList({ load, render: (data, params) => rendered.push([params, data]) });
  const older = list.reload('subject=a');
  const newer = list.reload('subject=ab');
  pending[1].resolve(['ab']);
  assert.equal(await newer, 'rendered');
  pending[0].resolve(['a', 'ab']);
  assert.equal(await older, 'stale');
  assert.deepEqual(rendered, [['subject=ab', ['ab']]]);
});

test('a stale answer arriving first is dropped too, and the newer one still renders', async () => {
  const { load, pending } = manualLoads();
  const rendered = [];
  const list = new LatestList({ load, render: (data) => rendered.push(data) });
  const older = list.reload(1);
  const newer = list.reload(2);
  pending[0].resolve(['old']);
  assert.equal(await older, 'stale');
  assert.deepEqual(rendered, []);
  pending[1].resolve(['new']);
  await newer;
  assert.deepEqual(rendered, [['new']]);
});

test('a stale failure is not reported over a newer answer', async () => {
  const { load, pending } = manualLoads();
  const errors = [];
  const list = new LatestList({ load, render: () => {}, onError: (e) => errors.push(e) });
  const older = list.reload(1);
  const newer = list.reload(2);
  pending[1].resolve([]);
  pending[0].reject(new Error('timeout'));
  assert.deepEqual([await older, await newer], ['stale', 'rendered']);
  assert.deepEqual(errors, []);
});

test('unchangedNotRerendered: the same answer for the same parameters renders once', async () => {
  let calls = 0;
  const fresh = [];
  const list = new LatestList({
    load: async () => [{ id: 1, subject: 'alice' }],
    render: () => calls++,
    onFresh: (data) => fresh.push(data),
  });
  assert.equal(await list.reload('q'), 'rendered');
  assert.equal(await list.reload('q'), 'unchanged');
  assert.equal(calls, 1);
  assert.equal(fresh.length, 2, 'status lines still hear of every fresh answer');
  list.invalidate();
  assert.equal(await list.reload('q'), 'rendered');
});

test('a changed answer or other parameters render again', async () => {
  let data = ['a'];
  const rendered = [];
  const list = new LatestList({ load: async () => data, render: (d, p) => rendered.push([p, d]) });
  await list.reload('x');
  data = ['a', 'b'];
  await list.reload('x');
  await list.reload('y');
  assert.deepEqual(rendered, [['x', ['a']], ['x', ['a', 'b']], ['y', ['a', 'b']]]);
});

test('the newest failure is reported and keeps what is shown', async () => {
  const errors = [];
  let fail = false;
  let calls = 0;
  const list = new LatestList({
    load: async () => {
      if (fail) {
        throw new Error('down');
      }
      return [1];
    },
    render: () => calls++,
    onError: (e) => errors.push(e.message),
  });
  await list.reload();
  fail = true;
  assert.equal(await list.reload(), 'failed');
  fail = false;
  assert.equal(await list.reload(), 'unchanged');
  assert.deepEqual(errors, ['down']);
  assert.equal(calls, 1);
});
