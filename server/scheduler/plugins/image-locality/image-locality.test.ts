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

  test('an untagged image name means :latest', () => {
    const nodes = [nodeInfo(makeNode('has', { images: [{ names: ['docker.io/library/nginx:latest'], sizeBytes: 1000 * MB }] }))];
    const pod = podInfo(makePod('p', { image: 'docker.io/library/nginx' }));
    const state = new CycleState();
    ImageLocality.preScore(state, pod, nodes, fakeSnapshot(nodes));
    expect(ImageLocality.score(state, pod, nodes[0] ?? nodeInfo(makeNode('x')))).toBe(100);
  });
});
