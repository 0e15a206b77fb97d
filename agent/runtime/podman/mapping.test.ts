// Unit tests for libpod → Runtime translations: container states, published ports, events.

import { LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_UID } from '../types';
import type { LibpodEvent } from './libpod-types';
import { eventFrom, portsFromBindings, portsFromMappings, stateOf } from './mapping';

describe('stateOf', () => {
  it.each([
    ['configured', 'created'],
    ['created', 'created'],
    ['initialized', 'created'],
    ['running', 'running'],
    ['paused', 'running'],
    ['stopping', 'running'],
    ['exited', 'exited'],
    ['stopped', 'exited'],
    ['removing', 'unknown'],
  ])('%s → %s', (podman, state) => expect(stateOf(podman)).toBe(state));
});

describe('ports', () => {
  it('round-trips through libpod port mappings', () => {
    const ports = [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' as const }, { containerPort: 53, hostPort: 5353, protocol: 'UDP' as const, hostIP: '127.0.0.1' }];
    expect(portsFromMappings(portsFromMappings(ports), true)).toEqual(ports);
  });

  it('reads pod inspect port bindings', () => {
    expect(portsFromBindings({ '8080/tcp': [{ HostIp: '', HostPort: '18080' }], '53/udp': [{ HostIp: '10.0.0.1', HostPort: '53' }] })).toEqual([
      { containerPort: 8080, hostPort: 18080, protocol: 'TCP' },
      { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' },
    ]);
  });
});

describe('eventFrom', () => {
  const container = (action: string, attrs: Record<string, string>): LibpodEvent => ({
    Type: 'container',
    Action: action,
    Actor: { ID: 'c1', Attributes: { image: 'busybox', name: 'x', podId: 'p1', containerExitCode: '0', ...attrs } },
    time: 1700000000,
    timeNano: 1700000000123456789,
  });
  const ours = { [LABEL_CONTAINER_NAME]: 'web', [LABEL_POD_UID]: 'u1' };

  it('maps a died container with its exit code, labels and sandbox', () => {
    expect(eventFrom(container('died', { ...ours, containerExitCode: '3' }))).toEqual({
      type: 'ContainerDied', id: 'c1', sandboxId: 'p1', exitCode: 3, labels: ours, time: new Date(1700000000123),
    });
  });

  it.each([
    ['start', 'ContainerStarted'],
    ['create', 'ContainerCreated'],
    ['remove', 'ContainerRemoved'],
    ['oom', 'ContainerOOM'],
  ])('maps container %s to %s', (action, type) => expect(eventFrom(container(action, ours))?.type).toBe(type));

  it('maps the death of an infra container (pod labels, no container name) to its sandbox stopping', () => {
    expect(eventFrom(container('died', { [LABEL_POD_UID]: 'u1', [LABEL_POD_NAME]: 'web' }))).toEqual({
      type: 'SandboxStopped', id: 'p1', name: 'web', labels: { [LABEL_POD_UID]: 'u1', [LABEL_POD_NAME]: 'web' }, time: new Date(1700000000123),
    });
  });

  it('ignores other infra events, foreign containers and uninteresting actions', () => {
    expect(eventFrom(container('start', { [LABEL_POD_UID]: 'u1' }))).toBeUndefined();
    expect(eventFrom(container('died', {}))).toBeUndefined();
    expect(eventFrom(container('exec_died', ours))).toBeUndefined();
    expect(eventFrom({ Type: 'image', Action: 'pull', Actor: { ID: '' }, time: 1 })).toBeUndefined();
  });

  it('maps pod events by name', () => {
    const pod: LibpodEvent = { Type: 'pod', Action: 'remove', Actor: { ID: 'p1', Attributes: { name: 'flotilla_ns_web_u1_0' } }, time: 1700000000 };
    expect(eventFrom(pod)).toEqual({ type: 'SandboxRemoved', id: 'p1', name: 'flotilla_ns_web_u1_0', time: new Date(1700000000000) });
  });
});
