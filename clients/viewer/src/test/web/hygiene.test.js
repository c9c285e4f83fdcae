// Checks on the module's own files: lockfile hosts, no console logging, page hooks for e2e.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NPM_REGISTRY = 'https://registry.npmjs.org/';

async function sourceFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => join(e.parentPath ?? e.path, e.name));
}

test('lockfileNamesNoForeignHost: every package comes from the npm registry with an integrity hash', async () => {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8'));
  const packages = Object.entries(lock.packages).filter(([path]) => path !== '');
  assert.ok(packages.length > 0, 'lockfile lists no package');
  for (const [path, entry] of packages) {
    if (entry.resolved !== undefined) {
      assert.ok(entry.resolved.startsWith(NPM_REGISTRY), `${path} resolves from ${entry.resolved}`);
    }
    assert.match(entry.integrity ?? '', /^sha512-/, `${path} has no sha512 integrity`);
  }
  const text = JSON.stringify(lock);
  const hosts = new Set([...text.matchAll(/https?:\/\/([^/"]+)/g)].map((m) => m[1]));
  hosts.delete('registry.npmjs.org');
  assert.deepEqual([...hosts], []);
});

test('neverLogsSecrets: no viewer source writes to the browser console', async () => {
  const files = await sourceFiles(join(root, 'src', 'main', 'web', 'js'));
  assert.ok(files.length >= 8, `found only ${files.length} source files`);
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, /\bconsole\s*\.\s*(log|info|debug|warn|error|trace|dir)\b/, file);
  }
});

test('rendersNoServerStringAsHtml: no viewer source parses HTML', async () => {
  const files = await sourceFiles(join(root, 'src', 'main', 'web', 'js'));
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser/, file);
  }
});

test('index.html and console.html carry the data-testid hooks named in the README', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const pages = (await Promise.all(['index.html', 'console.html'].map((p) => readFile(join(root, 'src', 'main', 'web', 'static', p), 'utf8')))).join('\n');
  const rendered = (await Promise.all((await sourceFiles(join(root, 'src', 'main', 'web', 'js'))).map((f) => readFile(f, 'utf8')))).join('\n');
  const hooks = [...readme.matchAll(/`\[data-testid=([a-z-]+)\]`/g)].map((m) => m[1]);
  assert.ok(hooks.length >= 30, `README names only ${hooks.length} hooks`);
  for (const hook of hooks) {
    assert.ok(pages.includes(`data-testid="${hook}"`) || rendered.includes(`'${hook}'`), `hook ${hook} is in no page or renderer`);
  }
});

test('the stylesheet lets the hidden attribute win over display rules (tabs, badges, panels)', async () => {
  const css = await readFile(join(root, 'src', 'main', 'web', 'static', 'css', 'porthole.css'), 'utf8');
  assert.match(css, /\[hidden\]\s*\{\s*display:\s*none\s*!important;\s*\}/);
});

test('pages carry the stable hooks the end-to-end test uses', async () => {
  const index = await readFile(join(root, 'src', 'main', 'web', 'static', 'index.html'), 'utf8');
  const console_ = await readFile(join(root, 'src', 'main', 'web', 'static', 'console.html'), 'utf8');
  assert.match(index, /id="vm-list"/);
  assert.match(index, /<script type="module" src="\/js\/index.js">/);
  for (const id of ['screen', 'status', 'ctrl-alt-del', 'toggle-scale', 'toggle-fullscreen', 'reconnect']) {
    assert.match(console_, new RegExp(`id="${id}"`), id);
  }
  assert.match(console_, /id="status"[^>]*data-state="connecting"/);
  assert.match(console_, /<script type="module" src="\/js\/console.js">/);
});
