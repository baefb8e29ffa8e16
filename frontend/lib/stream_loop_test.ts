import assert from "node:assert/strict";
import { type LoopOptions, StreamLoop } from "./stream_loop.ts";

/** A loop whose ticks stay open until resolved by hand, on a fake clock. */
class Probe extends StreamLoop {
  readonly open: ((ok: boolean) => void)[] = [];
  ticks = 0;
  protected tick(): Promise<boolean> {
    this.ticks++;
    return new Promise((resolve) => this.open.push(resolve));
  }
}

function probe(overrides: Partial<LoopOptions> = {}) {
  let clock = 0;
  const said: string[] = [];
  // Each wait advances the fake clock; yielding lets resolved ticks report first.
  const sleep = async (ms: number) => {
    clock += Math.max(ms, 1);
    await new Promise((r) => setTimeout(r, 0));
  };
  const loop = new Probe({
    view: { streaming: (on) => said.push(on ? "on" : "off"), status: (t) => said.push(t) },
    intervalMs: () => 100,
    maxInFlight: 2,
    retryMs: 1_000,
    now: () => clock,
    sleep,
    ...overrides,
  });
  return { loop, said, at: () => clock };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(check(), "condition not reached");
}

Deno.test("StreamLoop overlaps at most maxInFlight ticks and skips the rest", async () => {
  const { loop } = probe();
  const done = loop.start();
  await until(() => loop.ticks === 2);
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(loop.ticks, 2, "no third tick while two are open");
  loop.open.shift()!(true);
  await until(() => loop.ticks === 3);
  loop.stop();
  for (const resolve of loop.open) resolve(true);
  await done;
});

Deno.test("StreamLoop waits retryMs after a failed tick", async () => {
  const { loop, at } = probe({ maxInFlight: 1 });
  const done = loop.start();
  await until(() => loop.ticks === 1);
  const failedAt = at();
  loop.open.shift()!(false);
  await until(() => loop.ticks === 2);
  assert.ok(at() - failedAt >= 1_000, `next tick ${at() - failedAt} ms after the failure`);
  loop.stop();
  loop.open.shift()!(true);
  await done;
});

Deno.test("StreamLoop says when it starts and stops, and a restart never resumes the old loop", async () => {
  const { loop, said } = probe({ maxInFlight: 100 });
  const first = loop.start();
  loop.toggle();
  const second = loop.start();
  assert.equal(loop.streaming, true);
  await until(() => loop.ticks >= 3);
  loop.dispose();
  await Promise.all([first, second]);
  assert.equal(loop.streaming, false);
  assert.deepEqual(said, [
    "on",
    "Streaming started.",
    "off",
    "Streaming stopped.",
    "on",
    "Streaming started.",
  ]);
});
