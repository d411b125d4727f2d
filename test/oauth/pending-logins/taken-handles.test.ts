import { expect } from 'chai';
import { TakenHandles } from '../../../lib/oauth/pending-logins/taken-handles';

describe('TakenHandles', () => {
  it('claims a handle once', () => {
    const taken = new TakenHandles(4);
    expect(taken.claim('a', 100, 0)).to.equal(true);
    expect(taken.claim('a', 100, 0)).to.equal(false);
    expect(taken.has('a')).to.equal(true);
    expect(taken.has('b')).to.equal(false);
  });

  it('forgets handles whose logins have expired, oldest first, when the next is claimed', () => {
    const taken = new TakenHandles(4);
    taken.claim('a', 10, 0);
    taken.claim('b', 20, 0);
    taken.claim('c', 30, 0);
    taken.claim('d', 15, 25);
    // At 25 'a' and 'b' had expired; 'c' is still live.
    expect(['a', 'b', 'c', 'd'].map((h) => taken.has(h))).to.deep.equal([false, false, true, true]);
    expect(taken.claim('a', 40, 25)).to.equal(true);
  });

  it('keeps at most its capacity, dropping the oldest, across many turns of the ring', () => {
    const taken = new TakenHandles(3);
    for (let i = 0; i < 100; i++) expect(taken.claim(`h${i}`, 1e9, i)).to.equal(true);
    const kept = Array.from({ length: 100 }, (_, i) => `h${i}`).filter((h) => taken.has(h));
    expect(kept).to.deep.equal(['h97', 'h98', 'h99']);
  });
});
