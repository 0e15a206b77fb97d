// What a fake container "does": scripted output, exit code, stop behaviour, exec replies and an HTTP answer.

import * as http from 'node:http';
import type { ContainerSpec, ExecResult, SandboxSpec } from '../types';
import type { FakeSession } from './fake-exec-stream';

export interface FakeProgram {
  /** Written at start. */
  stdout?: string[];
  stderr?: string[];
  /** Exits with this code (at once, or after `runMs`); undefined: runs until stopped or killed. */
  exitCode?: number;
  /** With `exitCode`: runs this long (on the runtime's clock) before exiting. Default 0: exits at once. */
  runMs?: number;
  /** On the stop signal: exit with `exitCode` after writing `stdout`; "ignore" waits for SIGKILL (137). Default: exit 143. */
  onStop?: { exitCode: number; stdout?: string[] } | 'ignore';
  /** Answers exec; without it exec exits 127. */
  exec?: (command: string[]) => ExecResult;
  /** Answers an interactive exec; without it (or when it returns undefined) the command exits 127. */
  execStream?: (command: string[]) => FakeSession | undefined;
  /** While running, answers GET on this container port (reachable from the host only when the fake serves ports). */
  http?: { port: number; body: string };
}

/** Chooses the program for a container; undefined runs the default (runs until stopped, no output). */
export type FakePrograms = (spec: ContainerSpec, sandbox: SandboxSpec) => FakeProgram | undefined;

/** Serves `body` on 127.0.0.1:`port` (or `hostIP`) like a published container port. Resolves once listening. */
export async function serveHttp(port: number, body: string, hostIP = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostIP === '0.0.0.0' ? '127.0.0.1' : hostIP, () => resolve());
  });
  return server;
}
