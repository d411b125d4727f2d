/**
 * The default session store: an SQLite file through better-sqlite3, so sessions survive a
 * restart without any server to run.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import session from 'express-session';
import makeSqliteStore from 'better-sqlite3-session-store';

const SqliteStore = makeSqliteStore(session);
const CLEANUP_INTERVAL_MS = 15 * 60 * 1000;

/** A session store backed by the SQLite file `path`, with `close()` for a clean shutdown. */
export class ClosableSqliteStore extends SqliteStore {
  private _timer: NodeJS.Timeout | undefined;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // WAL lets a second process (or a restarted one) read while another writes.
    db.pragma('journal_mode = WAL');
    super({ client: db, expired: { clear: true, intervalMs: CLEANUP_INTERVAL_MS } });
  }

  /**
   * The package starts an interval it never stops, which would keep the process alive; this one
   * is unref'd and cleared by {@link close}.
   */
  override startInterval(): void {
    this._timer = setInterval(() => this.clearExpiredSessions(), CLEANUP_INTERVAL_MS);
    this._timer.unref();
  }

  /** Stops the cleanup timer and closes the database file. */
  close(): void {
    clearInterval(this._timer);
    if (this.client.open) this.client.close();
  }
}
