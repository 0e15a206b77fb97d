import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { decodeMessage } from '../../shared/channel/decode';
import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
import type { JoinGrant, JoinRequestMessage } from '../../shared/channel/messages';
import { ephemeralKey, open } from '../../shared/channel/seal';
import { provisionTopic } from '../../shared/channel/topics';
import { FakeEventSink } from '../events/fake/fake-sink';
import { DEVICE_CREDENTIAL_RESOURCE, JOIN_TOKEN_RESOURCE, mosquittoHash, secretMatches, sha256Hex } from '../mqtt/credentials';
import { MemoryStore } from '../store/fake/memory-store';
import { Provisioner } from './provisioner';

const SECRET = 's'.repeat(40);
const now = Date.parse('2030-01-01T00:00:00Z');

async function setup(spec: object = {}) {
  const store = new MemoryStore();
  const broker = new MemoryBroker();
  const events = new FakeEventSink();
  const p = new Provisioner({ store, transport: broker.connect('server'), events, logger: pino({ level: 'silent' }), clock: new FakeClock(now), caPem: 'CA' });
  await store.create(JOIN_TOKEN_RESOURCE, { apiVersion: 'flotilla.io/v1', kind: 'JoinToken', metadata: { name: 'tok12345' }, spec: { secretHash: sha256Hex(SECRET), mosquittoHash: mosquittoHash(SECRET), labels: { site: 'lab' }, ...spec }, status: { used: 0 } });
  const join = async (nodeName: string, overrides: Partial<JoinRequestMessage> = {}, machineID = `m-${nodeName}`) => {
    const key = ephemeralKey();
    const req: JoinRequestMessage = { kind: 'join', tokenId: 'tok12345', tokenSecret: SECRET, nodeName, publicKey: key.publicKey, facts: { labels: { 'kubernetes.io/hostname': nodeName }, capacity: { cpu: '4' }, nodeInfo: { machineID } as never, addresses: [] }, ...overrides };
    await p.join(`c-${nodeName}`, req);
    await broker.flush();
    const raw = broker.publishedOn(provisionTopic(`c-${nodeName}`, 'reply')).at(-1);
    const d = raw && decodeMessage(provisionTopic(`c-${nodeName}`, 'reply'), raw);
    if (!d || !d.ok || d.message.kind !== 'joinReply') throw new Error('no reply');
    const m = d.message;
    return m.ok ? { grant: JSON.parse(open(m, key.privateKey, SECRET)) as JoinGrant } : { reason: m.reason };
  };
  return { store, events, join, p };
}

describe('Provisioner', () => {
  it('creates the Node with the token labels, mints credentials stored only as hashes, seals them, counts the use and records an Event', async () => {
    const t = await setup();
    const r = await t.join('pi-1');
    expect(r.grant).toMatchObject({ nodeName: 'pi-1', username: 'pi-1', caPem: 'CA' });
    const node = await t.store.get({ resource: 'nodes', name: 'pi-1' });
    expect(node?.metadata.labels).toEqual({ site: 'lab', 'kubernetes.io/hostname': 'pi-1' });
    const cred = await t.store.get({ resource: DEVICE_CREDENTIAL_RESOURCE, name: 'pi-1' });
    expect(JSON.stringify(cred)).not.toContain(r.grant?.password ?? 'x');
    expect(secretMatches(r.grant?.password ?? '', (cred?.spec as { passwordHash: string }).passwordHash)).toBe(true);
    await t.p.settled();
    expect((await t.store.get({ resource: JOIN_TOKEN_RESOURCE, name: 'tok12345' }))?.status).toEqual({ used: 1, nodes: ['pi-1'] });
    expect(t.events.events.map((e) => `${e.reason} ${e.ref.name}`)).toEqual(['Joined pi-1']);
  });

  it.each([
    ['a wrong secret', {}, { tokenSecret: 'x'.repeat(40) }, /unknown or was revoked/],
    ['an unknown token', {}, { tokenId: 'nothere1' }, /unknown or was revoked/],
    ['an expired token', { expirationTimestamp: '2029-12-31T00:00:00Z' }, {}, /expired at 2029-12-31T00:00:00Z/],
    ['a bad node name', {}, { nodeName: 'Not_A_Name' }, /node name must be a lowercase DNS name: got "Not_A_Name"/],
  ])('refuses %s with the reason', async (_what, spec, overrides, reason) => {
    const t = await setup(spec);
    expect((await t.join((overrides as { nodeName?: string }).nodeName ?? 'pi-1', overrides)).reason).toMatch(reason);
  });

  it('counts concurrent joins exactly: a token with 3 uses admits 3 of 10 simultaneous claimants', async () => {
    const t = await setup({ usages: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.join(`pi-${i}`)));
    expect(results.filter((r) => r.grant).length).toBe(3);
    expect(results.filter((r) => r.reason).every((r) => /used up: 3 of 3 joins/.test(r.reason ?? ''))).toBe(true);
    await t.p.settled();
    expect(((await t.store.get({ resource: JOIN_TOKEN_RESOURCE, name: 'tok12345' }))?.status as { used: number }).used).toBe(3);
  });

  it('refuses once the token is used up, and a name another machine holds', async () => {
    const t = await setup({ usages: 1 });
    expect((await t.join('pi-1')).grant).toBeDefined();
    expect((await t.join('pi-2')).reason).toMatch(/used up: 1 of 1 joins/);
    const t2 = await setup();
    await t2.join('pi-1', {}, 'machine-a');
    expect((await t2.join('pi-1', {}, 'machine-b')).reason).toMatch(/node name "pi-1" is taken by another machine/);
    expect((await t2.join('pi-1', {}, 'machine-a')).grant).toBeDefined(); // the same machine may join again
  });
});
