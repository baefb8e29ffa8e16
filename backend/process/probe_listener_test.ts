import assert from "node:assert/strict";
import { ProbeBoard } from "./probe_board.ts";
import { startProbeListener } from "./probe_listener.ts";

Deno.test("startProbeListener() answers /health and /ready from the board in its own thread, 404 elsewhere", async () => {
  const board = new ProbeBoard(1);
  const listener = startProbeListener(board, { hostname: "127.0.0.1", port: 0 });
  try {
    const port = await listener.listening;
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return [res.status, await res.json()];
    };
    board.slot(0).beat();
    assert.deepEqual(await get("/health"), [200, { status: "ok", isolates: 1 }]);
    assert.deepEqual(await get("/ready"), [503, { status: "loading" }]);
    board.slot(0).setStatus("ready");
    assert.deepEqual(await get("/ready"), [200, { status: "ready" }]);
    assert.equal((await get("/predict"))[0], 404);
  } finally {
    await listener.close();
  }
});

Deno.test("startProbeListener() rejects listening when the port is taken", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const listener = startProbeListener(new ProbeBoard(1), {
    hostname: "127.0.0.1",
    port: (taken.addr as Deno.NetAddr).port,
  });
  try {
    await assert.rejects(listener.listening, /in use|Address/i);
  } finally {
    await listener.close();
    taken.close();
  }
});
