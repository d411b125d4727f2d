/**
 * A bounded record of the state handles a process has taken, each kept until its login expires,
 * for stores whose copies can outlive a callback (a cookie can be sent again).
 */

/**
 * The newest `capacity` handles, oldest first in a ring, each until its expiry. A ring rather
 * than an insertion-ordered Map: finding the oldest entry of a Map whose front has been deleted
 * again and again walks every deleted slot, which grew with each login under load.
 */
export class TakenHandles {
  readonly #handles = new Set<string>();
  readonly #ring: string[];
  readonly #until: Float64Array;
  /** Slot of the oldest handle. */
  #head = 0;

  constructor(capacity: number) {
    this.#ring = new Array<string>(capacity).fill('');
    this.#until = new Float64Array(capacity);
  }

  /** Whether `handle` was taken (and not yet forgotten). */
  has(handle: string): boolean {
    return this.#handles.has(handle);
  }

  /**
   * Records `handle` as taken until `expiresAt`; false when it already was. Expired handles are
   * forgotten first, and the oldest one when the record is full.
   */
  claim(handle: string, expiresAt: number, now: number): boolean {
    if (this.#handles.has(handle)) return false;
    const capacity = this.#ring.length;
    while (
      this.#handles.size > 0 &&
      (this.#handles.size >= capacity || this.#until[this.#head] <= now)
    ) {
      this.#handles.delete(this.#ring[this.#head]);
      this.#ring[this.#head] = '';
      this.#head = (this.#head + 1) % capacity;
    }
    const slot = (this.#head + this.#handles.size) % capacity;
    this.#ring[slot] = handle;
    this.#until[slot] = expiresAt;
    this.#handles.add(handle);
    return true;
  }
}
