/**
 * `deno task bench:drift`: what the drift tests cost, in process. The request
 * path only feeds the window: µs per 64-reading batch, next to scoring the
 * same batch with the workshop's model (the baseline, same run). The tests run
 * at most once per 5 s per worker (on a scrape or `GET /models`): µs per
 * evaluation of a full window (KS and PSI per feature, MMD), for several
 * window sizes, and the MMD's share. Prints figures; asserts nothing.
 *
 * Flags: `--rounds N` (evaluations per size, default 20).
 */
import { benchArgs } from "./_args.ts";
import { DEFAULT_MODEL_CONFIG, trainModel } from "../../backend/detector/mod.ts";
import { DriftCheck } from "../../backend/mlops/drift_check.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";
import { print } from "../../lib/logger.ts";

const values = benchArgs("bench:drift", Deno.args, { rounds: { type: "string" } });
const rounds = Number(values.rounds ?? 20);
const model = trainModel({ ...DEFAULT_MODEL_CONFIG });
const batches = Array.from({ length: 200 }, (_, i) => new Simulator({ seed: i }).batch(64));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function perCall(fn: () => void, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - start) * 1000) / calls;
}

function check(capacity: number, mmdRows?: number) {
  let now = 0;
  return {
    set: (t: number) => (now = t),
    check: new DriftCheck(model.info.features, model.info.training, {
      capacity,
      maxAgeSeconds: 300,
      minReadings: 100,
      alpha: 0.01,
      minStatistic: 0.15,
      cacheMs: 0,
      seed: 1,
      now: () => now,
      ...(mmdRows !== undefined ? { mmdRows } : {}),
    }),
  };
}

// Request path: feeding the window against scoring the batch.
const feed = check(5_000);
let b = 0;
const observe: number[] = [];
const score: number[] = [];
for (let r = 0; r < 5; r++) {
  observe.push(perCall(() => {
    feed.set(b * 10);
    feed.check.observe(batches[b++ % batches.length]);
  }, 20_000));
  score.push(perCall(() => model.predict(batches[b++ % batches.length]), 2_000));
}
const o = median(observe);
const p = median(score);
print(
  `request path, batch 64: window ${o.toFixed(2)} µs, scoring ${p.toFixed(1)} µs ` +
    `(window/scoring ${(o / p).toFixed(3)})`,
);

// Evaluations of a full window, and without the MMD's rows (mmdRows 2) for its share.
for (const capacity of [1_000, 5_000, 20_000]) {
  const full = check(capacity);
  const light = check(capacity, 2);
  for (let t = 0; t < 300_000; t += 300_000 / 40) {
    for (const c of [full, light]) {
      c.set(t);
      for (let k = 0; k < Math.ceil(capacity / 640); k++) {
        c.check.observe(batches[k % batches.length]);
      }
    }
  }
  const all: number[] = [];
  const noMmd: number[] = [];
  for (let r = 0; r < rounds; r++) {
    all.push(perCall(() => full.check.evaluate(), 1));
    noMmd.push(perCall(() => light.check.evaluate(), 1));
  }
  const a = median(all);
  print(
    `evaluation, ${full.check.size} readings: ${a.toFixed(0)} µs (MMD ${
      ((a - median(noMmd)) / a * 100).toFixed(0)
    } %); at most once per 5 s per worker: ${(a / 5e6 * 100).toFixed(2)} % of a core`,
  );
}
