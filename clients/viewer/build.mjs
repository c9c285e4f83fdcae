// Builds the static site into target/classes/META-INF/resources (the jar's only content):
// the pages and stylesheet copied, the two entry points bundled by esbuild as ES modules.
// ES2022 because noVNC uses top-level await.
import * as esbuild from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const outdir = process.env.PORTHOLE_VIEWER_OUTDIR ?? join(root, 'target', 'classes', 'META-INF', 'resources');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await cp(join(root, 'src', 'main', 'web', 'static'), outdir, { recursive: true });
await mkdir(join(outdir, 'licenses'), { recursive: true });
await cp(join(root, 'node_modules', '@novnc', 'novnc', 'LICENSE.txt'), join(outdir, 'licenses', 'novnc-LICENSE.txt'));

const result = await esbuild.build({
  entryPoints: {
    'js/index': join(root, 'src', 'main', 'web', 'js', 'index-page.js'),
    'js/console': join(root, 'src', 'main', 'web', 'js', 'console', 'page.js'),
  },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
for (const [file, { bytes }] of outputs) {
  console.log(`built ${file.slice(file.indexOf('META-INF'))} (${Math.round(bytes / 1024)} KiB)`);
}
