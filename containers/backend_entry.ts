/**
 * Entry point of the backend image (both Dockerfile.backend targets):
 * `healthcheck` probes /ready on the local port and exits 0 or 1; anything
 * else starts the backend exactly as `deno task backend` does.
 */
import { localUrl, probe } from "./healthcheck.ts";

if (Deno.args[0] === "healthcheck") {
  Deno.exit(await probe(localUrl("/ready", 8000)));
} else {
  // A literal specifier, so `deno compile` and `deno install --entrypoint`
  // include the backend's whole module graph.
  await import("../backend/main.ts");
}
