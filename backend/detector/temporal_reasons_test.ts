import assert from "node:assert/strict";
import { fitTemporal } from "./temporal.ts";
import { TEMPORAL_REASON_CODES } from "./temporal_reasons.ts";
import { toMatrix } from "./model.ts";
import { FEATURES, type Reading } from "./types.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const normal = simulateFleet({ seed: 4, meters: 1, readingsPerMeter: 2000, kinds: [] }).readings;
const model = fitTemporal(toMatrix(normal), FEATURES, { window: 8, contamination: 0.01 }, {
  meters: null,
});

function lastReason(rows: Reading[]) {
  const predictions = model.predict(rows);
  const last = predictions[predictions.length - 1];
  assert.ok(last.anomaly, `score ${last.score}`);
  return last.reasons![last.reasons!.length - 1];
}

Deno.test("temporalReason() calls a sustained sag a level shift in volts", () => {
  const rows = normal.slice(0, 20).map((r, i) => (i >= 10 ? { ...r, voltage: r.voltage - 15 } : r));
  const reason = lastReason(rows);
  assert.equal(reason.code, "level_shift");
  assert.equal(reason.signal, "voltage");
  assert.match(
    reason.message,
    /^Voltage averaged 2\d\d(\.\d+)? V over the last 8 readings of meter-01, against 2\d\d/,
  );
});

Deno.test("temporalReason() calls a frozen value a flatline", () => {
  const rows = normal.slice(0, 20).map((
    r,
    i,
  ) => (i >= 10 ? { ...r, current: normal[9].current } : r));
  const reason = lastReason(rows);
  assert.equal(reason.code, "flatline");
  assert.match(
    reason.message,
    /^Current barely changed over the last 8 readings of meter-01 \(sd 0 A/,
  );
});

Deno.test("temporalReason() calls a fast oscillation a fluctuation", () => {
  const rows = normal.slice(0, 20).map((r, i) =>
    i >= 10 ? { ...r, voltage: r.voltage + (i % 2 === 0 ? 12 : -12) } : r
  );
  const reason = lastReason(rows);
  assert.ok((TEMPORAL_REASON_CODES as readonly string[]).includes(reason.code));
  assert.equal(reason.code, "fluctuation");
});
