/**
 * What the Kafka suites share: whether they can run here (the Kafka jars; in CI
 * their absence is an error, elsewhere a one-line skip) and a small temporal
 * detector trained on a normal simulated fleet.
 */
import { printError } from "../../../lib/logger.ts";
import { inCI } from "../../../testing/tools.ts";
import { kafkaClasspath } from "../broker.ts";
import {
  FEATURES,
  fitTemporal,
  type TemporalModel,
  toMatrix,
} from "../../../backend/detector/mod.ts";
import { simulateFleet } from "../../../lib/simulator/fleet.ts";

/** True when the suite must be skipped (no Kafka jars outside CI); throws in CI without them. */
export function skipWithoutKafka(): boolean {
  if (kafkaClasspath() !== null) return false;
  if (inCI()) throw new Error("CI=true but the Kafka jars are absent: .ci/run must install them");
  printError("skip: Kafka jars absent (bash .ci/setup.d/70-kafka.sh fetches them)");
  return true;
}

/** A temporal detector (window 6, contamination 0.05) trained on `meters` normal meters. */
export function smallTemporalDetector(meters: number, readingsPerMeter: number): TemporalModel {
  const training = simulateFleet({ seed: 1, meters, readingsPerMeter, kinds: [] }).readings;
  return fitTemporal(toMatrix(training), FEATURES, {
    window: 6,
    contamination: 0.05,
  }, { meters: training.map((r) => r.meter_id) });
}
