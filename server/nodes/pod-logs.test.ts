import type { Pod } from '../../shared/api/core';
import { logsRequestFrom } from './pod-logs';

const pod = (containers: string[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: containers.map((name) => ({ name })) } }) as unknown as Pod;
const now = Date.parse('2030-01-01T00:10:00Z');

describe('logsRequestFrom (kubectl logs flags → request)', () => {
  it.each([
    ['defaults to the only container', [], { namespace: 'ns', pod: 'p', container: 'c' }],
    ['-f --tail 5 --timestamps', [['follow', 'true'], ['tailLines', '5'], ['timestamps', 'true']], { container: 'c', follow: true, tailLines: 5, timestamps: true }],
    ['--since 60s', [['sinceSeconds', '60']], { sinceTime: '2030-01-01T00:09:00.000Z' }],
    ['--since-time', [['sinceTime', '2030-01-01T00:00:00Z']], { sinceTime: '2030-01-01T00:00:00.000Z' }],
    ['--previous --limit-bytes 100', [['previous', 'true'], ['limitBytes', '100']], { previous: true, limitBytes: 100 }],
  ])('%s', (_what, query, expected) => {
    expect(logsRequestFrom(pod(['c']), new URLSearchParams(query as [string, string][]), now)).toMatchObject(expected);
  });

  it.each([
    ['an unknown container', pod(['c']), [['container', 'x']], /container x is not valid for pod p/],
    ['no container of several', pod(['a', 'b']), [], /a container name must be specified for pod p, choose one of: \[a b\]/],
    ['a negative tail', pod(['c']), [['tailLines', '-1']], /tailLines must be a non-negative integer: got "-1"/],
    ['both since forms', pod(['c']), [['sinceSeconds', '1'], ['sinceTime', '2030-01-01T00:00:00Z']], /at most one of sinceTime or sinceSeconds/],
  ])('refuses %s', (_what, p, query, message) => {
    expect(() => logsRequestFrom(p, new URLSearchParams(query as [string, string][]), now)).toThrow(message);
  });
});
