/**
 * Seeded pseudo-random numbers shared by the simulator and the detector.
 *
 * mulberry32: 32-bit state, fast, and identical in every JavaScript runtime
 * (Deno, browsers, k6's goja), which is what makes models and simulated data
 * reproducible from a seed.
 */

/** A function returning uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/** Create a seeded uniform generator (mulberry32). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draw from a normal distribution with the given mean and standard deviation (Box-Muller). */
export function gaussian(rng: Rng, mean: number, sd: number): number {
  // 1 - u keeps the argument of log in (0, 1].
  const u = 1 - rng();
  const v = rng();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draw uniformly from [min, max). */
export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}
