// What a simulated container does, read from its command line: a few shell commands a Job or a
// demo would run (`true`, `false`, `exit N`, `sleep N`, `echo …`) are acted out on the fake
// runtime — `sleep 2; exit 1` runs two seconds and fails — and anything else (a server's
// entrypoint, `sleep infinity`, no command at all) runs until stopped, like a long-running service.

import type { ExecResult } from '../runtime/types';
import type { FakeProgram } from '../runtime/fake/program';

/** The outcome of a script made only of commands the simulation knows. */
export interface ScriptRun {
  stdout: string[];
  exitCode: number;
  /** Time spent in `sleep`. */
  runMs: number;
}

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash', 'ash', '/bin/ash']);

/** The shell script a command line stands for: `sh -c SCRIPT` gives SCRIPT, anything else its words joined. */
export function scriptOf(argv: readonly string[]): string | undefined {
  if (argv.length === 0) return undefined;
  const [first, flag, script] = argv;
  if (first !== undefined && SHELLS.has(first) && flag === '-c') return script ?? '';
  return argv.join(' ');
}

/**
 * Runs `script` in the imagination: commands separated by `;`, `&&`, `||` or newlines, each one of
 * `true`, `false`, `:`, `exit [N]`, `sleep N` (seconds), `echo WORDS`. Undefined when any command is
 * something else (or `sleep infinity`): that container runs until stopped.
 */
export function simulateScript(script: string): ScriptRun | undefined {
  const run: ScriptRun = { stdout: [], exitCode: 0, runMs: 0 };
  const parts = script.split(/(&&|\|\||;|\n)/).map((p) => p.trim());
  let skip = false;
  for (let i = 0; i < parts.length; i += 2) {
    const words = (parts[i] ?? '').split(/\s+/).filter(Boolean);
    const joiner = parts[i - 1];
    if (joiner === '&&') skip = skip || run.exitCode !== 0;
    else if (joiner === '||') skip = skip || run.exitCode === 0;
    else skip = false;
    const [verb, ...rest] = words;
    if (verb === undefined) continue;
    const step = command(verb, rest);
    if (!step) return undefined;
    if (skip) continue;
    if (step.sleepMs) run.runMs += step.sleepMs;
    if (step.line !== undefined) run.stdout.push(step.line);
    run.exitCode = step.exitCode;
    if (step.exit) return run;
  }
  return run;
}

function command(verb: string, rest: string[]): { exitCode: number; sleepMs?: number; line?: string; exit?: boolean } | undefined {
  switch (verb) {
    case 'true':
    case ':':
      return { exitCode: 0 };
    case 'false':
      return { exitCode: 1 };
    case 'exit': {
      const code = Number(rest[0] ?? 0);
      return Number.isInteger(code) ? { exitCode: code & 0xff, exit: true } : undefined;
    }
    case 'sleep': {
      const seconds = Number(rest[0]);
      return rest.length === 1 && Number.isFinite(seconds) && seconds >= 0 ? { exitCode: 0, sleepMs: Math.round(seconds * 1000) } : undefined;
    }
    case 'echo':
      return { exitCode: 0, line: rest.join(' ').replace(/^(["'])(.*)\1$/, '$2') };
    default:
      return undefined;
  }
}

/** `kubectl exec` into a simulated container: known commands answer, others are "not found". */
function simExec(argv: string[]): ExecResult {
  const run = simulateScript(scriptOf(argv) ?? '');
  if (!run) return { exitCode: 127, stdout: '', stderr: `sim: ${argv[0] ?? ''}: command not found\n` };
  return { exitCode: run.exitCode, stdout: run.stdout.map((l) => `${l}\n`).join(''), stderr: '' };
}

/** The fake runtime's program for a container of a simulated node. */
export function simProgram(container: { command?: string[]; args?: string[] }): FakeProgram {
  const script = scriptOf([...(container.command ?? []), ...(container.args ?? [])]);
  const run = script === undefined ? undefined : simulateScript(script);
  if (!run) return { exec: simExec };
  return { stdout: run.stdout, exitCode: run.exitCode, runMs: run.runMs, exec: simExec };
}
