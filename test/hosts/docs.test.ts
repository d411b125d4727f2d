import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { FRAMEWORK_SECTIONS, frameworkGuideBlocks, readmePrograms } from './docs';
import { APPS } from './project';

describe('docs/frameworks.md shows the host projects as they are', () => {
  const blocks = frameworkGuideBlocks();

  it('has a guide for each framework', () => {
    const sections = new Set(blocks.map(({ block }) => block.section));
    expect([...sections]).to.include.members(Object.keys(FRAMEWORK_SECTIONS));
  });

  for (const { block, file } of blocks) {
    it(`the block at line ${block.line} (${block.section}) is ${file ?? 'a host file'}`, () => {
      const hosts = FRAMEWORK_SECTIONS[block.section];
      expect(hosts, `section "${block.section}" is tested in a host`).to.be.an('array');
      expect(file, 'its first line names the file, as // src/...').to.be.a('string');
      const found = hosts!
        .map((host) => path.join(APPS, host, file!))
        .filter((candidate) => existsSync(candidate));
      expect(found, `${file} in test/hosts/apps/{${hosts!.join(',')}}`).to.have.length(1);
      // Copy the file into the guide (or the block into the file) when this fails.
      expect(block.code).to.equal(readFileSync(found[0]!, 'utf8'));
    });
  }
});

describe("the README's quick starts", () => {
  it('are found, to be compiled in the Express 4 and Express 5 hosts', () => {
    const programs = Object.values(readmePrograms());
    expect(programs.some((code) => code.includes('new Strategy('))).to.equal(true);
    expect(programs.some((code) => code.includes('new ApiKeyStrategy('))).to.equal(true);
  });
});
