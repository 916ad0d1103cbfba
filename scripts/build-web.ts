/**
 * Builds the dashboard (web/) into dist/web: one JavaScript bundle and one stylesheet, named by
 * their content hash so browsers may cache them for good, and index.html pointing at them.
 * Run by `npm run build` (and so by `npm install`'s prepare step); no network, no CDN.
 *
 *   node dist/scripts/build-web.js
 *
 * DRIFTGUARD_WEB_MINIFY=0 leaves the bundle readable, for a CPU profile of the page with names.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.join(ROOT, 'web');
const OUT = path.join(ROOT, 'dist', 'web');

async function build(): Promise<void> {
  const result = await esbuild.build({
    entryPoints: { app: path.join(WEB, 'src', 'main.tsx') },
    bundle: true,
    minify: process.env.DRIFTGUARD_WEB_MINIFY !== '0',
    sourcemap: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: OUT,
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    // Everything is in the bundle: the page fetches nothing but its own API.
    loader: { '.css': 'css' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const js = outputs.find((file) => /^app-.*\.js$/.test(file));
  const css = outputs.find((file) => /^app-.*\.css$/.test(file));
  if (!js || !css) throw new Error(`the web build made no app bundle: ${outputs.join(', ')}`);
  const html = fs
    .readFileSync(path.join(WEB, 'index.html'), 'utf8')
    .replace('%JS%', `/${js}`)
    .replace('%CSS%', `/${css}`);
  fs.writeFileSync(path.join(OUT, 'index.html'), html);
  // Bundles of earlier builds would be served (and listed) for ever: keep only this one.
  const keep = new Set([...outputs, 'index.html']);
  for (const file of fs.readdirSync(OUT)) if (!keep.has(file)) fs.rmSync(path.join(OUT, file));
}

fs.mkdirSync(OUT, { recursive: true });
build().catch((err: unknown) => {
  console.error(`web build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
