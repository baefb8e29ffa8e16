import assert from "node:assert/strict";
import { localUrl, probe } from "./healthcheck.ts";

Deno.test("probe() exits 0 for 2xx and 1 for an error status or no server", async () => {
  let status = 200;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x", { status }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/ready`;
  try {
    assert.equal(await probe(url), 0);
    status = 503;
    assert.equal(await probe(url), 1);
  } finally {
    await server.shutdown();
  }
  assert.equal(await probe(url, { timeoutMs: 500 }), 1);
});

Deno.test("localUrl() uses PORT when set, else the default port", () => {
  const saved = Deno.env.get("PORT");
  try {
    Deno.env.delete("PORT");
    assert.equal(localUrl("/ready", 8000), "http://127.0.0.1:8000/ready");
    Deno.env.set("PORT", "9123");
    assert.equal(localUrl("/health", 8501), "http://127.0.0.1:9123/health");
  } finally {
    if (saved === undefined) Deno.env.delete("PORT");
    else Deno.env.set("PORT", saved);
  }
});
