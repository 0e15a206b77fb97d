// The agent logger writes pino-compatible JSON lines and honours its level.

import { createAgentLogger } from './log';

describe('createAgentLogger', () => {
  it('writes pino-style JSON lines at or above its level', () => {
    const lines: string[] = [];
    const log = createAgentLogger('info', (l) => void lines.push(l));
    log.debug({ a: 1 }, 'hidden');
    log.info({ pod: 'ns/p' }, 'hello');
    log.error({ err: 'boom' }, 'failed');
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toEqual([
      { level: 30, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), component: 'agent', pod: 'ns/p', msg: 'hello' },
      { level: 50, time: expect.any(String), component: 'agent', err: 'boom', msg: 'failed' },
    ]);
  });

  it('survives fields that do not serialise, and refuses unknown levels', () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    createAgentLogger('debug', (l) => void lines.push(l)).warn({ cyclic }, 'still logged');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 40, msg: 'still logged', logError: 'fields not serialisable' });
    expect(() => createAgentLogger('loud')).toThrow('log level must be one of trace, debug, info, warn, error, fatal: got "loud"');
  });
});
