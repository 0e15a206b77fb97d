// The static source against a fake kubelet seam: the first scan applies, unchanged scans do not, edits and
// removals do, problems are logged once, and an unreadable dir keeps what runs.

import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '../../shared/clock';
import type { DesiredState, SourceName } from '../kubelet/api';
import { StaticSource } from './static-source';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-static-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers: [{name: c, image: "${image}"}]\n`;

function setup(at = dir) {
  const applied: DesiredState[] = [];
  const errors: string[] = [];
  const kubelet = {
    desiredVersion: (_s: SourceName) => applied.at(-1)?.version ?? 0,
    setDesiredState: async (_s: SourceName, state: DesiredState) => (applied.push(state), true),
  };
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (_o: object, msg: string) => void errors.push(msg) };
  const source = new StaticSource({ dir: at, nodeName: 'n', kubelet, clock: new FakeClock(), log });
  return { source, applied, errors };
}

describe('StaticSource', () => {
  it('applies the dir at start and after edits and removals, not when nothing changed', async () => {
    writeFileSync(path.join(dir, 'app.yaml'), pod('img:1'));
    const { source, applied } = setup();
    await source.start();
    expect(applied.map((s) => [s.version, s.pods.map((p) => p.spec.containers[0]?.image)])).toEqual([[1, ['img:1']]]);
    await source.scan();
    expect(applied).toHaveLength(1);
    writeFileSync(path.join(dir, 'app.yaml'), pod('img:2'));
    await source.scan();
    expect(applied[1]?.pods[0]?.metadata.uid).not.toBe(applied[0]?.pods[0]?.metadata.uid);
    unlinkSync(path.join(dir, 'app.yaml'));
    await source.scan();
    expect(applied.map((s) => [s.version, s.pods.length])).toEqual([[1, 1], [2, 1], [3, 0]]);
    source.stop();
  });

  it('logs a bad manifest once and keeps an unreadable dir from removing pods', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'kind: [');
    const { source, applied, errors } = setup();
    await source.start();
    await source.scan();
    expect(errors.filter((e) => e.startsWith('bad manifest: not valid YAML'))).toHaveLength(1);
    source.stop();
    const gone = setup(path.join(dir, 'missing'));
    await gone.source.start();
    expect(gone.applied).toEqual([]);
    expect(gone.errors).toEqual(['cannot read the manifest dir; keeping the static pods as they are']);
    gone.source.stop();
    expect(applied).toHaveLength(1);
  });
});
