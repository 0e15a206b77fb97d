// ImageLocality: kube-scheduler's formula and when the plugin skips itself.

import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { ImageLocality, imageLocalityScore } from './image-locality';

const MB = 1024 * 1024;

describe('imageLocalityScore (kube-scheduler formula)', () => {
  test.each([
    [0, 1, 0],
    [23 * MB, 1, 0],
    [1000 * MB, 1, 100],
    [5000 * MB, 1, 100],
    [Math.round(511.5 * MB), 1, 50],
    [1000 * MB, 2, 49],
  ])('sum %p over %p containers → %p', (sum, containers, want) => {
    expect(imageLocalityScore(sum, containers)).toBe(want);
  });
});

describe('ImageLocality', () => {
  test('nodes holding the image score higher; scaled by how many nodes hold it', () => {
    const image = { names: ['registry.local/app:1'], sizeBytes: 500 * MB };
    const nodes = [nodeInfo(makeNode('has', { images: [image] })), nodeInfo(makeNode('also', { images: [image] })), nodeInfo(makeNode('lacks')), nodeInfo(makeNode('other'))];
    const pod = podInfo(makePod('p', { image: 'registry.local/app:1' }));
    const state = new CycleState();
    ImageLocality.preScore(state, pod, nodes, fakeSnapshot(nodes));
    const scores = nodes.map((n) => ImageLocality.score(state, pod, n));
    // 500 MiB × 2/4 nodes = 250 MiB → (250 − 23) / (1000 − 23) × 100 = 23
    expect(scores).toEqual([23, 23, 0, 0]);
  });

  test('skipped when the image is on every node or on none', () => {
    const image = { names: ['registry.local/app:1'], sizeBytes: 500 * MB };
    const pod = podInfo(makePod('p', { image: 'registry.local/app:1' }));
    const everywhere = [nodeInfo(makeNode('a', { images: [image] })), nodeInfo(makeNode('b', { images: [image] }))];
    const nowhere = [nodeInfo(makeNode('a')), nodeInfo(makeNode('b'))];
    expect(ImageLocality.preScore(new CycleState(), pod, everywhere, fakeSnapshot(everywhere)).code).toBe('Skip');
    expect(ImageLocality.preScore(new CycleState(), pod, nowhere, fakeSnapshot(nowhere)).code).toBe('Skip');
  });

  test('an untagged image name means :latest', () => {
    const nodes = [nodeInfo(makeNode('has', { images: [{ names: ['docker.io/library/nginx:latest'], sizeBytes: 1000 * MB }] })), nodeInfo(makeNode('lacks'))];
    const pod = podInfo(makePod('p', { image: 'docker.io/library/nginx' }));
    const state = new CycleState();
    ImageLocality.preScore(state, pod, nodes, fakeSnapshot(nodes));
    // 1000 MiB × 1/2 nodes = 500 MiB → (500 − 23) / (1000 − 23) × 100 = 48
    expect(ImageLocality.score(state, pod, nodes[0] ?? nodeInfo(makeNode('x')))).toBe(48);
  });
});
