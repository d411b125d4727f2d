/**
 * Moves `Date.now()` forward without waiting, so pending logins, codes and tokens can expire
 * inside a test (the emulator runs in the test's process and reads the clock only through
 * `Date.now()`). Only `Date.now` is shifted: timers keep real time, so nothing waits longer.
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

/** Runs `fn` with the clock `ms` ahead, and puts it back however `fn` ends. */
export async function withClockAhead<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const previous = Date.now;
  Date.now = () => previous() + ms;
  try {
    return await fn();
  } finally {
    Date.now = previous;
  }
}
