import { downTopic, provisionTopic, upTopic } from '../../shared/channel/topics';
import { mayPublish, maySubscribe, type Principal } from './acl';

const server: Principal = { kind: 'server' };
const a: Principal = { kind: 'device', node: 'a' };
const claimant: Principal = { kind: 'claimant', tokenId: 'abcd1234' };

describe('channel ACL', () => {
  it.each([
    [server, downTopic('a', 'desired'), true],
    [server, 'other/topic', false],
    [a, upTopic('a', 'heartbeat'), true],
    [a, upTopic('b', 'heartbeat'), false],
    [a, downTopic('a', 'desired'), false],
    [a, provisionTopic('c1', 'request'), false],
    [a, 'flotilla/v1/nodes/a/up/#', false],
    [claimant, provisionTopic('c1', 'request'), true],
    [claimant, provisionTopic('c2', 'request'), false],
    [claimant, provisionTopic('c1', 'reply'), false],
    [claimant, upTopic('a', 'heartbeat'), false],
  ])('publish by %j to %s: %s', (who, topic, allowed) => {
    expect(mayPublish(who, topic, 'c1')).toBe(allowed);
  });

  it.each([
    [server, 'flotilla/v1/nodes/+/up/+', true],
    [server, '#', false],
    [a, 'flotilla/v1/nodes/a/down/+', true],
    [a, downTopic('a', 'desired'), true],
    [a, 'flotilla/v1/nodes/b/down/+', false],
    [a, 'flotilla/v1/nodes/+/down/+', false],
    [a, 'flotilla/v1/nodes/a/#', false],
    [a, upTopic('a', 'pods'), false],
    [a, '#', false],
    [claimant, provisionTopic('c1', 'reply'), true],
    [claimant, provisionTopic('c2', 'reply'), false],
    [claimant, 'flotilla/v1/provision/+/reply', false],
  ])('subscribe by %j to %s: %s', (who, filter, allowed) => {
    expect(maySubscribe(who, filter, 'c1')).toBe(allowed);
  });
});
