import assert from "node:assert/strict";
import { followState, ProbeBoard, STALL_MS } from "./probe_board.ts";
import { ServiceState } from "../predict/state.ts";
import { smallModel } from "../tests/_models.ts";

Deno.test("ProbeBoard.readiness() is 200 only once every isolate is ready, and 503 naming a status otherwise", () => {
  const board = new ProbeBoard(2);
  const now = Date.now();
  board.slot(0).beat();
  board.slot(1).beat();
  assert.deepEqual(board.readiness(now), { status: 503, body: { status: "loading" } });
  board.slot(0).setStatus("ready");
  assert.equal(board.readiness(now).status, 503);
  board.slot(1).setStatus("ready");
  assert.deepEqual(board.readiness(now), { status: 200, body: { status: "ready" } });
  board.slot(1).setStatus("draining");
  assert.deepEqual(board.readiness(now), { status: 503, body: { status: "draining" } });
  assert.equal(board.health(now).status, 200);
});

Deno.test("ProbeBoard.health() answers 503 naming the isolate whose heartbeat is older than STALL_MS", () => {
  const board = new ProbeBoard(2);
  // No heartbeat yet: starting up, not stalled.
  assert.equal(board.health().status, 200);
  board.slot(0).beat();
  board.slot(1).beat();
  const later = Date.now() + STALL_MS + 1;
  assert.deepEqual(board.health(later), {
    status: 503,
    body: { status: "stalled", stalled_isolates: [0, 1] },
  });
  assert.equal(board.readiness(later).status, 503);
  assert.throws(() => board.slot(2), RangeError);
});

Deno.test("ProbeBoard over a shared buffer sees what another view wrote", () => {
  const board = new ProbeBoard(1);
  new ProbeBoard(board.buffer).slot(0).setStatus("ready");
  board.slot(0).beat();
  assert.equal(board.readiness().status, 200);
});

Deno.test("followState() mirrors a ServiceState's status and beats until stopped", async () => {
  const board = new ProbeBoard(1);
  const state = new ServiceState();
  const stop = followState(board.slot(0), state);
  try {
    assert.deepEqual(board.readiness().body, { status: "loading" });
    state.setReady(await smallModel());
    assert.equal(board.readiness().status, 200);
    state.startDraining();
    assert.deepEqual(board.readiness().body, { status: "draining" });
  } finally {
    stop();
  }
});
