// index.d.ts and viewer.d.ts type-check a realistic use of the package under
// `strict` (and reject misuse, through @ts-expect-error): `tsc --noEmit` on
// npm/test/types/usage.ts, which imports 'spsview' through a node_modules
// link to npm/ (so the package.json `exports` map and its `types` are used).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

test('the TypeScript declarations compile a real use and reject misuse', () => {
  const link = join(here, 'types', 'node_modules', 'spsview');
  mkdirSync(dirname(link), { recursive: true });
  if (!existsSync(link)) symlinkSync(relative(dirname(link), join(root, 'npm')), link, 'dir');
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', join(here, 'types', 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
