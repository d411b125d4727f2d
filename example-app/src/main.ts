/**
 * `npm start`: reads the environment, starts demo mode (the bundled Agile CRM emulator) or the
 * real-account mode, and serves the example app. Prints one line saying what to open.
 */
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createApp, type AppConfig } from './app';
import { ConfigError, readSettings, settingWarnings, type Settings } from './config';
import { startDemo } from './demo';
import { readOrCreateSecret } from './secret-file';

const CALLBACK_PATH = '/auth/agilecrm/callback';

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  for (const warning of settingWarnings(settings)) console.error(warning);
  const demo = settings.mode === 'demo' ? await startDemo(settings.tokenTTL) : undefined;
  const publicURL =
    settings.publicURL ??
    (settings.mode === 'demo' ? undefined : `http://localhost:${settings.port}`);
  const log = (line: string): void => console.log(line);
  const config: AppConfig = {
    agilecrm: demo?.agilecrm ?? {
      clientID: settings.mode === 'agilecrm' ? settings.clientID : '',
      clientSecret: settings.mode === 'agilecrm' ? settings.clientSecret : '',
      defaultDomain: settings.mode === 'agilecrm' ? settings.domain : '',
      baseURL: settings.mode === 'agilecrm' ? settings.agilecrmBaseURL : undefined,
      revokeURL: settings.mode === 'agilecrm' ? settings.revokeURL : undefined,
    },
    // Without BASE_URL in demo mode the callback follows whatever host the browser used.
    callbackURL: publicURL === undefined ? CALLBACK_PATH : publicURL + CALLBACK_PATH,
    sessionSecret:
      settings.sessionSecret ??
      readOrCreateSecret(join(dirname(settings.sessionDB), 'session-secret')),
    sessionStore: settings.redisURL
      ? { kind: 'redis', url: settings.redisURL }
      : { kind: 'sqlite', path: settings.sessionDB },
    trustProxy: settings.trustProxy,
    https: publicURL?.startsWith('https:') ?? false,
    loginRateLimit: settings.loginRateLimit,
    demo: demo?.demo,
    log,
    logRequests: settings.logRequests,
  };
  const { app, close } = await createApp(config);
  const server = app.listen(settings.port, settings.host);
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `Port ${settings.port} is in use: set PORT to a free port.`
        : `Cannot listen on ${settings.host}:${settings.port}: ${err.message}`,
    );
    process.exit(1);
  });
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(settings.host);
    const url = settings.publicURL ?? `http://${local ? 'localhost' : settings.host}:${port}`;
    console.log(
      demo
        ? `Open ${url} in your browser (demo mode with a local Agile CRM emulator; Ctrl+C stops it).`
        : `Open ${url} in your browser (Agile CRM account "${config.agilecrm.defaultDomain}"; register ${publicURL ?? url}${CALLBACK_PATH} as the redirect URI).`,
    );
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    Promise.all([close(), demo?.emulator.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(
    `The example app failed to start: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
