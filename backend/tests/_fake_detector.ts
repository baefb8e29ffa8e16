/** A transparent stand-in for the model in HTTP tests: the score is the voltage's distance from 230 V. */
import {
  type Detector,
  FEATURES,
  type ModelInfo,
  type Prediction,
  type Reading,
} from "../detector/mod.ts";

/** Info of the fake model. */
export const FAKE_INFO: ModelInfo = {
  name: "isolation_forest",
  version: "sha256:fake00000000",
  features: FEATURES,
  config: { contamination: 0.05, nEstimators: 1, sampleSize: 2, seed: 1, trainingSize: 2 },
  threshold: 0.2,
  training: {},
  source: "test fake",
};

/** Flags readings more than 20 V from nominal. */
export class FakeDetector implements Detector {
  readonly info = FAKE_INFO;
  calls = 0;
  /** The readings of the last call, as the detector received them. */
  last: readonly Reading[] | null = null;
  predict(readings: readonly Reading[]): Prediction[] {
    this.calls++;
    this.last = readings;
    return readings.map((r) => {
      const score = Math.min(0.99, Math.abs(r.voltage - 230) / 100);
      return score >= 0.2
        ? {
          anomaly: true,
          score,
          reasons: [{
            signal: "voltage",
            code: "fake",
            message: "far from 230 V",
            severity: "warning",
          }],
        }
        : { anomaly: false, score };
    });
  }
}
