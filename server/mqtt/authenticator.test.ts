// Who an MQTT client is: the server account (its password compared in constant time), a device by
// its own credential, a claimant with a usable join token; anything else is refused with a reason.

import { Informer } from '../informer/informer';
import { MemoryStore } from '../store/fake/memory-store';
import { channelAuthenticator } from './authenticator';
import { DEVICE_CREDENTIAL_RESOURCE, JOIN_TOKEN_RESOURCE, mintDeviceCredential } from './credentials';
import { SERVER_USERNAME } from '../../shared/channel/join-token';

async function setup() {
  const store = new MemoryStore();
  const cred = mintDeviceCredential('pi-1', undefined);
  await store.create(DEVICE_CREDENTIAL_RESOURCE, cred.object);
  const tokens = new Informer(store, JOIN_TOKEN_RESOURCE);
  const devices = new Informer(store, DEVICE_CREDENTIAL_RESOURCE);
  await Promise.all([tokens.start(), devices.start()]);
  return { auth: channelAuthenticator({ serverPassword: 'server-secret-0123456789', tokens, devices, now: () => 0 }), devicePassword: cred.password };
}

describe('channelAuthenticator', () => {
  it.each([
    ['the server with its password', SERVER_USERNAME, 'server-secret-0123456789', 'any', 'server'],
    ['the server with a wrong password of the same length', SERVER_USERNAME, 'server-secret-0123456780', 'any', undefined],
    ['the server with a shorter password', SERVER_USERNAME, 'server', 'any', undefined],
    ['the server with a longer password', SERVER_USERNAME, 'server-secret-0123456789-and-more', 'any', undefined],
    ['a device with a wrong password', 'pi-1', 'nope', 'pi-1', undefined],
    ['an unknown device', 'pi-2', 'nope', 'pi-2', undefined],
  ])('%s', async (_what, username, password, clientId, kind) => {
    const { auth } = await setup();
    const r = await auth(username, password, clientId);
    if (kind) expect(r).toEqual({ principal: { kind } });
    else expect(r).toHaveProperty('reason');
  });

  it('a device with its credential, and only under its node name as client id', async () => {
    const { auth, devicePassword } = await setup();
    expect(await auth('pi-1', devicePassword, 'pi-1')).toEqual({ principal: { kind: 'device', node: 'pi-1' } });
    expect(await auth('pi-1', devicePassword, 'pi-2')).toHaveProperty('reason');
  });
});
