/**
 * Starts the Agile CRM emulator from the installed package, as a host's own tests would import
 * it, and prints its settings on one line. Copied into each host as test/emulator.ts and
 * compiled with the host's tsconfig, so `passport-agilecrm/testing` must resolve there.
 */
import { createEmulator } from 'passport-agilecrm/testing';

createEmulator()
  .listen(0, '127.0.0.1')
  .then((emu) => {
    const settings = {
      baseURL: emu.baseURL,
      clientID: emu.clientID,
      clientSecret: emu.clientSecret,
    };
    console.log(`emulator ${JSON.stringify(settings)}`);
    process.on('SIGTERM', () => {
      void emu.close().then(() => process.exit(0));
    });
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
