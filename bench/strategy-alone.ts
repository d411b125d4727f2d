/**
 * One complete login through a strategy alone, without Express, sessions middleware or passport:
 * `authenticate()` for the start and for the callback, called on a per-request copy the way
 * passport calls it, with the token and profile requests going to a local HTTPS server. Both
 * strategies get identical requests and the same server, so the difference between them is the
 * strategy's own work.
 */
import * as https from 'node:https';
import type OAuth2Strategy from 'passport-oauth2';
import { startLocalProvider, type LoginPair } from './local-provider';
import { createBaselineStrategy } from './variants/baseline';
import { createOursStrategy } from './variants/ours';
import { CALLBACK_PATH } from './variants/settings';

/** What passport's per-request copy reports: the first action the strategy takes. */
interface Action {
  kind: string;
  arg: unknown;
}

/** Runs `authenticate(req)` on a per-request copy and resolves with its first action. */
function authenticate(strategy: OAuth2Strategy, req: object): Promise<Action> {
  return new Promise((resolve) => {
    const copy = Object.create(strategy) as OAuth2Strategy & Record<string, unknown>;
    for (const kind of ['success', 'fail', 'error', 'redirect', 'pass']) {
      copy[kind] = (arg: unknown) => resolve({ kind, arg });
    }
    copy.authenticate(req as Parameters<OAuth2Strategy['authenticate']>[0], {});
  });
}

/** One login: the start (a redirect carrying state), then the callback with a code. */
async function login(strategy: OAuth2Strategy): Promise<void> {
  const session = {};
  // Both the socket and its older name: passport-oauth2 reads req.connection.
  const base = { headers: { host: 'app.test' }, socket: {}, connection: {}, session };
  const started = await authenticate(strategy, { ...base, url: '/login', query: {} });
  if (started.kind !== 'redirect') throw new Error(`the login start ended in ${started.kind}`);
  const state = new URL(started.arg as string).searchParams.get('state') ?? '';
  const query = { code: 'c0de', state };
  const url = `${CALLBACK_PATH}?${new URLSearchParams(query).toString()}`;
  const done = await authenticate(strategy, { ...base, url, query });
  if (done.kind !== 'success') throw new Error(`the callback ended in ${done.kind}`);
}

/** Starts the local provider and builds both strategies for it; `close` stops everything. */
export async function strategiesAlone(): Promise<LoginPair> {
  const provider = await startLocalProvider();
  const { strategy: ours, agent } = createOursStrategy(provider.settings);
  const baseline = createBaselineStrategy(provider.settings);
  return {
    ours: () => login(ours),
    baseline: () => login(baseline),
    close: () => {
      agent.destroy();
      https.globalAgent.destroy();
      provider.close();
    },
  };
}
