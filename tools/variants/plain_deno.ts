/**
 * The framework-swap exercise (the original workshop swapped FastAPI for
 * LitServe): the same API contract on plain `Deno.serve`, with no Hono. It
 * reuses everything below the HTTP layer (config, detector, validation,
 * scoring, metrics, problem details, docs) and replaces only routing and
 * middleware. `backend/tests/contract.ts` runs against both.
 *
 * Run: `deno task backend:plain` (same environment variables, one worker).
 * Left out on purpose, to stay minimal: WORKERS, `/simulate`, the in-flight
 * limit and request logging.
 */
import { configFromEnvOrExit } from "../../backend/config.ts";
import { renderDocsPage } from "../../backend/http/docs_page.ts";
import { FEATURES } from "../../backend/detector/mod.ts";
import { createLogger } from "../../lib/logger.ts";
import { createMetrics, methodLabel, METRICS_CONTENT_TYPE } from "../../backend/metrics/metrics.ts";
import { createModelLoader } from "../../backend/process/model_codec.ts";
import { openApiDocument } from "../../backend/http/openapi.ts";
import { HttpError, problemResponse } from "../../lib/problem.ts";
import { readJson } from "../../backend/http/read_json.ts";
import { requireDetector, scoreRequest } from "../../backend/predict/score.ts";
import { ServiceState } from "../../backend/predict/state.ts";

const config = configFromEnvOrExit();
const logger = createLogger({ service: "anomaly-backend-plain" }, { level: config.logLevel });
const servedBy = `${config.podName}:${Deno.pid}`;
const state = new ServiceState();
const metrics = createMetrics();
state.onChange((s) => metrics.modelReady.set(s === "ready" ? 1 : 0));
// The reading schema follows the loaded model's features; rarely fetched, so built per request.
const openapi = () =>
  JSON.stringify(openApiDocument({
    maxBatch: config.maxBatch,
    maxBodyBytes: config.maxBodyBytes,
    ...(state.detector ? { features: state.detector.info.features } : {}),
  }));
const docs = renderDocsPage();

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const routes: Record<string, Record<string, (req: Request) => Promise<Response> | Response>> = {
  "/predict": {
    POST: async (req) => {
      const detector = requireDetector(state);
      const body = await readJson(req, {
        maxBytes: config.maxBodyBytes,
        timeoutMs: config.bodyTimeoutMs,
      });
      return json(scoreRequest(detector, body, { metrics, maxBatch: config.maxBatch, servedBy }));
    },
  },
  "/health": {
    GET: () =>
      json({
        status: "ok",
        model: "isolation_forest",
        features: FEATURES,
        state: state.status,
        served_by: servedBy,
      }),
  },
  "/ready": {
    GET: () =>
      json(
        { status: state.status, ready: state.ready, reason: state.reason },
        state.ready ? 200 : 503,
      ),
  },
  "/model": { GET: () => json({ ...requireDetector(state).info, served_by: servedBy }) },
  "/metrics": {
    GET: async () =>
      new Response(await metrics.registry.metrics(), {
        headers: { "content-type": METRICS_CONTENT_TYPE },
      }),
  },
  "/openapi.json": {
    GET: () => new Response(openapi(), { headers: { "content-type": "application/json" } }),
  },
  "/docs": {
    GET: () => new Response(docs, { headers: { "content-type": "text/html; charset=utf-8" } }),
  },
};

async function handle(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  const route = routes[path];
  const start = performance.now();
  let res: Response;
  try {
    if (!route) {
      throw new HttpError(
        "not-found",
        `No route for ${req.method.slice(0, 40)} ${path.slice(0, 200)}; see /docs`,
      );
    }
    const handler = route[req.method];
    if (!handler) {
      const allow = Object.keys(route).join(", ");
      throw new HttpError(
        "method-not-allowed",
        `${req.method.slice(0, 40)} is not allowed on ${path}; use ${allow}`,
        {
          headers: { allow },
        },
      );
    }
    res = await handler(req);
  } catch (err) {
    if (!(err instanceof HttpError)) logger.error("unhandled_error", { error: String(err) });
    res = problemResponse(
      err instanceof HttpError ? err : new HttpError("internal", "The server failed"),
    );
  }
  const label = route ? path : "other";
  const method = methodLabel(req.method);
  metrics.requestsTotal.inc({ path: label, method, status: String(res.status) });
  metrics.requestLatency.observe(
    { path: label, method },
    (performance.now() - start) / 1000,
  );
  return res;
}

const server = Deno.serve({
  hostname: config.host,
  port: config.port,
  onListen: (addr) =>
    logger.info("listening", { host: addr.hostname, port: addr.port, workers: 1 }),
}, handle);
createModelLoader(config, logger).load().then(
  (detector) => state.setReady(detector),
  (err) => state.setFailed(err instanceof Error ? err.message : String(err)),
);
const stop = () => {
  state.startDraining();
  server.shutdown().then(() => Deno.exit(0));
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
