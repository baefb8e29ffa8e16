import assert from "node:assert/strict";
import { predictRoutes } from "./predict.ts";
import { loadConfig } from "../../config.ts";
import { createMetrics } from "../../metrics/metrics.ts";
import { ServiceState } from "../../predict/state.ts";
import { FAKE_INFO, FakeDetector } from "../../tests/_fake_detector.ts";
import { HttpError, problemResponse } from "../../../lib/problem.ts";
import type { Prediction, Reading } from "../../detector/mod.ts";

const BODY = '{"readings":[{"voltage":230,"current":10,"frequency":50}]}';

function routes(
  state: ServiceState,
  onScored?: (r: readonly Reading[], p: readonly Prediction[]) => void,
) {
  const app = predictRoutes({
    state,
    metrics: createMetrics(),
    config: loadConfig({ MAX_BATCH: "10" }),
    servedBy: "pod:1",
    ...(onScored ? { onScored } : {}),
  });
  app.onError((err) => problemResponse(err as HttpError, "test"));
  return app;
}

/** A request body that sends `first`, then waits for `more()` before the rest. */
function twoPartBody(first: string, rest: string) {
  let pulls = 0;
  let more!: () => void;
  const gate = new Promise<void>((r) => (more = r));
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulls++;
      if (pulls === 1) controller.enqueue(new TextEncoder().encode(first));
      else {
        await gate;
        controller.enqueue(new TextEncoder().encode(rest));
        controller.close();
      }
    },
  }, { highWaterMark: 0 }); // pulled only when read
  return { stream, more, pulls: () => pulls };
}

Deno.test("POST /predict answers 503 before reading a byte of the body while no model is loaded", async () => {
  const state = new ServiceState();
  const body = twoPartBody(BODY, "");
  const res = await routes(state).request("/predict", {
    method: "POST",
    body: body.stream,
    headers: { "content-type": "application/json" },
  });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  assert.equal((await res.json()).detail, "Model is loading");
  assert.equal(body.pulls(), 0);
});

Deno.test("POST /predict names the model that scored it when a promotion lands during the body", async () => {
  const state = new ServiceState();
  state.setReady(new FakeDetector());
  const told: number[] = [];
  const app = routes(state, (readings) => told.push(readings.length));
  const body = twoPartBody(BODY.slice(0, 20), BODY.slice(20));
  const pending = app.request("/predict", {
    method: "POST",
    body: body.stream,
    headers: { "content-type": "application/json" },
  });
  // The old champion admitted the request; a new one is installed before the body has arrived.
  const promoted = Object.assign(new FakeDetector(), {
    info: { ...FAKE_INFO, version: "sha256:promoted0000" },
  });
  while (body.pulls() < 2) await new Promise((r) => setTimeout(r, 1));
  state.setReady(promoted);
  body.more();
  const res = await pending;
  assert.equal(res.status, 200);
  const json = await res.json();
  assert.equal(json.model_version, "sha256:promoted0000");
  assert.equal(promoted.calls, 1);
  assert.deepEqual(told, [1]);
});
