/** Test helper: real model versions that train in milliseconds. */
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
