import assert from "node:assert/strict";
import { coversDay, dayPhase, fitDiurnal } from "./diurnal.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 1);

Deno.test("dayPhase() is the UTC time of day as an angle", () => {
  const out = new Float64Array(2);
  dayPhase(START + 6 * HOUR, out);
  assert.ok(Math.abs(out[0]) < 1e-12 && Math.abs(out[1] - 1) < 1e-12, `${out}`);
  // Before 1970 too: the same time of day, the same phase.
  const before = new Float64Array(2);
  dayPhase(-DAY + 6 * HOUR, before);
  assert.deepEqual([...before].map((v) => v.toFixed(12)), [...out].map((v) => v.toFixed(12)));
});

Deno.test("coversDay() needs a time in every hour of the day, ignoring NaN", () => {
  const times = Array.from({ length: 24 }, (_, h) => START + h * HOUR + 60_000);
  const all = times.map((_, i) => i);
  assert.equal(coversDay(times, all), true);
  assert.equal(coversDay(times, all.slice(1)), false);
  assert.equal(coversDay([...times.slice(0, 23), NaN], all), false);
});

Deno.test("fitDiurnal() recovers each channel's daily harmonic, and refuses part of a day", () => {
  // Two channels, a reading a minute for a day: 230 + 5 cos + 2 sin, and 10 - 3 sin, with noise.
  let seed = 5;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
  const times: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < 1440; k++) {
    const t = START + k * 60_000;
    const x = (2 * Math.PI * (t % DAY)) / DAY;
    times.push(t);
    values.push(230 + 5 * Math.cos(x) + 2 * Math.sin(x) + noise(), 10 - 3 * Math.sin(x) + noise());
  }
  const rows = times.map((_, i) => i);
  const fit = fitDiurnal(Float64Array.from(values), 2, rows, times)!;
  const expected = [5, 2, 0, -3];
  fit.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 0.02, `${i}: ${v}`));
  // Twelve hours: a harmonic fitted there would guess the other twelve.
  assert.equal(fitDiurnal(Float64Array.from(values), 2, rows.slice(0, 720), times), null);
});
