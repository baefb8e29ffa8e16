/**
 * Entry point of the backend image (both Dockerfile.backend targets):
 * `healthcheck` probes /ready on the local port and exits 0 or 1; `train
 * [flags]` runs the trainer exactly as `deno task train` does (the
 * retraining Job: `train --register --alias challenger`); `stream` runs the
 * stream scorer as `deno task stream` does (docs/STREAMING.md); anything
 * else starts the backend exactly as `deno task backend` does.
 */
import { localUrl, probe } from "./healthcheck.ts";

if (Deno.args[0] === "healthcheck") {
  Deno.exit(await probe(localUrl("/ready", 8000)));
} else if (Deno.args[0] === "train") {
  // Literal specifiers, so `deno compile` includes the trainer's module graph too.
  const { main } = await import("../tools/cli/train.ts");
  const { runCli } = await import("../tools/cli/_common.ts");
  Deno.exit(await runCli(main, { tool: "train", args: Deno.args.slice(1) }));
} else if (Deno.args[0] === "stream") {
  // Literal, as above: the scorer's graph (the Kafka client included) is in the image.
  await import("../backend/stream/main.ts");
} else {
  // A literal specifier, so `deno compile` and `deno install --entrypoint`
  // include the backend's whole module graph.
  await import("../backend/main.ts");
}
