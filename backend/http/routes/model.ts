/** `GET /model`: metadata of the loaded model. */
import { Hono } from "hono";
import { requireDetector } from "../../predict/score.ts";
import type { ServiceState } from "../../predict/state.ts";

/** What the model route needs. */
export interface ModelDeps {
  state: ServiceState;
  servedBy: string;
  /**
   * The configured artifact (MODEL_DIR/MODEL_NAME) as `shownArtifactPath()` names it (never an
   * absolute path): shown unless the model came from another file (a registry version).
   */
  artifactPath: string;
  ratedCurrent: number;
}

/** Create the model sub-app. */
export function modelRoutes(deps: ModelDeps): Hono {
  const app = new Hono();
  app.get("/model", (c) => {
    const detector = requireDetector(deps.state);
    return c.json({
      ...detector.info,
      artifact: detector.info.artifact ?? deps.artifactPath,
      loaded_at: deps.state.loadedAt,
      rated_current: deps.ratedCurrent,
      served_by: deps.servedBy,
    });
  });
  return app;
}
