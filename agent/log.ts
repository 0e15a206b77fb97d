// The agent's structured logger (pino, JSON lines on stderr) and the small logging seam agent modules take.

import type { Logger } from 'pino';

/** What agent modules log through; a pino Logger fits. `silentLog` for tests. */
export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const nothing = (): void => undefined;
export const silentLog: Log = { debug: nothing, info: nothing, warn: nothing, error: nothing };

/** Synchronous writes: the agent logs little, and a kill -9 or power cut must not eat the last lines. */
export function createAgentLogger(level = 'info'): Logger {
  const pino = require('pino') as typeof import('pino');
  return pino({ level, base: { component: 'agent' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
}

/** An error as a log field: its message and code, not a stack on every line. */
export function errField(err: unknown): { err: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? { err: err.message, code } : { err: err.message };
  }
  return { err: String(err) };
}
