import { expect } from 'chai';
import { node } from './support/run';

describe('strict TypeScript consumer', function () {
  this.timeout(180_000);

  it('compiles with tsc --noEmit: every verify form unannotated, { domain } in authenticate()', async () => {
    // consumer/consumer.ts imports 'passport-agilecrm' by name, so it sees dist's .d.ts files.
    const out = await node(
      [
        require.resolve('typescript/bin/tsc'),
        '-p',
        'test/package/consumer/tsconfig.json',
        '--pretty',
        'false',
      ],
      180_000,
    );
    expect(out.trim()).to.equal('');
  });
});
