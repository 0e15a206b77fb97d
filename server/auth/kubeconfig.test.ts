// The admin kubeconfig carries an admin bearer token: it is owner-only whenever it is written,
// also when it existed before with a wider mode.

import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig, writeKubeconfig } from './kubeconfig';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('writes the kubeconfig 0600, tightening a file that was world-readable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-kubeconfig-'));
  dirs.push(dir);
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(path, 'old\n');
  chmodSync(path, 0o644);
  writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: 'ca', token: 'abcdefgh.secret' });
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(readKubeconfig(path).token).toBe('abcdefgh.secret');
});
