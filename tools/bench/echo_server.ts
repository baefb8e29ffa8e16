/**
 * The ceiling for `deno task bench`: a plain `Deno.serve` JSON echo server
 * (parse the body, serialize it back) with no framework, validation, model or
 * metrics. What the real service loses against it is the cost of everything
 * it does on top of HTTP and JSON.
 *
 * `PORT` (default 0 = any free port), `HOST` (default 127.0.0.1); prints one
 * JSON line `{"event":"listening","port":N}` once it listens.
 */
import { print } from "../../lib/logger.ts";

if (import.meta.main) {
  Deno.serve(
    {
      hostname: Deno.env.get("HOST") ?? "127.0.0.1",
      port: Number(Deno.env.get("PORT") ?? 0),
      onListen: ({ port }) => print(JSON.stringify({ event: "listening", port })),
    },
    async (req) => {
      if (req.method !== "POST") return Response.json({ status: "ok" });
      return Response.json(await req.json());
    },
  );
}
