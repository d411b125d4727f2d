/**
 * Complete logins through the ours and baseline apps (Express, express-session, passport and the
 * strategy, served the bench's default way) with both apps, the driver and a local provider in
 * one process. Against the bench's one process per app, this shows the apps' own difference
 * without the other processes' load: everything else in a login is identical for the two.
 */
import type { AddressInfo } from 'node:net';
import type { VariantName } from './config';
import { LoginDriver } from './driver';
import { createAppServer, HOSTINGS } from './hosting';
import { startLocalProvider, type LoginPair } from './local-provider';
import { createVariantApp } from './variant-app';
import type { ProviderSettings } from './variants/settings';

/** Agile CRM's consent, as the local provider would give it: back to redirect_uri with a code. */
function approve(authorizationURL: string): string {
  const asked = new URL(authorizationURL);
  const back = new URL(asked.searchParams.get('redirect_uri') ?? '');
  back.searchParams.set('code', 'c0de');
  back.searchParams.set('state', asked.searchParams.get('state') ?? '');
  return back.href;
}

async function serve(variant: VariantName, settings: ProviderSettings) {
  const { app, providerAgent } = createVariantApp(variant, settings);
  const server = createAppServer(app, HOSTINGS[0]!).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const driver = new LoginDriver(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    approve,
  );
  const login = async (): Promise<void> => {
    const timing = await driver.login(0);
    if ('error' in timing) throw new Error(`${variant} login failed: ${timing.error}`);
  };
  const close = (): void => {
    driver.close();
    providerAgent.destroy();
    server.closeAllConnections();
    server.close();
  };
  return { login, close };
}

/** Both apps against one local provider; `close` stops everything. */
export async function appsInProcess(): Promise<LoginPair> {
  const provider = await startLocalProvider();
  const ours = await serve('ours', provider.settings);
  const baseline = await serve('baseline', provider.settings);
  return {
    ours: ours.login,
    baseline: baseline.login,
    close: () => {
      ours.close();
      baseline.close();
      provider.close();
    },
  };
}
