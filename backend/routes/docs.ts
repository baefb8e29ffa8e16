/** `GET /openapi.json` and `GET /docs`. */
import { Hono } from "hono";
import { renderDocsPage } from "../docs_page.ts";
import { openApiDocument, type OpenApiOptions } from "../openapi.ts";

/** Create the docs sub-app. */
export function docsRoutes(options: OpenApiOptions): Hono {
  const app = new Hono();
  // Built once: both depend only on configuration.
  const document = JSON.stringify(openApiDocument(options));
  const page = renderDocsPage();
  app.get("/openapi.json", (c) => c.body(document, 200, { "content-type": "application/json" }));
  app.get("/docs", (c) => c.html(page));
  return app;
}
