/** Builds an app with fake dependencies for in-process HTTP tests. */
import { createApp } from "../http/app.ts";
import { type Config, loadConfig } from "../config.ts";
import { silentLogger } from "../../lib/logger.ts";
import { createMetrics, type Metrics } from "../metrics/metrics.ts";
import { ModelLifecycle } from "../mlops/model_lifecycle.ts";
import { ServiceState } from "../predict/state.ts";
import { FakeDetector } from "./_fake_detector.ts";
import { smallModel } from "./_models.ts";
import { LabelStore } from "../store/label_store.ts";

/** Options for {@link testApp}. */
export interface TestAppOptions {
  env?: Record<string, string>;
  /** Leave the model unloaded (state "loading"). */
  notReady?: boolean;
  /** Serve a small real isolation forest instead of the transparent fake. */
  realModel?: boolean;
  /** Called after an admin call moved an alias. */
  refreshModels?: () => Promise<void>;
}

/** An app wired to a fake detector, fresh metrics and a silent logger. */
export function testApp(options: TestAppOptions = {}): {
  app: ReturnType<typeof createApp>;
  state: ServiceState;
  metrics: Metrics;
  detector: FakeDetector;
  config: Config;
  lifecycle: ModelLifecycle;
  labels: LabelStore;
} {
  const config = loadConfig({
    MAX_BATCH: "100",
    MAX_BODY_BYTES: "65536",
    // Labels go to a fresh file per app, never to the working tree.
    LABELS_DB: `${Deno.makeTempDirSync({ prefix: "test-labels-" })}/labels.db`,
    ...options.env,
  });
  const state = new ServiceState();
  const detector = new FakeDetector();
  if (!options.notReady) state.setReady(options.realModel ? smallModel() : detector);
  const metrics = createMetrics();
  const lifecycle = new ModelLifecycle({
    state,
    metrics: metrics.lifecycle,
    logger: silentLogger,
    shadowRate: config.shadowRate,
    shadowQueue: config.shadowQueue,
    drift: config.drift,
  });
  const labels = new LabelStore(config.labelsDb);
  const app = createApp({
    lifecycle,
    labels,
    config,
    state,
    metrics,
    logger: silentLogger,
    servedBy: "test-pod:1",
    ...(options.refreshModels ? { refreshModels: options.refreshModels } : {}),
  });
  return { app, state, metrics, detector, config, lifecycle, labels };
}

/** POST a JSON string to /predict. */
export function postPredict(
  app: ReturnType<typeof createApp>,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<Response> {
  return Promise.resolve(app.request("/predict", { method: "POST", body, headers }));
}
