// `flotilla sim --labels`: k=v pairs, refused with the bad pair named.

import { parseLabels } from './main';

describe('parseLabels', () => {
  it.each([
    ['camera=true', { camera: 'true' }],
    ['site=barn, flotilla.io/zone=north,empty=', { site: 'barn', 'flotilla.io/zone': 'north', empty: '' }],
  ])('%j', (text, want) => {
    expect(parseLabels(text)).toEqual(want);
  });

  it.each([['camera'], ['=x'], ['bad key=1'], ['k=not ok']])('refuses %j', (text) => {
    expect(() => parseLabels(text)).toThrow(`"${text}"`);
  });
});
