// The agent's structured logger: pino's JSON line format (level number, ISO time, component, fields, msg)
// written synchronously to stderr by a few lines of code. The server uses pino itself; on a device pino
// alone would add ~8 MB of resident memory (a fifth of a bare Node process), so the agent does without.

import { writeSync } from 'node:fs';

/** What agent modules log through. `silentLog` for tests. */
export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const nothing = (): void => undefined;
export const silentLog: Log = { debug: nothing, info: nothing, warn: nothing, error: nothing };

/** pino's level numbers. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelName = keyof typeof LEVELS;

export function isLevel(name: string): name is LevelName {
  return Object.prototype.hasOwnProperty.call(LEVELS, name);
}

/**
 * Lines below `level` are dropped. Writes are synchronous: the agent logs little, and a kill -9 or a
 * power cut must not eat the last lines. `write` is injectable for tests.
 */
export function createAgentLogger(level = 'info', write: (line: string) => void = (line) => void writeSync(2, line)): Log {
  if (!isLevel(level)) throw new Error(`log level must be one of ${Object.keys(LEVELS).join(', ')}: got ${JSON.stringify(level)}`);
  const min = LEVELS[level];
  const at = (name: LevelName) => {
    const n = LEVELS[name];
    if (n < min) return nothing;
    return (obj: object, msg: string): void => {
      let line: string;
      try {
        line = JSON.stringify({ level: n, time: new Date().toISOString(), component: 'agent', ...obj, msg });
      } catch {
        line = JSON.stringify({ level: n, time: new Date().toISOString(), component: 'agent', msg, logError: 'fields not serialisable' });
      }
      write(`${line}\n`);
    };
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** An error as a log field: its message and code, not a stack on every line. */
export function errField(err: unknown): { err: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? { err: err.message, code } : { err: err.message };
  }
  return { err: String(err) };
}
