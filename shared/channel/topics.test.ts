import { deviceDownFilter, downTopic, parseTopic, provisionTopic, SERVER_FILTERS, topicMatches, upTopic } from './topics';

describe('topic scheme', () => {
  it.each([
    [downTopic('pi-1', 'desired'), { scope: 'down', node: 'pi-1', leaf: 'desired' }],
    [upTopic('pi-1', 'heartbeat'), { scope: 'up', node: 'pi-1', leaf: 'heartbeat' }],
    [provisionTopic('claim_x-1', 'reply'), { scope: 'provision', clientId: 'claim_x-1', leaf: 'reply' }],
    ['flotilla/v1/nodes/pi-1/up/bogus', undefined],
    ['flotilla/v1/nodes/PI/up/heartbeat', undefined],
    ['flotilla/v1/nodes/+/up/heartbeat', undefined],
    ['flotilla/v2/nodes/pi-1/up/heartbeat', undefined],
    ['flotilla/v1/nodes/pi-1/down/desired/extra', undefined],
    ['flotilla/v1/provision/a b/request', undefined],
    ['', undefined],
  ])('parses %s', (topic, expected) => {
    expect(parseTopic(topic)).toEqual(expected);
  });

  it.each([
    [SERVER_FILTERS.up, upTopic('n1', 'pods'), true],
    [SERVER_FILTERS.up, downTopic('n1', 'desired'), false],
    [deviceDownFilter('n1'), downTopic('n1', 'request'), true],
    [deviceDownFilter('n1'), downTopic('n2', 'request'), false],
    ['flotilla/#', 'flotilla/v1/nodes/a/up/pods', true],
    ['#', '$SYS/broker/uptime', false],
    ['a/+', 'a', false],
    ['a/#', 'a', true], // '#' also matches the parent level (MQTT 3.1.1 §4.7.1.2)
  ])('filter %s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
