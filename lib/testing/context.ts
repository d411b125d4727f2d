/**
 * What every route handler of the emulator gets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from './faults';
import type { AuthorizationStore } from './store';
import type { EmulatorAccount, EmulatorClient, EmulatorStats } from './types';

/** The emulator's state, shared by all requests. */
export interface EmulatorState {
  /** `http://127.0.0.1:PORT`; set once listening. */
  origin: string;
  accounts: ReadonlyMap<string, EmulatorAccount>;
  clients: ReadonlyMap<string, EmulatorClient>;
  store: AuthorizationStore;
  faults: FaultQueue;
  stats: EmulatorStats;
  /** Access token lifetime in seconds. */
  accessTokenTTL: number;
}

/** One request, already matched to its account. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  account: EmulatorAccount;
  state: EmulatorState;
}
