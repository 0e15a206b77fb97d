import { decodeMessage } from './decode';
import { downTopic, provisionTopic, upTopic } from './topics';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('decodeMessage', () => {
  it.each([
    ['heartbeat', upTopic('n1', 'heartbeat'), { kind: 'heartbeat', seq: 3 }],
    ['desired', downTopic('n1', 'desired'), { kind: 'desired', version: 7, pods: [pod], configMaps: [], secrets: [] }],
    ['pods', upTopic('n1', 'pods'), { kind: 'pods', full: true, statuses: [{ namespace: 'default', name: 'p', uid: 'u1', version: 2, status: { phase: 'Running' }, terminated: false }] }],
    ['ack', upTopic('n1', 'ack'), { kind: 'ack', version: 7, applied: true }],
    ['presence', upTopic('n1', 'presence'), { kind: 'presence', online: false, since: 5 }],
    ['logs', downTopic('n1', 'request'), { kind: 'logs', id: 'r1', namespace: 'default', pod: 'p', follow: true, tailLines: 10 }],
    ['cancel', downTopic('n1', 'request'), { kind: 'cancel', id: 'r1' }],
    ['done', upTopic('n1', 'response'), { kind: 'done', id: 'r1', seq: 4, error: { code: 'NotFound', message: 'no' } }],
    ['interactive exec', downTopic('n1', 'request'), { kind: 'exec', id: 'r1', namespace: 'default', pod: 'p', command: ['sh'], stdin: true, tty: true }],
    ['execInput', downTopic('n1', 'request'), { kind: 'execInput', id: 'r1', seq: 2, data: Buffer.from('ls\r').toString('base64'), eof: true, resize: { width: 80, height: 24 } }],
    ['execOutput', upTopic('n1', 'response'), { kind: 'execOutput', id: 'r1', seq: 0, stream: 'stderr', data: '' }],
    ['done of an interactive exec', upTopic('n1', 'response'), { kind: 'done', id: 'r1', seq: 5, exitCode: 3 }],
    ['joinReply', provisionTopic('c1', 'reply'), { kind: 'joinReply', ok: false, reason: 'expired' }],
    ['credit', downTopic('n1', 'request'), { kind: 'credit', id: 'r1', seq: 15 }],
    ['flow-controlled logs', downTopic('n1', 'request'), { kind: 'logs', id: 'r1', namespace: 'default', pod: 'p', follow: true, window: 16 }],
    // Full-size chunks: the response leaf's ceiling, not the 4 KiB default, applies to its kinds.
    ['full 32 KiB log chunk (a long line on top)', upTopic('n1', 'response'), { kind: 'logChunk', id: 'r1', seq: 1, data: 'x'.repeat(96 * 1024) }],
    ['full 32 KiB execOutput chunk', upTopic('n1', 'response'), { kind: 'execOutput', id: 'r1', seq: 1, stream: 'stdout', data: Buffer.alloc(32 * 1024, 7).toString('base64') }],
    ['100 KiB execResult', upTopic('n1', 'response'), { kind: 'execResult', id: 'r1', exitCode: 0, stdout: 'o'.repeat(100 * 1024), stderr: '' }],
    ['full 32 KiB execInput chunk', downTopic('n1', 'request'), { kind: 'execInput', id: 'r1', seq: 1, data: Buffer.alloc(32 * 1024, 7).toString('base64') }],
  ])('accepts a good %s message', (_kind, topic, body) => {
    const r = decodeMessage(topic, JSON.stringify(body));
    expect(r).toEqual({ ok: true, topic: expect.anything(), message: body });
  });

  it.each([
    ['garbage', upTopic('n1', 'heartbeat'), 'not json{', /not JSON/],
    ['a non-object', upTopic('n1', 'heartbeat'), '[1,2]', /message must be an object: got an array/],
    ['no kind', upTopic('n1', 'heartbeat'), '{"seq":1}', /kind must be a string: got undefined/],
    ['a wrong type', upTopic('n1', 'heartbeat'), '{"kind":"heartbeat","seq":"x"}', /seq must be an integer in 0\.\.\d+: got "x"/],
    ['the wrong kind for the topic', upTopic('n1', 'heartbeat'), '{"kind":"ack","version":1,"applied":true}', /kind "ack" is not allowed on .*up\/heartbeat \(expected heartbeat\)/],
    ['a huge payload', upTopic('n1', 'heartbeat'), JSON.stringify({ kind: 'heartbeat', seq: 1, pad: 'x'.repeat(10_000) }), /is \d+ bytes: more than the 4096 allowed/],
    ['an off-scheme topic', 'flotilla/v1/nodes/n1/up/whatever', '{}', /is not part of the flotilla\/v1 scheme/],
    ['a pod without uid', downTopic('n1', 'desired'), JSON.stringify({ kind: 'desired', version: 1, pods: [{ ...pod, metadata: { name: 'p', namespace: 'd' } }], configMaps: [], secrets: [] }), /pods\[0\]\.metadata\.uid must be a string: got undefined/],
    ['version 0', downTopic('n1', 'desired'), JSON.stringify({ kind: 'desired', version: 0, pods: [], configMaps: [], secrets: [] }), /version must be an integer in 1\.\./],
    ['a bad phase', upTopic('n1', 'pods'), JSON.stringify({ kind: 'pods', full: false, statuses: [{ namespace: 'a', name: 'b', uid: 'c', version: 1, status: { phase: 'Dancing' } }] }), /statuses\[0\]\.status\.phase must be one of/],
    ['an empty exec command', downTopic('n1', 'request'), JSON.stringify({ kind: 'exec', id: 'x', namespace: 'a', pod: 'b', command: [] }), /command must be a non-empty array/],
    ['execInput data that is not base64', downTopic('n1', 'request'), JSON.stringify({ kind: 'execInput', id: 'x', seq: 0, data: 'not base64!' }), /data must be base64/],
    ['a huge resize', downTopic('n1', 'request'), JSON.stringify({ kind: 'execInput', id: 'x', seq: 0, resize: { width: 1e9, height: 1 } }), /resize\.width must be an integer in 0\.\.10000/],
    ['execOutput on a stream that is not one', upTopic('n1', 'response'), JSON.stringify({ kind: 'execOutput', id: 'x', seq: 0, stream: 'stdin', data: '' }), /stream must be one of stdout, stderr/],
    ['an exit code out of range', upTopic('n1', 'response'), JSON.stringify({ kind: 'done', id: 'x', seq: 0, exitCode: 300 }), /exitCode must be an integer in -1\.\.255/],
    ['a window of 0', downTopic('n1', 'request'), JSON.stringify({ kind: 'logs', id: 'x', namespace: 'a', pod: 'b', window: 0 }), /window must be an integer in 1\.\.1024: got number 0/],
    ['a response beyond its leaf ceiling', upTopic('n1', 'response'), JSON.stringify({ kind: 'logChunk', id: 'x', seq: 1, data: 'x'.repeat(300 * 1024) }), /more than the 262144 allowed/],
    ['deep nesting', upTopic('n1', 'status'), '['.repeat(5000) + ']'.repeat(5000), /is \d+ bytes: more than|must be an object/],
  ])('rejects %s with a reason', (_what, topic, payload, reason) => {
    const r = decodeMessage(topic, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      expect(decodeMessage(upTopic('n1', 'pods'), bytes).ok).toBe(false);
    }
  });
});
