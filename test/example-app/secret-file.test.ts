import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { readOrCreateSecret } from '../../example-app/src/secret-file';
import { raceChildren, tempDir } from './support/app';

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('example app: the generated session-secret file', () => {
  let tmp: ReturnType<typeof tempDir>;

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('is created owner-only in an owner-only folder, and read back on the next start', () => {
    const dir = join(tmp.dir, 'data');
    const path = join(dir, 'session-secret');
    const secret = readOrCreateSecret(path);
    expect(secret).to.have.length.of.at.least(32);
    expect(mode(path)).to.equal('600');
    expect(mode(dir)).to.equal('700');
    expect(readOrCreateSecret(path)).to.equal(secret);
    expect(readdirSync(dir)).to.deep.equal(['session-secret']);
  });

  it('refuses a file too short to be a secret instead of replacing it', () => {
    const path = join(tmp.dir, 'session-secret');
    writeFileSync(path, 'short\n');
    expect(() => readOrCreateSecret(path)).to.throw(/fewer than 32 characters.*delete it/);
  });

  it('gives every one of several processes starting at once the same secret', async function () {
    this.timeout(60_000);
    const path = join(tmp.dir, 'data', 'session-secret');
    const runs = await raceChildren(Array.from({ length: 4 }, () => ['secret', path]));
    const secrets = runs.map((run) => {
      expect(run.code, JSON.stringify(run.result)).to.equal(0);
      return run.result['secret'];
    });
    expect(secrets[0]).to.be.a('string').with.length.of.at.least(32);
    expect(new Set(secrets).size).to.equal(1);
    expect(readOrCreateSecret(path)).to.equal(secrets[0]);
    expect(mode(path)).to.equal('600');
    // No draft file is left behind.
    expect(readdirSync(join(tmp.dir, 'data'))).to.deep.equal(['session-secret']);
  });
});
