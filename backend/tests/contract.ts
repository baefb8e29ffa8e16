/**
 * The API contract as a suite that runs against any base URL: the Hono
 * backend, the plain `Deno.serve` variant of the framework-swap exercise, or
 * a deployment behind a port-forward. Each check returns nothing or throws.
 */
import assert from "node:assert/strict";
import { EXTREME_READING, simulate, toReading } from "../../lib/simulator/simulator.ts";

/** One named contract check. */
export interface ContractCheck {
  name: string;
  run(baseUrl: string): Promise<void>;
}

async function postJson(baseUrl: string, body: unknown): Promise<Response> {
  return await fetch(`${baseUrl}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectProblem(res: Response, status: number, detail: RegExp): Promise<void> {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const body = await res.json();
  assert.equal(body.status, status);
  assert.match(body.detail, detail);
  assert.equal(body.error, body.detail);
}

/** Every check of the contract (the API table of README.md, checked against any base URL). */
export const CONTRACT: readonly ContractCheck[] = [
  {
    name: "GET /health answers with status ok, the model name and the features",
    async run(base) {
      const res = await fetch(`${base}/health`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.status, "ok");
      assert.equal(body.model, "isolation_forest");
      assert.deepEqual(body.features, ["voltage", "current", "frequency"]);
    },
  },
  {
    name: "GET /ready is 200 when the model is loaded",
    async run(base) {
      const res = await fetch(`${base}/ready`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    },
  },
  {
    name: "POST /predict scores every reading in order and flags the workshop's extreme reading",
    async run(base) {
      const normal = simulate(20, { seed: 11 }).map(toReading);
      const res = await postJson(base, { readings: [...normal, EXTREME_READING] });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.total, 21);
      assert.equal(body.predictions.length, 21);
      assert.equal(typeof body.served_by, "string");
      assert.equal(typeof body.model_version, "string");
      for (const p of body.predictions) {
        assert.equal(typeof p.anomaly, "boolean");
        assert.ok(p.score > 0 && p.score < 1, `score ${p.score} outside (0, 1)`);
      }
      const extreme = body.predictions[20];
      assert.equal(extreme.anomaly, true);
      assert.ok(extreme.reasons.length > 0);
      assert.equal(
        body.anomalies,
        body.predictions.filter((p: { anomaly: boolean }) => p.anomaly).length,
      );
      // Normal operation is mostly not flagged at 5 % contamination.
      assert.ok(body.anomalies <= 5, `${body.anomalies} of 20 normal readings flagged`);
    },
  },
  {
    name: "POST /predict scores higher for a more abnormal reading",
    async run(base) {
      const res = await postJson(base, {
        readings: [{ voltage: 230, current: 10, frequency: 50 }, {
          voltage: 300,
          current: 40,
          frequency: 51,
        }],
      });
      const [normal, extreme] = (await res.json()).predictions;
      assert.ok(extreme.score > normal.score);
    },
  },
  {
    name:
      "POST /predict flags a physically impossible reading as a sensor fault without losing the batch",
    async run(base) {
      const res = await postJson(base, {
        readings: [{ voltage: -5, current: 10, frequency: 50 }, {
          voltage: 230,
          current: 10,
          frequency: 50,
        }],
      });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.total, 2);
      assert.equal(body.predictions[0].anomaly, true);
      assert.ok(
        body.predictions[0].reasons.some((r: { code: string }) => r.code === "sensor_fault"),
      );
    },
  },
  {
    name:
      "POST /predict ignores unknown keys and takes null for an optional field (as the original did)",
    async run(base) {
      const res = await postJson(base, {
        readings: [{ voltage: 230, current: 10, frequency: 50, timestamp: null, sensor_id: "s-1" }],
        source: "load.py",
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).total, 1);
    },
  },
  {
    name: "POST /predict with malformed JSON is 400",
    async run(base) {
      await expectProblem(await postJson(base, '{"readings":['), 400, /JSON/);
    },
  },
  {
    name: "POST /predict with a bad field is 422 naming the field",
    async run(base) {
      const res = await postJson(base, {
        readings: [{ voltage: 230, current: 10, frequency: 50 }, {
          voltage: "230",
          current: 1,
          frequency: 50,
        }],
      });
      await expectProblem(res, 422, /readings\[1\]\.voltage must be a finite number/);
    },
  },
  {
    name: "POST /predict with an empty batch is 422",
    async run(base) {
      await expectProblem(await postJson(base, { readings: [] }), 422, /at least 1 reading/);
    },
  },
  {
    name: "POST /predict without a JSON Content-Type is 415",
    async run(base) {
      const res = await fetch(`${base}/predict`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "text/plain" },
      });
      await expectProblem(res, 415, /Content-Type must be application\/json/);
    },
  },
  {
    name: "GET /predict is 405 with Allow: POST",
    async run(base) {
      const res = await fetch(`${base}/predict`);
      assert.equal(res.headers.get("allow"), "POST");
      await expectProblem(res, 405, /not allowed/);
    },
  },
  {
    name: "GET /model reports version, config and threshold",
    async run(base) {
      const body = await (await fetch(`${base}/model`)).json();
      assert.equal(typeof body.version, "string");
      assert.equal(typeof body.threshold, "number");
      assert.equal(typeof body.config.contamination, "number");
    },
  },
  {
    name: "GET /metrics exposes the workshop's metric names",
    async run(base) {
      const text = await (await fetch(`${base}/metrics`)).text();
      for (
        const name of [
          "requests_total",
          "request_latency_seconds",
          "inference_latency_seconds",
          "anomalies_total",
        ]
      ) {
        assert.match(
          text,
          new RegExp(`^# TYPE ${name} (counter|histogram)$`, "m"),
          `${name} missing`,
        );
      }
      assert.match(text, /requests_total\{path="\/predict",method="POST",status="200"\} \d+/);
    },
  },
  {
    name: "GET /openapi.json and GET /docs are served",
    async run(base) {
      const doc = await (await fetch(`${base}/openapi.json`)).json();
      assert.ok(doc.paths["/predict"].post);
      const docs = await fetch(`${base}/docs`);
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /<html/);
    },
  },
];
