import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portsToListen, readRememberedPorts, rememberPorts, type BrokerPorts } from './broker-ports';

describe('portsToListen', () => {
  it.each<[string, BrokerPorts, BrokerPorts, BrokerPorts]>([
    ['first start: 0 stays 0 (any free port)', { mqtt: 0, mqtts: 0 }, {}, { mqtt: 0, mqtts: 0 }],
    ['later start: 0 becomes the remembered port', { mqtt: 0, mqtts: 0 }, { mqtt: 41001, mqtts: 41002 }, { mqtt: 41001, mqtts: 41002 }],
    ['an explicit port wins over the remembered one', { mqtt: 1883, mqtts: 0 }, { mqtt: 41001, mqtts: 41002 }, { mqtt: 1883, mqtts: 41002 }],
    ['a listener that is off stays off', { mqtt: 0 }, { mqtt: 41001, mqtts: 41002, ws: 41003 }, { mqtt: 41001 }],
    ['a listener first asked for now takes any free port', { mqtt: 0, ws: 0 }, { mqtt: 41001 }, { mqtt: 41001, ws: 0 }],
  ])('%s', (_what, asked, remembered, expected) => {
    expect(portsToListen(asked, remembered)).toEqual(expected);
  });
});

describe('remembered ports file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-ports-'));
    file = join(dir, 'mqtt', 'ports.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the ports bound for listeners asked for with 0, owner-only, and only those', () => {
    rememberPorts(file, { mqtt: 0, mqtts: 8883 }, { mqtt: 41001, mqtts: 8883 });
    expect(readRememberedPorts(file)).toEqual({ mqtt: 41001 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    rememberPorts(file, { mqtt: 1883, mqtts: 0 }, { mqtt: 1883, mqtts: 41002 });
    expect(readRememberedPorts(file)).toEqual({ mqtt: 41001, mqtts: 41002 });
  });

  it.each([
    ['missing', undefined],
    ['not JSON', 'garbage{'],
    ['not an object', '42'],
    ['bad ports', JSON.stringify({ mqtt: 'x', mqtts: -1, ws: 70000 })],
  ])('remembers nothing from a file that is %s', (_what, content) => {
    if (content !== undefined) {
      rememberPorts(file, { mqtt: 0 }, { mqtt: 41001 }); // creates the directory
      writeFileSync(file, content);
    }
    expect(readRememberedPorts(file)).toEqual({});
  });

  it('does not rewrite the file when nothing changed', () => {
    rememberPorts(file, { mqtt: 0 }, { mqtt: 41001 });
    writeFileSync(file, JSON.stringify({ mqtt: 41001 }) + ' \n');
    rememberPorts(file, { mqtt: 0 }, { mqtt: 41001 });
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ mqtt: 41001 }) + ' \n');
  });
});
