/**
 * A byte budget shared by concurrent work, framework-free: a lease reserves
 * bytes up front and may grow as a body of unknown length arrives; past the
 * limit a lease is refused or stops growing, and released bytes return to
 * the budget. Used for memory-aware admission of request bodies.
 */

/** Bytes held by one piece of work; grows up to `cap`, released once. */
export interface Lease {
  /** Bytes reserved now. */
  readonly size: number;
  /** Reserve enough for `total` bytes (doubling, up to the cap); false when the budget cannot. */
  grow(total: number): boolean;
  /** Return the bytes to the budget; idempotent. */
  release(): void;
}

/** Options for {@link ByteBudget}. */
export interface ByteBudgetOptions {
  /** Bytes reservable at once. */
  limit: number;
  /** Called with the bytes reserved after every change. */
  onChange?: (reserved: number) => void;
}

/** A byte budget; see the module comment. */
export class ByteBudget {
  readonly #limit: number;
  readonly #onChange: ((reserved: number) => void) | undefined;
  #reserved = 0;

  /** Create a budget of `options.limit` bytes. */
  constructor(options: ByteBudgetOptions) {
    this.#limit = options.limit;
    this.#onChange = options.onChange;
  }

  /** Bytes reserved now. */
  get reserved(): number {
    return this.#reserved;
  }

  /** Reserve `initial` bytes, growable up to `cap`; null when they do not fit. */
  lease(initial: number, cap: number = initial): Lease | null {
    if (!this.#take(initial)) return null;
    let size = initial;
    let released = false;
    return {
      get size() {
        return size;
      },
      grow: (total) => {
        if (released) return false;
        if (total <= size) return true;
        if (total > cap) return false;
        const want = Math.min(cap, Math.max(total, size * 2));
        // Ask for the doubled size first, else just enough: fewer calls, no needless refusal.
        for (const next of want > total ? [want, total] : [total]) {
          if (this.#take(next - size)) {
            size = next;
            return true;
          }
        }
        return false;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#give(size);
      },
    };
  }

  #take(bytes: number): boolean {
    if (this.#reserved + bytes > this.#limit) return false;
    this.#reserved += bytes;
    this.#onChange?.(this.#reserved);
    return true;
  }

  #give(bytes: number): void {
    this.#reserved -= bytes;
    this.#onChange?.(this.#reserved);
  }
}
