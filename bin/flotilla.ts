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
  .option('--mqtt-port <port>', 'embedded MQTT broker, plain TCP', '1883')
  .option('--mqtts-port <port>', 'embedded MQTT broker over TLS with the server CA ("off" to disable)', '8883')
  .option('--mqtt-ws-port <port>', 'embedded MQTT broker over WebSocket (off unless given)')
  .option('--mqtt-url <url>', 'use an external MQTT broker (e.g. mosquitto) instead of the embedded one')
  .option('--mosquitto-password-file <file>', 'with --mqtt-url: keep this mosquitto password_file in step with device credentials')
  .option('--mosquitto-acl-file <file>', 'with --mqtt-url: write the node channel ACL (pattern ACLs) here')
  .option('--mosquitto-reload <command>', 'run after rewriting those files, e.g. "systemctl reload mosquitto"')
  .option('--mqtt-advertise-url <url>', 'broker URL that join tokens carry (default: derived from the listeners)')
  .option('--node-monitor-grace-period <duration>', 'a node without heartbeats for this long becomes Unknown', '50s')
  .option('--event-ttl <duration>', 'Events are deleted this long after their last write', '1h')
  .action(async (opts) => {
    const { runServer } = require('../server/main') as typeof import('../server/main');
    await runServer(opts);
  });

program
  .command('agent')
  .description('run the device agent: pods on Podman from the persisted desired state and the static pods of --manifests')
  .option('--manifests <dir>', 'run the Pod manifests (YAML; ConfigMaps and Secrets too) in this dir as static pods, following changes')
  .option('--data-dir <dir>', 'where the desired state and pod volumes are kept', '/var/lib/flotilla/agent')
  .option('--podman-socket <path>', "Podman's API socket", '/run/podman/podman.sock')
  .option('--node-name <name>', 'this node (default: the host name)')
  .option('--host-ip <ip>', "the node's address reported as status.hostIP (default: first non-internal IPv4)")
  .option('--insecure-registry <host:port...>', 'registries to pull from without TLS verification (e.g. a LAN registry over HTTP)')
  .option('--pause-archive <file>', 'the pause image archive to load when the pause image is missing')
  .option('--crash-loop-backoff <ms>', 'first CrashLoopBackOff delay in ms (default 10000, doubling to 30x); for tests')
  .option('--token <token>', 'join the fleet with this join token (needed once: the device then keeps its own credentials)')
  .option('--broker <url>', "the server's MQTT broker (default: from the join token or the stored credentials)")
  .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
  .action(async (opts) => {
    // A device agent is I/O-bound: without V8's optimising compiler it keeps ~4 MB less resident, at no cost that shows.
    if (process.env['FLOTILLA_AGENT_V8_OPT'] !== '1') require('node:v8').setFlagsFromString('--no-opt');
    const { runAgent } = require('../agent/main') as typeof import('../agent/main');
    await runAgent(opts);
  });

const token = program.command('token').description('manage tokens');
token
  .command('create')
  .description('create a join token for devices (or, with --role, an API token) and print it alone on stdout')
  .option('--role <role>', 'admin or viewer: an API token instead of a join token')
  .option('--ttl <duration>', 'lifetime, e.g. 24h or 7d (default: no expiry)')
  .option('--usages <n>', 'join token: how many devices may join with it (default: unlimited)')
  .option('--labels <k=v,...>', 'join token: labels every node joining with it gets')
  .option('--description <text>', 'what the token is for')
  .option('--data-dir <dir>', "the server's data dir (its admin kubeconfig is used to reach it)", './data')
  .option('--kubeconfig <file>', 'kubeconfig to reach the server (default: DATA_DIR/kubeconfig.yaml)')
  .action(async (opts) => {
    if (opts.role === undefined) {
      const { joinTokenCreate } = require('./channel-commands') as typeof import('./channel-commands');
      await joinTokenCreate(opts);
      return;
    }
    const { tokenCreate } = require('./client-commands') as typeof import('./client-commands');
    await tokenCreate(opts);
  });

program
  .command('sim')
  .description('run N simulated devices (real node channel and kubelet on a fake runtime) joined with a join token')
  .requiredOption('--token <token>', 'join token from `flotilla token create`')
  .option('--nodes <n>', 'how many devices (default: the sum of --sizes, else 10)')
  .option('--sizes <size:n,...>', 'board sizes in node order, e.g. pi-zero-2w:10,pi-4-4g:30,pi-5-8g:10 (default: all pi-4-4g)')
  .option('--labels <k=v,...>', 'fact labels every simulated node reports (the server keeps only kubernetes.io/arch|os|hostname and flotilla.io/ ones; give operator labels with the join token)')
  .option('--lightweight', 'a fake kubelet (pods Running at once, no restarts, no Job exits) instead of the real one')
  .option('--broker <url>', "override the token's broker URL")
  .option('--data-dir <dir>', 'where each simulated device keeps its credentials and desired state', './sim-data')
  .option('--prefix <name>', 'node names are PREFIX-00001, …', 'sim')
  .option('--heartbeat <seconds>', 'heartbeat interval (default 10)')
  .option('--status-every <seconds>', 'how often to log connected nodes and uplink bytes', '10')
  .option('--concurrency <n>', 'joins/connects in flight at once', '100')
  .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
  .action(async (opts) => {
    const { runSim } = require('../agent/sim/main') as typeof import('../agent/sim/main');
    await runSim(opts);
  });

program
  .command('exec')
  .description("run a command in a pod's container on its device, through the node channel")
  .argument('<pod>', 'pod name')
  .argument('<command...>', 'the command, after --')
  .option('-n, --namespace <ns>', 'namespace', 'default')
  .option('-c, --container <name>', 'container (default: the only one)')
  .option('--data-dir <dir>', "the server's data dir (its admin kubeconfig is used to reach it)", './data')
  .option('--kubeconfig <file>', 'kubeconfig to reach the server (default: DATA_DIR/kubeconfig.yaml)')
  .action(async (pod: string, command: string[], opts) => {
    const { execCommand } = require('./channel-commands') as typeof import('./channel-commands');
    process.exitCode = await execCommand(pod, command, opts);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`flotilla: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
