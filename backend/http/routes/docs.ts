/** `GET /openapi.json` and `GET /docs`. */
import { Hono } from "hono";
import { renderDocsPage } from "../docs_page.ts";
import { openApiDocument, type OpenApiOptions } from "../openapi.ts";
import type { ServiceState } from "../../predict/state.ts";

/** What the docs routes need: the limits, and the state whose model decides the reading schema. */
export interface DocsDeps extends OpenApiOptions {
  state?: ServiceState;
}

/** Create the docs sub-app. */
export function docsRoutes(options: DocsDeps): Hono {
  const app = new Hono();
  // Built once per served feature list: the reading schema follows the loaded model.
  let cached: { key: string; text: string } | null = null;
  const document = () => {
    const features = options.state?.detector?.info.features ?? options.features;
    const key = features?.join("\u0000") ?? "";
    if (cached?.key !== key) {
      const { maxBatch, maxBodyBytes } = options;
      cached = {
        key,
        text: JSON.stringify(
          openApiDocument({ maxBatch, maxBodyBytes, ...(features ? { features } : {}) }),
        ),
      };
    }
    return cached.text;
  };
  const page = renderDocsPage();
  app.get("/openapi.json", (c) => c.body(document(), 200, { "content-type": "application/json" }));
  app.get("/docs", (c) => c.html(page));
  return app;
}
