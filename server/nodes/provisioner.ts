// Provisioning by claim: a device holding a join token asks to join under a node name; the server
// checks the token (unknown, expired, used up → refused with the reason), creates or refreshes the
// Node from the device's facts, mints the device's own MQTT credentials and sends them back sealed
// to the device's ephemeral key. Each join is recorded as an Event on the Node.

import type { Logger } from 'pino';
import type { KubeObject } from '../../shared/api/types';
import type { Clock } from '../../shared/clock';
import { encodeMessage, type JoinGrant, type JoinReplyMessage, type JoinRequestMessage } from '../../shared/channel/messages';
import { seal } from '../../shared/channel/seal';
import { isNodeName, provisionTopic } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import { FlotillaError, isFlotillaError } from '../../shared/errors';
import type { EventSink } from '../events/recorder';
import { DEVICE_CREDENTIAL_RESOURCE, JOIN_TOKEN_RESOURCE, joinTokenProblem, mintDeviceCredential, secretMatches, type JoinTokenSpec, type JoinTokenStatus } from './../mqtt/credentials';
import { nodeFromFacts, withFacts } from './node-object';
import type { Store } from '../store/types';

export interface ProvisionerDeps {
  store: Store;
  transport: ChannelTransport;
  events: EventSink;
  logger: Logger;
  clock: Clock;
  /** The CA devices must trust for the broker's TLS certificate. */
  caPem: string;
  /** Resolves once the broker accepts the new credentials (an external broker reloads its files). */
  credentialsApplied?: (username: string) => Promise<void>;
}

const MAX_REMEMBERED_NODES = 100;

interface Usage {
  used: number;
  nodes: string[];
  writing: boolean;
  dirty: boolean;
}

export class Provisioner {
  /**
   * Join token uses, counted here (this process owns the store) and written back coalesced: joins
   * with one token do not queue behind each other's store writes. A crash can lose the last few
   * counts, never grant more than `usages` within one run.
   */
  private readonly usage = new Map<string, Usage>();

  constructor(private readonly deps: ProvisionerDeps) {}

  async join(clientId: string, req: JoinRequestMessage): Promise<void> {
    const log = this.deps.logger;
    let reply: JoinReplyMessage;
    try {
      const grant = await this.admit(req);
      reply = { kind: 'joinReply', ok: true, ...seal(JSON.stringify(grant), req.publicKey, req.tokenSecret) };
      log.info({ node: req.nodeName, token: req.tokenId, clientId }, 'device joined');
    } catch (err) {
      const reason = isFlotillaError(err) ? err.message : 'internal error while joining';
      if (!isFlotillaError(err)) log.error({ err, node: req.nodeName }, 'join failed');
      else log.warn({ node: req.nodeName, token: req.tokenId, clientId, reason }, 'join refused');
      reply = { kind: 'joinReply', ok: false, reason };
    }
    await this.deps.transport.publish(provisionTopic(clientId, 'reply'), encodeMessage(reply), { qos: 1 });
  }

  /** Writes a token's use count back; writes for one token never overlap, the latest count wins. */
  private async writeUsage(tokenId: string, u: Usage): Promise<void> {
    if (u.writing) {
      u.dirty = true;
      return;
    }
    u.writing = true;
    try {
      do {
        u.dirty = false;
        const status: JoinTokenStatus = { used: u.used, nodes: u.nodes };
        await this.deps.store.guaranteedUpdate({ resource: JOIN_TOKEN_RESOURCE, name: tokenId }, (t) => ({ ...t, status })).catch((err: unknown) => {
          if (!isFlotillaError(err, 'NotFound')) this.deps.logger.warn({ err, token: tokenId }, 'recording join token use failed');
        });
      } while (u.dirty);
    } finally {
      u.writing = false;
    }
  }

  /** Resolves when every counted use is written (tests, shutdown). */
  async settled(): Promise<void> {
    while ([...this.usage.values()].some((u) => u.writing)) await new Promise((r) => setImmediate(r));
  }

  private async admit(req: JoinRequestMessage): Promise<JoinGrant> {
    const { store, clock } = this.deps;
    const refuse = (message: string): FlotillaError => new FlotillaError('Forbidden', message);
    if (!isNodeName(req.nodeName)) throw new FlotillaError('Invalid', `node name must be a lowercase DNS name: got "${req.nodeName}"`);
    const token = await store.get({ resource: JOIN_TOKEN_RESOURCE, name: req.tokenId });
    if (!token || !secretMatches(req.tokenSecret, (token.spec as Partial<JoinTokenSpec> | undefined)?.secretHash)) throw refuse('join refused: the join token is unknown or was revoked');
    const existing = await store.get({ resource: 'nodes', name: req.nodeName });
    if (existing && !sameMachine(existing, req)) {
      throw refuse(`join refused: node name "${req.nodeName}" is taken by another machine (delete the Node first to reuse the name)`);
    }
    // Checking the limits and counting the use with no await in between: two claimants cannot both take the last use.
    let u = this.usage.get(req.tokenId);
    if (!u) {
      const status = (token.status ?? {}) as JoinTokenStatus;
      this.usage.set(req.tokenId, (u = { used: status.used ?? 0, nodes: status.nodes ?? [], writing: false, dirty: false }));
    }
    const problem = joinTokenProblem({ ...token, status: { used: u.used } }, clock.now());
    if (problem) throw refuse(`join refused: ${problem}`);
    u.used++;
    u.nodes = [...u.nodes, req.nodeName].slice(-MAX_REMEMBERED_NODES);
    void this.writeUsage(req.tokenId, u);
    const labels = (token.spec as Partial<JoinTokenSpec>).labels ?? {};
    const node = existing ? await store.guaranteedUpdate({ resource: 'nodes', name: req.nodeName }, (n) => withFacts(n, req.facts, labels)) : await store.create('nodes', nodeFromFacts(req.nodeName, req.facts, labels));
    const { password, object } = mintDeviceCredential(req.nodeName, req.tokenId);
    object.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: req.nodeName, uid: node.metadata.uid ?? '' }];
    await store.delete({ resource: DEVICE_CREDENTIAL_RESOURCE, name: req.nodeName }).catch((err: unknown) => {
      if (!isFlotillaError(err, 'NotFound')) throw err;
    });
    await store.create(DEVICE_CREDENTIAL_RESOURCE, object);
    await this.deps.credentialsApplied?.(req.nodeName);
    this.deps.events.record(node, 'Normal', existing ? 'Rejoined' : 'Joined', `Node ${req.nodeName} joined with join token ${req.tokenId}`);
    return { nodeName: req.nodeName, username: req.nodeName, password, caPem: this.deps.caPem };
  }
}

/** A device joining again (e.g. its data dir was wiped) may keep its name; another machine may not take it. */
function sameMachine(node: KubeObject, req: JoinRequestMessage): boolean {
  const known = (node.status as { nodeInfo?: { machineID?: string } } | undefined)?.nodeInfo?.machineID;
  return !!known && known === req.facts.nodeInfo.machineID;
}
