/**
 * Every relative link and `#anchor` in the repository's Markdown resolves: to a file or folder
 * of the repository, and to a heading (or an element id) of the Markdown page it names. Pages
 * name the tests and sources that prove what they say as links, so a moved file shows up here.
 */
import * as path from 'node:path';
import { expect } from 'chai';
import {
  anchors,
  findLinks,
  markdownFiles,
  parsePage,
  readRepoFile,
  repositoryFiles,
  slug,
} from './markdown';

/** A URL with a scheme (`https:`, `mailto:`) or protocol-relative: not this repository's. */
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

describe('Markdown links', () => {
  const files = repositoryFiles();
  const existing = new Set(files);
  for (const file of files) {
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) {
      existing.add(dir);
    }
  }
  const anchorsOf = new Map<string, Set<string>>();
  const anchorsFor = (file: string): Set<string> => {
    let found = anchorsOf.get(file);
    if (!found) {
      found = anchors(readRepoFile(file));
      anchorsOf.set(file, found);
    }
    return found;
  };

  /** Why `target`, linked from `from`, does not resolve; undefined when it does. */
  function brokenBecause(from: string, target: string): string | undefined {
    const hash = target.indexOf('#');
    const pathPart = decodeURI(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    if (pathPart.startsWith('/')) return 'is absolute: link relative to the page instead';
    const resolved =
      pathPart === ''
        ? from
        : path.posix
            .normalize(path.posix.join(path.posix.dirname(from), pathPart))
            .replace(/\/$/, '');
    if (resolved.startsWith('..')) return 'points outside the repository';
    if (!existing.has(resolved)) return `names ${resolved}, which is not in the repository`;
    if (anchor === undefined) return undefined;
    if (!resolved.endsWith('.md')) return `has an anchor, but ${resolved} is not a Markdown page`;
    if (!anchorsFor(resolved).has(anchor)) return `names no heading of ${resolved}`;
    return undefined;
  }

  it('checks the pages that matter', () => {
    expect(markdownFiles()).to.include.members([
      'README.md',
      'CHANGELOG.md',
      'docs/security.md',
      'example-app/README.md',
      'bench/README.md',
    ]);
  });

  for (const file of markdownFiles()) {
    it(`every relative link of ${file} resolves`, () => {
      const { prose } = parsePage(readRepoFile(file));
      const broken = findLinks(prose)
        .filter(({ target }) => !EXTERNAL.test(target))
        .flatMap(({ target, line }) => {
          const why = brokenBecause(file, target);
          return why === undefined ? [] : [`${file}:${line}: ${target} ${why}`];
        });
      expect(broken).to.deep.equal([]);
    });
  }

  describe('the checker itself', () => {
    it("makes GitHub's anchors", () => {
      expect(slug('Per-request accounts (multi-tenant)')).to.equal(
        'per-request-accounts-multi-tenant',
      );
      expect(slug('Quick start: OAuth 2.0')).to.equal('quick-start-oauth-20');
      expect(slug('API-key login (`ApiKeyStrategy`)')).to.equal('api-key-login-apikeystrategy');
      expect(slug('Any other endpoint: `request()`')).to.equal('any-other-endpoint-request');
      expect(slug('**Bold** and [a link](x.md)')).to.equal('bold-and-a-link');
      expect([...anchors('# A\n\n## Method\n\n## Method\n')]).to.deep.equal([
        'a',
        'method',
        'method-1',
      ]);
    });

    it('finds links across lines, skips code, and refuses what does not resolve', () => {
      const page = [
        'See [the',
        'guide](docs/oauth.md#profile) and `[not](a-link.md)`.',
        '```md',
        '[inside](a-code-block.md)',
        '```',
        '[ref]: CHANGELOG.md',
        '<img src="docs/example-profile.png" alt="">',
      ].join('\n');
      expect(findLinks(parsePage(page).prose)).to.deep.equal([
        { target: 'docs/oauth.md#profile', line: 2 },
        { target: 'CHANGELOG.md', line: 6 },
        { target: 'docs/example-profile.png', line: 7 },
      ]);
      expect(brokenBecause('README.md', 'docs/oauth.md#profile')).to.equal(undefined);
      expect(brokenBecause('docs/oauth.md', '../test/docs')).to.equal(undefined);
      expect(brokenBecause('README.md', 'docs/oauth.md#no-such-heading')).to.match(/no heading/);
      expect(brokenBecause('README.md', 'docs/no-such-page.md')).to.match(/not in the repository/);
      expect(brokenBecause('docs/oauth.md', '../../outside.md')).to.match(/outside/);
      expect(brokenBecause('README.md', '#no-such-heading')).to.match(/no heading of README.md/);
    });
  });
});
