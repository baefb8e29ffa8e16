import assert from "node:assert/strict";
import type { ProxyHandler } from "../../proxy.ts";
import { routeContext } from "../../tests/_route_context.ts";
import { handler } from "./[...path].ts";

Deno.test("the /api/* route hands the proxy the backend path and the client's address", async () => {
  const calls: [string, string, string | undefined][] = [];
  const proxy: ProxyHandler = (req, path, clientIp) => {
    calls.push([req.method, path, clientIp]);
    return Promise.resolve(new Response(null, { status: 204 }));
  };
  const remoteAddr: Deno.NetAddr = { transport: "tcp", hostname: "10.0.0.7", port: 4242 };
  const ctx = routeContext({ proxy }, { remoteAddr });
  await handler(new Request("http://ui/api/models/aliases/champion?x=1", { method: "PUT" }), ctx);
  await handler(new Request("http://ui/api/predict"), routeContext({ proxy }));
  assert.deepEqual(calls, [
    ["PUT", "/models/aliases/champion", "10.0.0.7"],
    ["GET", "/predict", undefined],
  ]);
});
