/** passport-oauth2's PKCE state store, which its package ships without type declarations. */
declare module 'passport-oauth2/lib/state/pkcesession' {
  class PKCESessionStore {
    constructor(options: { key: string });
    store(
      req: unknown,
      verifier: string,
      state: unknown,
      meta: object,
      callback: (err: Error | null, handle?: string) => void,
    ): void;
    verify(
      req: unknown,
      handle: string,
      callback: (err: Error | null, ok?: string | false, state?: unknown) => void,
    ): void;
  }
  export = PKCESessionStore;
}
