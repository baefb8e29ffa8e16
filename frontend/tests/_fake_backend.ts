/**
 * A fake backend for in-process tests: answers `/predict` like the real one
 * (one prediction per reading, flagging readings outside 207–253 V), and
 * `/health`, `/ready`, `/model`, and `/openapi.json` when given a MAX_BATCH.
 * Counts connections like the loopback server.
 */
import { openApiDocument } from "../../backend/http/openapi.ts";
import { type CountingServer, startCountingServer } from "./_loopback.ts";

/** Options for {@link startFakeBackend}. */
export interface FakeBackendOptions {
  /** `served_by` of every answer. */
  servedBy?: string;
  /** Delay before answering `/predict`. */
  delayMs?: number;
  /** Publish the backend's OpenAPI document with this MAX_BATCH (else `/openapi.json` is 404). */
  maxBatch?: number;
}

/** The fake backend: a counting server that also knows its peak concurrency. */
export interface FakeBackend extends CountingServer {
  /** Most `/predict` requests that were in flight at once. */
  maxInflight(): number;
}

/** Start the fake backend on a free loopback port. */
export function startFakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  let inflight = 0;
  let peak = 0;
  const server = startCountingServer(async (_req, seen) => {
    const path = seen.path;
    if (path === "/predict") {
      inflight++;
      peak = Math.max(peak, inflight);
      try {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const readings = JSON.parse(seen.body).readings as { voltage: number }[];
        const predictions = readings.map((r) => {
          const anomaly = r.voltage < 207 || r.voltage > 253;
          return { anomaly, score: anomaly ? 0.8 : 0.4 };
        });
        return Response.json({
          predictions,
          anomalies: predictions.filter((p) => p.anomaly).length,
          total: predictions.length,
          served_by: options.servedBy ?? "fake:1",
          model_version: "sha256:fake",
        });
      } finally {
        inflight--;
      }
    }
    if (path === "/openapi.json" && options.maxBatch !== undefined) {
      return Response.json(
        openApiDocument({ maxBatch: options.maxBatch, maxBodyBytes: 1_048_576 }),
      );
    }
    if (path === "/health") return Response.json({ status: "ok", model: "isolation_forest" });
    if (path === "/ready") return Response.json({ status: "ready", ready: true });
    if (path === "/model") {
      return Response.json({
        name: "isolation_forest",
        version: "sha256:fake",
        features: ["voltage", "current", "frequency"],
        config: {
          contamination: 0.05,
          nEstimators: 10,
          sampleSize: 64,
          seed: 1,
          trainingSize: 100,
        },
        threshold: 0.6,
        training: {},
        source: "fake",
      });
    }
    return Response.json({ type: "/docs#problem-not-found", status: 404 }, { status: 404 });
  });
  return { ...server, maxInflight: () => peak };
}
