/**
 * Moves `Date.now()` forward without waiting, so pending logins can expire inside a test.
 * Only `Date.now` is shifted: timers keep real time, so nothing in the test waits longer.
 */
const realNow = Date.now.bind(Date);
let offset = 0;

/** Moves the clock forward by `ms`. */
export function advanceClock(ms: number): void {
  offset += ms;
  Date.now = () => realNow() + offset;
}

/** Puts the real clock back. */
export function restoreClock(): void {
  offset = 0;
  Date.now = realNow;
}
