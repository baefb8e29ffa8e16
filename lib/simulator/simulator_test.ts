import assert from "node:assert/strict";
import { ANOMALY_KINDS, NOMINAL, simulate, Simulator, toReading } from "./simulator.ts";

Deno.test("simulate() gives the same readings for the same seed", () => {
  assert.deepEqual(
    simulate(50, { seed: 7, anomalyRate: 0.2 }),
    simulate(50, { seed: 7, anomalyRate: 0.2 }),
  );
  assert.notDeepEqual(simulate(50, { seed: 7 }), simulate(50, { seed: 8 }));
});

Deno.test("simulate() normal operation matches the workshop's noise", () => {
  // Five-minute steps cover whole days, so the diurnal swing averages out.
  const rs = simulate(20_000, { seed: 1, intervalMs: 300_000 });
  assert.ok(rs.every((r) => !r.anomaly && r.kind === null));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = (xs: number[]) => {
    const m = mean(xs);
    return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
  };
  const v = rs.map((r) => r.voltage);
  const f = rs.map((r) => r.frequency);
  assert.ok(Math.abs(mean(v) - NOMINAL.voltage.mean) < 0.5, `voltage mean ${mean(v)}`);
  assert.ok(Math.abs(sd(f) - NOMINAL.frequency.sd) < 0.005, `frequency sd ${sd(f)}`);
  assert.ok(Math.abs(mean(rs.map((r) => r.current)) - NOMINAL.current.mean) < 0.5);
});

Deno.test("simulate() injects every anomaly kind at about the requested rate", () => {
  const rs = simulate(10_000, { seed: 3, anomalyRate: 0.1 });
  const rate = rs.filter((r) => r.anomaly).length / rs.length;
  assert.ok(rate > 0.09 && rate < 0.11, `rate ${rate}`);
  const kinds = new Set(rs.map((r) => r.kind).filter((k) => k !== null));
  assert.deepEqual([...kinds].sort(), [...ANOMALY_KINDS].sort());
  for (const r of rs) {
    if (r.kind === "voltage_sag") assert.ok(r.voltage < 207);
    if (r.kind === "frequency_high") assert.ok(r.frequency > 50.5);
    if (r.kind === "interruption") assert.ok(r.voltage < 11.5);
  }
});

Deno.test("Simulator rejects an anomaly rate outside [0, 1]", () => {
  assert.throws(
    () => new Simulator({ anomalyRate: 1.5 }),
    /Anomaly rate must be between 0 and 1, got 1.5/,
  );
  assert.throws(() => simulate(-1), RangeError);
});

Deno.test("toReading() keeps only what /predict accepts", () => {
  const [r] = simulate(1, { seed: 1 });
  assert.deepEqual(Object.keys(toReading(r)).sort(), [
    "current",
    "frequency",
    "timestamp",
    "voltage",
  ]);
});

Deno.test("simulate() output is unchanged for existing callers (golden hash)", async () => {
  // The UI, the load tools and k6 replay these streams; a change here changes their data.
  const text = JSON.stringify([
    simulate(3000, { seed: 7, anomalyRate: 0.2 }),
    new Simulator({ seed: 1, intervalMs: 300_000 }).batch(500),
  ]);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, "a45f35001a49690da516e52bdffce8ddb14379fef173078cbbf934bb67330d33");
});
