/**
 * One labelled series of a prom-client metric, bound once and updated
 * without prom-client's per-call work (label validation, building the label
 * hash string, a closure per histogram observation, number-to-string bucket
 * keys, a new entry object per gauge update): about 1 µs per request on the
 * request path at batch 1.
 *
 * A series writes into the very entry prom-client keeps for its labels, so
 * the exposition, `get()`, aggregation across workers and `reset()` are
 * prom-client's own. The entry's layout is prom-client 15's (pinned in
 * deno.json); `metric_series_test.ts` checks that a series and the plain
 * API produce the same figures, so an upgrade that changes it fails there.
 * After `reset()` or `remove()` the series binds to the new entry.
 */
import type { Counter, Gauge, Histogram, LabelValues } from "prom-client";

interface HistogramEntry {
  labels: LabelValues<string>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

interface CounterEntry {
  labels: LabelValues<string>;
  value: number;
}

/** prom-client's internal store: label hash → entry. */
type Store<E> = Record<string, E>;

/** Find the entry whose labels equal `labels`; its hash key and the entry, or null. */
function findEntry<E extends { labels: LabelValues<string> }>(
  store: Store<E>,
  labels: LabelValues<string>,
): [string, E] | null {
  const names = Object.keys(labels);
  for (const [key, entry] of Object.entries(store)) {
    const have = entry.labels;
    if (
      Object.keys(have).length === names.length &&
      names.every((n) => String(have[n]) === String(labels[n]))
    ) {
      return [key, entry];
    }
  }
  return null;
}

/**
 * Where one series' entry lives in its metric's store. The entry is looked up
 * once and re-found only when prom-client has replaced it (`reset()`,
 * `remove()`, a gauge's own `set()`), then created through `create` if absent.
 */
class Binding<E extends { labels: LabelValues<string> }> {
  readonly #metric: { hashMap: Store<E> };
  readonly #create: () => void;
  readonly labels: LabelValues<string>;
  #store: Store<E> | null = null;
  #key = "";
  #entry: E | null = null;

  constructor(metric: object, labels: LabelValues<string>, create: () => void) {
    this.#metric = metric as { hashMap: Store<E> };
    this.labels = { ...labels };
    this.#create = create;
  }

  /** The entry of this series now. */
  entry(): E {
    const store = this.#metric.hashMap;
    const entry = this.#entry;
    if (store === this.#store && entry !== null && store[this.#key] === entry) return entry;
    let found = findEntry(store, this.labels);
    if (found === null) {
      this.#create();
      found = findEntry(store, this.labels)!;
    }
    [this.#key, this.#entry] = found;
    this.#store = store;
    return found[1];
  }
}

/** A histogram's series for fixed labels; see the module comment. */
export class HistogramSeries {
  readonly #metric: Histogram<string>;
  readonly #binding: Binding<HistogramEntry>;
  readonly #bounds: readonly number[];
  /** `String(bound)`: the property names prom-client's bucket counts use. */
  readonly #keys: readonly string[];

  /** Bind to the series of `metric` with `labels` (all of the metric's label names, or none). */
  constructor(metric: Histogram<string>, labels: LabelValues<string> = {}) {
    this.#metric = metric;
    this.#binding = new Binding(metric, labels, () => metric.zero(this.#binding.labels));
    this.#bounds = [...(metric as unknown as { upperBounds: number[] }).upperBounds];
    this.#keys = this.#bounds.map(String);
  }

  /** Observe `value` (seconds, readings, ...) in this series. */
  observe(value: number): void {
    const entry = this.#binding.entry();
    if (!Number.isFinite(value)) {
      // prom-client's own error for the same value.
      this.#metric.observe(this.#binding.labels, value);
      return;
    }
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        entry.bucketValues[this.#keys[i]] += 1;
        break;
      }
    }
    entry.sum += value;
    entry.count += 1;
  }
}

/** A counter's series for fixed labels; see the module comment. */
export class CounterSeries {
  readonly #metric: Counter<string>;
  readonly #binding: Binding<CounterEntry>;

  /** Bind to the series of `metric` with `labels` (all of the metric's label names, or none). */
  constructor(metric: Counter<string>, labels: LabelValues<string> = {}) {
    this.#metric = metric;
    this.#binding = new Binding(metric, labels, () => metric.inc(this.#binding.labels, 0));
  }

  /** Add `value` (default 1; must be finite and not negative). */
  inc(value = 1): void {
    const entry = this.#binding.entry();
    if (!(value >= 0) || !Number.isFinite(value)) {
      // prom-client's own error for the same value.
      this.#metric.inc(this.#binding.labels, value);
      return;
    }
    entry.value += value;
  }
}

/** A gauge's series for fixed labels; see the module comment. */
export class GaugeSeries {
  readonly #metric: Gauge<string>;
  readonly #binding: Binding<CounterEntry>;

  /** Bind to the series of `metric` with `labels` (all of the metric's label names, or none). */
  constructor(metric: Gauge<string>, labels: LabelValues<string> = {}) {
    this.#metric = metric;
    this.#binding = new Binding(metric, labels, () => metric.set(this.#binding.labels, 0));
  }

  /** Set the gauge to `value`. */
  set(value: number): void {
    if (typeof value !== "number") {
      // prom-client's own error for the same value.
      this.#metric.set(this.#binding.labels, value);
      return;
    }
    this.#binding.entry().value = value;
  }

  /** Add `delta` (default 1). */
  inc(delta = 1): void {
    this.#binding.entry().value += delta;
  }

  /** Subtract `delta` (default 1). */
  dec(delta = 1): void {
    this.#binding.entry().value -= delta;
  }
}
