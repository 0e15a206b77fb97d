#!/usr/bin/env node
// The `flotilla` command: one binary for the server, the device agent and the operator's client
// commands. Each command loads its own module lazily so a device never loads server code.

import { Command } from 'commander';

const program = new Command();
program.name('flotilla').description("Kubernetes' model for IoT fleets: server, device agent and client commands").version(require('../../package.json').version);

program
  .command('server')
  .description('run the control plane: API server, store, controllers, scheduler and the MQTT node channel')
  .option('--data-dir <dir>', 'where the store, certificates and kubeconfig live', './data')
  .option('--port <port>', 'HTTPS port of the Kubernetes API', '6443')
  .option('--bind-address <addr>', 'address the HTTPS API listens on', '0.0.0.0')
  .option('--insecure-port <port>', 'also serve plain HTTP on 127.0.0.1 only (same bearer-token authentication)')
  .option('--durable', 'fsync every write before acknowledging it (survives power loss; group-committed)', false)
  .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
  .action(async (opts) => {
    const { runServer } = require('../server/main') as typeof import('../server/main');
    await runServer(opts);
  });

const token = program.command('token').description('manage tokens');
token
  .command('create')
  .description('create an API token and print it alone on stdout')
  .option('--role <role>', 'admin or viewer')
  .option('--ttl <duration>', 'lifetime, e.g. 24h or 7d (default: no expiry)')
  .option('--description <text>', 'what the token is for')
  .option('--data-dir <dir>', "the server's data dir (its admin kubeconfig is used to reach it)", './data')
  .option('--kubeconfig <file>', 'kubeconfig to reach the server (default: DATA_DIR/kubeconfig.yaml)')
  .action(async (opts) => {
    const { tokenCreate } = require('./client-commands') as typeof import('./client-commands');
    await tokenCreate(opts);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`flotilla: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
