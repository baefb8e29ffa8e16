/** Test helpers: real models that train in milliseconds (one home for the test suites' models). */
import { type Model, trainModel } from "../detector/mod.ts";

/**
 * A five-tree forest on 200 simulated readings: a real artifact with its own
 * version. Versions made with different `contamination` differ (the
 * threshold is in the content hash), which is what registry tests need.
 */
export function tinyModel(contamination: number): Model {
  return trainModel({ contamination, nEstimators: 5, sampleSize: 32, seed: 1, trainingSize: 200 }, {
    evaluation: false,
  });
}

const cached = new Map<number, Model>();

/**
 * A real model of useful quality, small enough to train in milliseconds;
 * trained once per `seed` per test process (another seed, another version).
 */
export function smallModel(seed = 7): Model {
  let model = cached.get(seed);
  if (model === undefined) {
    model = trainModel(
      { contamination: 0.05, nEstimators: 50, sampleSize: 128, seed, trainingSize: 2000 },
      { evaluation: false },
    );
    cached.set(seed, model);
  }
  return model;
}
