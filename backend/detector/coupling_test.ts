import assert from "node:assert/strict";
import { couplingOf, fitCoupling, residualMeans, solveSmall } from "./coupling.ts";
import { STATS_PER_CHANNEL } from "./window_stats.ts";

function close(a: number, b: number, eps = 1e-6) {
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);
}

Deno.test("solveSmall() solves a pivoting 2 x 2 system", () => {
  const x = solveSmall([[0, 2], [3, 1]], [4, 5]);
  close(x[0], 1);
  close(x[1], 2);
});

Deno.test("couplingOf() recovers a linear relation and the residual's sd", () => {
  // Channel 1 = -0.5 * channel 0 + residual ±0.1 (flipping every 20 blocks); channel 0 a ramp.
  const blocks = Array.from({ length: 200 }, (_, i) => {
    const a = (i % 20) / 10 - 1;
    return [a, -0.5 * a + (Math.floor(i / 20) % 2 === 0 ? 0.1 : -0.1)];
  });
  const k = couplingOf(blocks, 2);
  close(k[1 * 2 + 0], -0.5, 1e-3);
  close(k[1 * 2 + 1], 1 / 0.1, 0.1);
  // Channel 0 on channel 1: strongly related too.
  assert.ok(k[0 * 2 + 1] < -1);
});

Deno.test("couplingOf() leaves a channel alone when there are too few blocks or one channel", () => {
  assert.deepEqual(couplingOf([[1, 2], [2, 3]], 2), [1, 0, 0, 1]);
  assert.deepEqual(couplingOf([], 2), [1, 0, 0, 1]);
  // One channel: nothing to fit on, 1 / the block means' sd.
  const one = couplingOf([[2], [-2], [2], [-2]], 1);
  close(one[0], 0.5);
});

Deno.test("fitCoupling() fits the pooled and each meter's coupling over blocks", () => {
  const nf = 2;
  const rows = 400;
  const u = new Float64Array(rows * nf);
  for (let r = 0; r < rows; r++) {
    const slow = Math.sin(r / 30);
    u[r * nf] = slow;
    u[r * nf + 1] = (r < 200 ? 1 : -1) * slow + (r % 2 === 0 ? 0.2 : -0.2);
  }
  const streams = new Map([["a", [...Array(200).keys()]], [
    "b",
    [...Array(200).keys()].map((r) => r + 200),
  ]]);
  const { pooled, meters } = fitCoupling(u, nf, 4, streams, ["a", "b"]);
  assert.equal(pooled.length, 4);
  assert.equal(meters.length, 8);
  // Meter a's channel 1 follows channel 0, meter b's opposes it; pooled, they cancel out.
  close(meters[2], 1, 0.05);
  close(meters[4 + 2], -1, 0.05);
  assert.ok(Math.abs(pooled[2]) < 0.2);
});

Deno.test("residualMeans() writes each mean's residual in residual sds", () => {
  const stats = new Float64Array(2 * STATS_PER_CHANNEL);
  stats[1] = 2;
  stats[STATS_PER_CHANNEL + 1] = -0.5;
  // Channel 1 = -0.25 * channel 0, residual sd 0.5; channel 0 uncoupled, sd 1.
  residualMeans(stats, [9, 9, 1, 0, -0.25, 2], 2, 2);
  close(stats[5], 2);
  close(stats[STATS_PER_CHANNEL + 5], 0);
});
