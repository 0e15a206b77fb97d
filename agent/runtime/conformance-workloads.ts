// The busybox workloads the runtime conformance suite runs, each with how the fake runtime plays it.

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { echoSession, type FakeSession } from './fake/fake-exec-stream';
import type { FakeProgram, FakePrograms } from './fake/program';
import type { ContainerSpec } from './types';

export const HELLO = 'hello from flotilla';
export const HTTP_PORT = 8080;

export interface Workload {
  command: string[];
  /** What the fake runtime does for this command. */
  fake: FakeProgram | ((spec: ContainerSpec) => FakeProgram);
}

const sh = (script: string): string[] => ['sh', '-c', script];

export const workloads = {
  /** Serves /www/index.html (HELLO) on HTTP_PORT until killed (httpd as PID 1 ignores SIGTERM). */
  httpd: { command: ['httpd', '-f', '-p', String(HTTP_PORT), '-h', '/www'], fake: { http: { port: HTTP_PORT, body: `${HELLO}\n` }, onStop: 'ignore' } },
  /** Fetches the page from a neighbour over the pod's localhost, retrying while it starts. */
  wgetLocalhost: {
    command: sh(`for i in $(seq 1 100); do wget -qO- http://127.0.0.1:${HTTP_PORT}/ && exit 0; sleep 0.1; done; exit 1`),
    fake: { stdout: [HELLO], exitCode: 0 },
  },
  printEnv: { command: sh('echo "greeting=$GREETING"'), fake: (spec) => ({ stdout: [`greeting=${spec.env?.['GREETING'] ?? ''}`], exitCode: 0 }) },
  /** Reads /data/in.txt and writes /data/out.txt through a hostPath mount. */
  useMount: {
    command: sh('cat /data/in.txt && echo written > /data/out.txt'),
    fake: (spec) => {
      const mount = spec.mounts?.find((m) => m.containerPath === '/data');
      if (!mount) return { stderr: ['cat: can\'t open \'/data/in.txt\': No such file or directory'], exitCode: 1 };
      const text = readFileSync(path.join(mount.hostPath, 'in.txt'), 'utf8').trimEnd();
      writeFileSync(path.join(mount.hostPath, 'out.txt'), 'written\n');
      return { stdout: [text], exitCode: 0 };
    },
  },
  exit3: { command: sh('exit 3'), fake: { exitCode: 3 } },
  twoStreams: { command: sh('echo out1; echo err1 >&2; echo out2'), fake: { stdout: ['out1', 'out2'], stderr: ['err1'], exitCode: 0 } },
  /** Honours SIGTERM: prints and exits 7. */
  trapTerm: {
    command: sh('trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.1; done'),
    fake: { stdout: ['ready'], onStop: { exitCode: 7, stdout: ['got-term'] } },
  },
  /** Ignores SIGTERM: only SIGKILL ends it (137). */
  ignoreTerm: { command: sh('trap "" TERM; echo ready; while true; do sleep 0.1; done'), fake: { stdout: ['ready'], onStop: 'ignore' } },
  /** Runs until killed and answers the execs below. */
  sleeper: {
    command: ['sleep', '3600'],
    fake: {
      onStop: 'ignore',
      exec: (cmd: string[]) =>
        JSON.stringify(cmd) === JSON.stringify(execProbe) ? { exitCode: 4, stdout: 'to-out\n', stderr: 'to-err\n' } : { exitCode: 127, stdout: '', stderr: 'not found\n' },
      execStream: (cmd: string[]) => {
        const key = JSON.stringify(cmd);
        if (key === JSON.stringify(catProbe)) return echoSession();
        if (key === JSON.stringify(ttyProbe)) return ttySession();
        if (key === JSON.stringify(sizeProbe)) return sizeSession();
        return undefined;
      },
    },
  },
} satisfies Record<string, Workload>;

export const execProbe = sh('echo to-out; echo to-err >&2; exit 4');
/** Interactive: echoes stdin, then "done" on stderr, exit 3. */
export const catProbe = sh('cat; echo done >&2; exit 3');
/** On a terminal: reads a line, prints the terminal's size and the line (stderr too), exit 0. */
export const ttyProbe = sh('read line; stty size; echo "got $line" >&2');

/** On a terminal, without stdin: prints the terminal's size. */
export const sizeProbe = ['stty', 'size'];

/** sizeProbe on the fake: the size the terminal started with. */
const sizeSession = (): FakeSession => {
  let size = '0 0';
  return {
    resize: (s) => (size = `${s.height} ${s.width}`),
    eof: (out) => {
      out({ stream: 'stdout', data: Buffer.from(`${size}\r\n`) });
      return 0;
    },
  };
};

/** ttyProbe on the fake: a terminal echoes input and turns CR into CRLF; the size is what resize set. */
const ttySession = (): FakeSession => {
  let size = '24 80';
  let line = '';
  let exit: number | undefined;
  return {
    resize: (s) => (size = `${s.height} ${s.width}`),
    input: (data, out) => {
      const text = data.toString();
      out({ stream: 'stdout', data: Buffer.from(text.replace(/\r/g, '\r\n')) });
      line += text;
      if (!line.includes('\r')) return;
      out({ stream: 'stdout', data: Buffer.from(`${size}\r\n`) });
      out({ stream: 'stderr', data: Buffer.from(`got ${line.split('\r')[0] ?? ''}\r\n`) });
      exit = 0;
    },
    exitCode: () => exit,
    eof: () => 0,
  };
};

/** The fake runtime's programs for the suite: matched on the container's command. */
export const conformancePrograms: FakePrograms = (spec) => {
  const key = JSON.stringify(spec.command ?? []);
  const workload: Workload | undefined = Object.values(workloads).find((w) => JSON.stringify(w.command) === key);
  if (!workload) return undefined;
  return typeof workload.fake === 'function' ? workload.fake(spec) : workload.fake;
};
