import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { tempDir } from './support/app';

const MAIN = 'example-app/src/main.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx main.ts` with `env`; `until` ends it (SIGTERM) once stdout matches. */
function runMain(env: Record<string, string>, until?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('example app: npm start (main.ts)', function () {
  this.timeout(30_000);

  it('exits 1 naming what is missing when the settings are partial', async () => {
    const run = await runMain({ AGILECRM_DOMAIN: 'acme', AGILECRM_CLIENT_ID: 'id' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('Missing AGILECRM_CLIENT_SECRET');
    expect(run.stdout).to.equal('');
  });

  it('exits 1 with a clear message when Redis cannot be reached', async () => {
    const run = await runMain({
      REDIS_URL: 'redis://127.0.0.1:1',
      SESSION_SECRET: '0123456789abcdef0123456789abcdef',
      AGILECRM_DOMAIN: 'acme',
      AGILECRM_CLIENT_ID: 'id',
      AGILECRM_CLIENT_SECRET: 'secret',
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('Cannot connect to Redis at REDIS_URL');
    expect(run.stderr).not.to.include('0123456789abcdef');
  });

  it('starts demo mode with one line that says what to open', async () => {
    const tmp = tempDir();
    try {
      const run = await runMain(
        { PORT: '0', SESSION_DB: `${tmp.dir}/sessions.db` },
        /Open http:\/\/localhost:\d+/,
      );
      expect(run.stdout.trim().split('\n')).to.have.length(1);
      expect(run.stdout).to.match(/^Open http:\/\/localhost:\d+ in your browser \(demo mode/);
      expect(run.stderr).to.equal('');
    } finally {
      tmp.remove();
    }
  });

  it('warns on stderr, naming TRUST_PROXY, when BASE_URL is https:// without TRUST_PROXY', async () => {
    const tmp = tempDir();
    try {
      const run = await runMain(
        { PORT: '0', SESSION_DB: `${tmp.dir}/sessions.db`, BASE_URL: 'https://app.example.com' },
        /Open https:\/\/app\.example\.com/,
      );
      expect(run.stderr).to.match(/^Warning: BASE_URL is https:\/\/ but TRUST_PROXY is not set/);
      expect(run.stderr).to.include('TRUST_PROXY=1');
      expect(run.stdout).to.match(/^Open https:\/\/app\.example\.com in your browser/);
    } finally {
      tmp.remove();
    }
  });
});
