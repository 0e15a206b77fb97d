// What simulated containers do, by command line: the known shell commands are acted out, the rest serve.

import { scriptOf, simProgram, simulateScript } from './programs';

describe('scriptOf', () => {
  it.each([
    [[], undefined],
    [['sh', '-c', 'sleep 1; exit 2'], 'sleep 1; exit 2'],
    [['/bin/sh', '-c'], ''],
    [['sleep', '3'], 'sleep 3'],
    [['nginx', '-g', 'daemon off;'], 'nginx -g daemon off;'],
  ])('%j → %j', (argv, want) => {
    expect(scriptOf(argv)).toBe(want);
  });
});

describe('simulateScript', () => {
  it.each([
    ['true', { stdout: [], exitCode: 0, runMs: 0 }],
    ['false', { stdout: [], exitCode: 1, runMs: 0 }],
    ['exit 3', { stdout: [], exitCode: 3, runMs: 0 }],
    ['sleep 2', { stdout: [], exitCode: 0, runMs: 2000 }],
    ['sleep 0.5; exit 1', { stdout: [], exitCode: 1, runMs: 500 }],
    ['echo "hello there" && sleep 1', { stdout: ['hello there'], exitCode: 0, runMs: 1000 }],
    ['false && sleep 5; echo after', { stdout: ['after'], exitCode: 0, runMs: 0 }],
    ['false || exit 4', { stdout: [], exitCode: 4, runMs: 0 }],
    ['exit 0; sleep 9', { stdout: [], exitCode: 0, runMs: 0 }],
    ['echo a\necho b', { stdout: ['a', 'b'], exitCode: 0, runMs: 0 }],
  ])('%j runs as %j', (script, want) => {
    expect(simulateScript(script)).toEqual(want);
  });

  it.each(['sleep infinity', 'nginx', 'sleep', 'exit x', 'echo hi; /server --port 80'])('%j is a server: runs until stopped', (script) => {
    expect(simulateScript(script)).toBeUndefined();
  });
});

describe('simProgram', () => {
  it('a Job-like container exits after its sleeps with its code; a server has no exit code', () => {
    expect(simProgram({ command: ['sh', '-c'], args: ['sleep 1; exit 0'] })).toMatchObject({ exitCode: 0, runMs: 1000, stdout: [] });
    expect(simProgram({ command: ['true'] })).toMatchObject({ exitCode: 0, runMs: 0 });
    expect(simProgram({}).exitCode).toBeUndefined();
    expect(simProgram({ command: ['/app/serve'] }).exitCode).toBeUndefined();
  });

  it('exec answers the known commands and says "not found" for others', () => {
    const exec = simProgram({}).exec;
    expect(exec?.(['echo', 'hi'])).toEqual({ exitCode: 0, stdout: 'hi\n', stderr: '' });
    expect(exec?.(['sh', '-c', 'exit 3'])).toEqual({ exitCode: 3, stdout: '', stderr: '' });
    expect(exec?.(['ls', '/'])).toEqual({ exitCode: 127, stdout: '', stderr: 'sim: ls: command not found\n' });
  });
});
