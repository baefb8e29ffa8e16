import assert from "node:assert/strict";
import { applyShift, isShifted } from "./shift.ts";
import { simulate } from "./simulator.ts";

Deno.test("applyShift() scales voltage and current and offsets frequency", () => {
  const v = { voltage: 230, current: 10, frequency: 50 };
  applyShift(v, { voltageScale: 1.02, currentScale: 2, frequencyOffset: 0.2 });
  assert.deepEqual(v, { voltage: 234.6, current: 20, frequency: 50.2 });
  assert.equal(isShifted({}), false);
  assert.equal(isShifted({ voltageScale: 1 }), false);
  assert.equal(isShifted({ frequencyOffset: -0.1 }), true);
});

Deno.test("simulate() applies a shift to the same stream, rounded to the sensor's resolution", () => {
  const plain = simulate(5, { seed: 9 });
  const shifted = simulate(5, { seed: 9, shift: { voltageScale: 1.02, frequencyOffset: 0.2 } });
  shifted.forEach((r, i) => {
    assert.ok(Math.abs(r.voltage - plain[i].voltage * 1.02) < 0.01);
    assert.ok(Math.abs(r.frequency - plain[i].frequency - 0.2) < 0.002);
    assert.equal(r.current, plain[i].current);
  });
  assert.deepEqual(simulate(5, { seed: 9, shift: {} }), plain);
});

Deno.test("simulate() rejects a shift outside its range, naming it", () => {
  assert.throws(() => simulate(1, { shift: { voltageScale: 3 } }), /Shift voltage_scale.*got 3/);
  assert.throws(() => simulate(1, { shift: { frequencyOffset: NaN } }), /frequency_offset/);
});
