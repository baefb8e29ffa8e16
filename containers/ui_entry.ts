/**
 * Entry point of the UI image (both Dockerfile.ui targets): `healthcheck`
 * probes the UI server on the local port and exits 0 or 1; anything else
 * starts the UI exactly as `deno task ui` does.
 */
import { localUrl, probe } from "./healthcheck.ts";

/**
 * The path compose's healthcheck asks for; k8s/base/ui-deployment.yaml's
 * readiness probe asks for the same one. It never calls the backend, so a
 * backend outage does not mark the UI unhealthy.
 */
export const UI_HEALTH_PATH = "/health";

if (import.meta.main) {
  if (Deno.args[0] === "healthcheck") {
    Deno.exit(await probe(localUrl(UI_HEALTH_PATH, 8501)));
  } else {
    await import("../frontend/main.ts");
  }
}
