// volumeMount subPaths: resolved inside their volume and made when missing, as Kubernetes does; a symlink a
// container planted in a writable volume cannot make the kubelet bind-mount a host path outside it.

import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveSubPath } from './subpath';

let tmp: string;
let volume: string;
beforeEach(() => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'flotilla-subpath-')));
  volume = path.join(tmp, 'volume');
  mkdirSync(path.join(volume, 'conf'), { recursive: true });
  writeFileSync(path.join(volume, 'conf', 'app.ini'), 'x');
  writeFileSync(path.join(tmp, 'outside'), 'host secret');
  symlinkSync('conf', path.join(volume, 'current'));
  symlinkSync('/', path.join(volume, 'root'));
  symlinkSync('../outside', path.join(volume, 'up'));
  symlinkSync(tmp, path.join(volume, 'parent'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('resolveSubPath', () => {
  it.each([
    ['a directory', 'conf', 'conf'],
    ['a file', 'conf/app.ini', 'conf/app.ini'],
    ['a symlink that stays inside', 'current/app.ini', 'conf/app.ini'],
    ['a path with empty and dot parts', './conf//app.ini', 'conf/app.ini'],
  ])('resolves %s inside the volume', async (_what, subPath, expected) => {
    expect(await resolveSubPath(volume, subPath)).toBe(path.join(volume, expected));
  });

  it('resolves inside a hostPath volume of / itself, and a name that only starts with ".."', async () => {
    expect(await resolveSubPath('/', 'etc')).toBe(realpathSync('/etc'));
    mkdirSync(path.join(volume, '..data'));
    expect(await resolveSubPath(volume, '..data')).toBe(path.join(volume, '..data'));
  });

  it("makes a missing subPath as directories inside the volume, with the volume's mode", async () => {
    chmodSync(volume, 0o777);
    const at = await resolveSubPath(volume, 'data/db');
    expect(at).toBe(path.join(volume, 'data', 'db'));
    expect(statSync(at).isDirectory()).toBe(true);
    expect([statSync(path.join(volume, 'data')).mode & 0o777, statSync(at).mode & 0o777]).toEqual([0o777, 0o777]);
  });

  it.each([
    ['a symlink to /', 'root'],
    ['a path through a symlink to /', 'root/etc'],
    ['a symlink to a file beside the volume', 'up'],
    ['a symlink to the volume\'s parent', 'parent/outside'],
    ['".."', '../outside'],
    ['an absolute path', '/etc'],
  ])('refuses %s', async (_what, subPath) => {
    await expect(resolveSubPath(volume, subPath)).rejects.toThrow(/subPath/);
  });

  it('does not make directories through a symlink that leads outside', async () => {
    await expect(resolveSubPath(volume, 'parent/planted/dir')).rejects.toThrow(/outside the volume/);
    expect(() => statSync(path.join(tmp, 'planted'))).toThrow();
  });
});
