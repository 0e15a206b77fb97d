// The busybox workloads the runtime conformance suite runs, each with how the fake runtime plays it.

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
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
  /** Runs until killed and answers the exec below. */
  sleeper: {
    command: ['sleep', '3600'],
    fake: {
      onStop: 'ignore',
      exec: (cmd: string[]) =>
        JSON.stringify(cmd) === JSON.stringify(execProbe) ? { exitCode: 4, stdout: 'to-out\n', stderr: 'to-err\n' } : { exitCode: 127, stdout: '', stderr: 'not found\n' },
    },
  },
} satisfies Record<string, Workload>;

export const execProbe = sh('echo to-out; echo to-err >&2; exit 4');

/** The fake runtime's programs for the suite: matched on the container's command. */
export const conformancePrograms: FakePrograms = (spec) => {
  const key = JSON.stringify(spec.command ?? []);
  const workload: Workload | undefined = Object.values(workloads).find((w) => JSON.stringify(w.command) === key);
  if (!workload) return undefined;
  return typeof workload.fake === 'function' ? workload.fake(spec) : workload.fake;
};
