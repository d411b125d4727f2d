/**
 * Demo mode: start the bundled Agile CRM emulator and point the app at it.
 */
import { createEmulator, type RunningEmulator } from 'passport-agilecrm/testing';
import type { AgileCRMConfig } from './auth';
import type { DemoInfo } from './context';

/** The running emulator and the app settings that use it. */
export interface Demo {
  emulator: RunningEmulator;
  agilecrm: AgileCRMConfig;
  demo: DemoInfo;
}

/** Starts the emulator on a free loopback port; access tokens live `tokenTTL` seconds. */
export async function startDemo(tokenTTL: number): Promise<Demo> {
  const emulator = await createEmulator({ accessTokenTTL: tokenTTL }).listen(0, '127.0.0.1');
  const account = emulator.accounts.find((a) => a.domain === 'demo') ?? emulator.accounts[0];
  const user = account?.users[0];
  if (account === undefined || user === undefined) {
    await emulator.close();
    throw new Error('The Agile CRM emulator has no seeded account');
  }
  return {
    emulator,
    agilecrm: {
      clientID: emulator.clientID,
      clientSecret: emulator.clientSecret,
      defaultDomain: account.domain,
      baseURL: emulator.baseURL,
      revokeURL: emulator.revokeURL,
    },
    demo: { credentials: { domain: account.domain, email: user.email, apiKey: user.apiKey } },
  };
}
