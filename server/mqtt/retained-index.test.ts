import { topicMatches } from '../../shared/channel/topics';
import { RetainedIndex } from './retained-index';

const topics = ['a', 'a/b', 'a/b/c', 'a/x/c', 'b/b/c', '$SYS/uptime', 'flotilla/v1/nodes/n1/down/desired', 'flotilla/v1/nodes/n2/down/desired', 'flotilla/v1/nodes/n1/up/presence'];

describe('RetainedIndex', () => {
  it.each(['#', '+', 'a/#', 'a/+/c', '+/b/c', 'a/b', 'a/+', '$SYS/#', 'flotilla/v1/nodes/n1/down/+', 'flotilla/v1/nodes/+/up/+', 'flotilla/#', 'nothing/here', '+/+/+'])(
    'matches %s exactly like MQTT topic matching',
    (filter) => {
      const idx = new RetainedIndex<string>();
      for (const t of topics) idx.set(t, t);
      expect([...idx.match(filter)].sort()).toEqual(topics.filter((t) => topicMatches(filter, t)).sort());
    },
  );

  it('replaces, deletes and prunes', () => {
    const idx = new RetainedIndex<number>();
    idx.set('a/b', 1);
    idx.set('a/b', 2);
    idx.set('a/b/c', 3);
    expect(idx.size).toBe(2);
    idx.delete('a/b');
    idx.delete('a/zzz');
    expect([...idx.match('#')]).toEqual([3]);
    idx.delete('a/b/c');
    expect(idx.size).toBe(0);
    expect([...idx.match('#')]).toEqual([]);
  });
});
