/**
 * A child process for the tests that race several real processes on one file. It loads its
 * modules, prints `ready`, waits for `go` on stdin (so all children start together), then does
 * one job and prints its result as one JSON line:
 *
 * - `sessions <db> <name> <count>`: opens the SQLite session store on `<db>` and writes `<count>`
 *   sessions of its own plus an update of one shared session per write, reading each back;
 * - `secret <path>`: reads or creates the session secret file `<path>`.
 */
import { once } from 'node:events';
import { SqliteSessionStore } from '../../../example-app/src/sqlite-store';
import { readOrCreateSecret } from '../../../example-app/src/secret-file';

type Session = Parameters<SqliteSessionStore['set']>[1];

const DAY = 24 * 60 * 60 * 1000;

function sessionOf(owner: string, n: number): Session {
  return {
    cookie: { originalMaxAge: DAY, expires: new Date(Date.now() + DAY) },
    owner,
    n,
  } as unknown as Session;
}

function call(fn: (done: (err?: unknown, value?: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

async function writeSessions(db: string, name: string, count: number): Promise<object> {
  const store = new SqliteSessionStore(db);
  let mismatches = 0;
  for (let n = 0; n < count; n++) {
    await call((done) => store.set(`${name}-${n}`, sessionOf(name, n), done));
    await call((done) => store.set('shared', sessionOf(name, n), done));
    const back = (await call((done) => store.get(`${name}-${n}`, done))) as { n?: number } | null;
    if (back?.n !== n) mismatches += 1;
  }
  store.close();
  return { written: count, mismatches };
}

async function main(): Promise<void> {
  const [job, ...args] = process.argv.slice(2);
  process.stdout.write('ready\n');
  process.stdin.setEncoding('utf8');
  const [line] = (await once(process.stdin, 'data')) as [string];
  // Nothing more comes on stdin: stop reading, so the process can exit when its job ends.
  process.stdin.pause();
  if (!line.startsWith('go')) throw new Error('expected go');
  const result =
    job === 'sessions'
      ? await writeSessions(args[0]!, args[1]!, Number(args[2]))
      : { secret: readOrCreateSecret(args[0]!) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(err) })}\n`);
  process.exitCode = 1;
});
