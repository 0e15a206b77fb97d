import type { ExecInputMessage, ResponseMessage } from '../../shared/channel/messages';
import { notFound } from '../../shared/errors';
import { DeviceExecSession } from './exec-session';
import { FakeKubelet } from './fake/fake-kubelet';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const input = (seq: number, fields: Omit<ExecInputMessage, 'kind' | 'id' | 'seq'>): ExecInputMessage => ({ kind: 'execInput', id: 'r1', seq, ...fields });

async function setup(command: string[] = ['cat'], options: { stdin?: boolean; tty?: boolean } = { stdin: true }) {
  const kubelet = new FakeKubelet();
  await kubelet.setDesiredState('server', { version: 1, pods: [pod as never], configMaps: [], secrets: [] });
  const sent: ResponseMessage[] = [];
  const session = new DeviceExecSession({ kind: 'exec', id: 'r1', namespace: 'd', pod: 'p', command, ...options }, { kubelet, respond: async (m) => void sent.push(m), errorOf: (e) => ({ code: (e as { code?: string }).code ?? 'InternalError', message: (e as Error).message }) });
  return { kubelet, session, sent };
}

const outputOf = (sent: ResponseMessage[]): string =>
  sent.flatMap((m) => (m.kind === 'execOutput' ? [Buffer.from(m.data, 'base64').toString()] : [])).join('');

describe('DeviceExecSession', () => {
  it('applies stdin in seq order — also what arrived before the command ran — and ends with the exit code', async () => {
    const t = await setup();
    t.session.input(input(1, { data: b64('world\n') }));
    t.session.input(input(0, { data: b64('hello\n') }));
    t.session.input(input(0, { data: b64('dup\n') })); // a QoS 1 duplicate
    t.session.input(input(2, { eof: true }));
    await t.session.run();
    expect(outputOf(t.sent)).toBe('hello\nworld\n');
    expect(t.sent[0]).toEqual({ kind: 'execOutput', id: 'r1', seq: 0, stream: 'stdout', data: '' }); // started
    expect(t.sent.map((m) => ('seq' in m ? m.seq : -1))).toEqual(t.sent.map((_m, i) => i));
    expect(t.sent.at(-1)).toMatchObject({ kind: 'done', exitCode: 0 });
  });

  it('splits big output into chunks that fit the channel', async () => {
    const t = await setup();
    t.session.input(input(0, { data: Buffer.alloc(40 * 1024, 'y').toString('base64') }));
    t.session.input(input(1, { eof: true }));
    await t.session.run();
    const sizes = t.sent.flatMap((m) => (m.kind === 'execOutput' ? [Buffer.from(m.data, 'base64').length] : []));
    expect(sizes).toEqual([0, 32 * 1024, 8 * 1024]);
  });

  it('answers done with the error when the command cannot start', async () => {
    const t = await setup(['cat']);
    t.kubelet.execStream = async () => {
      throw notFound('pods', 'd/gone');
    };
    await t.session.run();
    expect(t.sent).toEqual([{ kind: 'done', id: 'r1', seq: 0, error: { code: 'NotFound', message: expect.stringMatching(/gone/) } }]);
  });

  it('ends the command when the server cancels', async () => {
    const t = await setup();
    const running = t.session.run();
    t.session.cancel();
    await running;
    expect(t.sent.at(-1)).toMatchObject({ kind: 'done', exitCode: 137 });
  });
});
