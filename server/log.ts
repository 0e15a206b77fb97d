// The server's structured logger (pino, JSON lines on stderr... stdout is for tools).

import pino, { type Logger } from 'pino';

export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { component: 'server' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: false }));
}

export type { Logger };
