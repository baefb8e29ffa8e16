import assert from "node:assert/strict";
import { ServiceState, type Status } from "./state.ts";
import { FakeDetector } from "../tests/_fake_detector.ts";

Deno.test("ServiceState goes loading → ready → draining and tells every listener", () => {
  const state = new ServiceState();
  const seen: Status[] = [];
  state.onChange((s) => seen.push(s));
  assert.deepEqual([state.status, state.ready, state.detector, state.reason, state.loadedAt], [
    "loading",
    false,
    null,
    "Model is loading",
    null,
  ]);
  const detector = new FakeDetector();
  state.setReady(detector);
  assert.deepEqual([state.status, state.ready, state.detector, state.reason], [
    "ready",
    true,
    detector,
    null,
  ]);
  assert.ok(!Number.isNaN(Date.parse(state.loadedAt!)), state.loadedAt!);
  state.startDraining();
  assert.deepEqual([state.status, state.ready, state.reason], ["draining", false, "Shutting down"]);
  assert.equal(state.detector, detector, "the model stays loaded while draining");
  assert.deepEqual(seen, ["ready", "draining"]);
});

Deno.test("ServiceState installs a new model while draining without becoming ready again", () => {
  const state = new ServiceState();
  state.setReady(new FakeDetector());
  state.startDraining();
  const next = new FakeDetector();
  state.setReady(next);
  assert.equal(state.status, "draining");
  assert.equal(state.detector, next);
});

Deno.test("ServiceState keeps a failed load's reason and no detector", () => {
  const state = new ServiceState();
  const seen: Status[] = [];
  state.onChange((s) => seen.push(s));
  state.setFailed("Artifact is corrupt");
  assert.deepEqual([state.status, state.ready, state.detector, state.reason], [
    "failed",
    false,
    null,
    "Artifact is corrupt",
  ]);
  assert.deepEqual(seen, ["failed"]);
});
