/** Test helpers: real models that train in milliseconds (one home for the test suites' models). */
import { type Model, trainModel } from "../detector/model.ts";

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

let cached: Model | null = null;

/** A real model of useful quality, small enough to train in milliseconds; trained once per test process. */
export function smallModel(): Model {
  cached ??= trainModel({
    contamination: 0.05,
    nEstimators: 50,
    sampleSize: 128,
    seed: 7,
    trainingSize: 2000,
  }, {
    evaluation: false,
  });
  return cached;
}
