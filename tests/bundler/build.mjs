// Bundles tests/bundler/app.js with esbuild into an output directory that the
// simulator can serve: index.html, app.js, and the package's .wasm where the
// package looks for it by default (`pkg/` next to the bundle).
// Run: node tests/bundler/build.mjs [outdir]   (after `cargo xtask npm`)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const npmDir = join(root, 'npm');

/** Builds the app into `outdir`; returns { outdir, bundleBytes, wasmBytes, metafile }. */
export async function buildBundle(outdir = join(root, 'target', 'npm-bundle')) {
  const wasm = join(npmDir, 'pkg', 'spsview_core_bg.wasm');
  if (!existsSync(wasm)) {
    throw new Error('npm/pkg is missing: run `cargo xtask npm` first');
  }
  // `import 'spsview'` resolves like an installed dependency (through the
  // package.json `exports` map): a node_modules link to npm/ (gitignored).
  const link = join(here, 'node_modules', 'spsview');
  mkdirSync(dirname(link), { recursive: true });
  if (!existsSync(link)) symlinkSync(relative(dirname(link), npmDir), link, 'dir');

  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, 'pkg'), { recursive: true });
  const result = await build({
    entryPoints: [join(here, 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outfile: join(outdir, 'app.js'),
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(wasm, join(outdir, 'pkg', 'spsview_core_bg.wasm'));
  return {
    outdir,
    bundleBytes: statSync(join(outdir, 'app.js')).size,
    wasmBytes: statSync(wasm).size,
    metafile: result.metafile,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildBundle(process.argv[2]);
  console.log(`bundle: ${built.outdir}/app.js ${built.bundleBytes} bytes, wasm ${built.wasmBytes} bytes`);
}
