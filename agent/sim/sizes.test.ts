// Board sizes of simulated fleets: parsing `--sizes`, and the capacity/allocatable each size reports.

import { simInfo } from './node-info';
import { parseSizes, simSize, sizeResources } from './sizes';

describe('parseSizes', () => {
  it.each([
    [undefined, 3, ['pi-4-4g', 'pi-4-4g', 'pi-4-4g']],
    ['pi-zero-2w:2,pi-5-8g:1', undefined, ['pi-zero-2w', 'pi-zero-2w', 'pi-5-8g']],
    ['pi-zero-2w:2,pi-5-8g:1', 3, ['pi-zero-2w', 'pi-zero-2w', 'pi-5-8g']],
    ['pi-3:1,cm4-2g', 3, ['pi-3', 'cm4-2g', 'cm4-2g']],
    ['pi-5-16g', 2, ['pi-5-16g', 'pi-5-16g']],
  ])('%j with --nodes %j', (text, nodes, want) => {
    expect(parseSizes(text, nodes).map((s) => s.name)).toEqual(want);
  });

  it.each([
    ['pi-9:1', undefined, 'unknown simulated board size "pi-9": use one of pi-zero-2w, pi-3, pi-4-1g'],
    ['pi-3:x', undefined, '--sizes must be SIZE[:COUNT] items separated by commas: got "pi-3:x"'],
    ['pi-3:1:2', undefined, 'got "pi-3:1:2"'],
    ['pi-3:2', 3, '--sizes counts add up to 2, but --nodes is 3'],
    ['pi-3:4,pi-4-4g', 3, 'more than --nodes 3'],
    ['pi-3,pi-4-4g', 3, 'may leave out the count of one size only'],
    ['pi-3', undefined, 'give --nodes too'],
  ])('%j with --nodes %j is refused: %s', (text, nodes, message) => {
    expect(() => parseSizes(text, nodes)).toThrow(message);
  });
});

describe('sizeResources', () => {
  it.each([
    // capacity memory = nominal; allocatable = capacity − the board profile's reserve (96/192/256 MiB).
    ['pi-zero-2w', '524288Ki', '425984Ki', 'rpi-zero-2w'],
    ['pi-4-4g', '4194304Ki', '3997696Ki', 'rpi-4'],
    ['pi-5-8g', '8388608Ki', '8126464Ki', 'rpi-5'],
  ])('%s: capacity %s, allocatable %s, board %s', (name, capacity, allocatable, board) => {
    const size = simSize(name);
    const r = sizeResources(size);
    expect(r.capacity).toEqual({ cpu: '4', memory: capacity, 'ephemeral-storage': expect.stringMatching(/^\d+Ki$/), pods: '110' });
    expect(r.allocatable).toEqual({ ...r.capacity, memory: allocatable });
    expect(size.board.id).toBe(board);
  });
});

describe('simInfo', () => {
  it('reports its size, board labels and the fleet labels, which win over its own', async () => {
    const info = simInfo('sim-00007', { size: simSize('pi-zero-2w'), labels: { site: 'barn', 'flotilla.io/simulated': 'yes' }, address: '10.0.0.7' });
    const status = await info.status();
    expect(status.labels).toEqual({
      'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'sim-00007',
      'flotilla.io/board': 'rpi-zero-2w', 'flotilla.io/sim-size': 'pi-zero-2w', 'flotilla.io/simulated': 'yes', site: 'barn',
    });
    expect(status.allocatable?.memory).toBe('425984Ki');
    expect(status.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.7' }, { type: 'Hostname', address: 'sim-00007' }]);
    expect((await info.facts()).capacity).toEqual(status.capacity);
  });
});
