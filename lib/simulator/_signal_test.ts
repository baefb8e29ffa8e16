import assert from "node:assert/strict";
import { diurnalLoad, injectPointAnomaly, round, roundValues } from "./_signal.ts";
import { createRng } from "./rng.ts";

Deno.test("round() and roundValues() report at sensor resolution", () => {
  assert.equal(round(230.126, 2), 230.13);
  assert.deepEqual(roundValues({ voltage: 230.126, current: 10.0004, frequency: 50.0126 }), {
    voltage: 230.13,
    current: 10,
    frequency: 50.013,
  });
});

Deno.test("diurnalLoad() is lowest at 07:00 and highest at 19:00", () => {
  const at = (h: number) => diurnalLoad(Date.UTC(2026, 0, 1, h));
  assert.ok(Math.abs(at(19) - 1) < 1e-12);
  assert.ok(Math.abs(at(7) + 1) < 1e-12);
});

Deno.test("injectPointAnomaly() changes only the signals of its kind", () => {
  const values = { voltage: 230, current: 10, frequency: 50 };
  injectPointAnomaly("frequency_high", createRng(1), values);
  assert.equal(values.voltage, 230);
  assert.equal(values.current, 10);
  assert.ok(values.frequency >= 50.55 && values.frequency < 51);
});
