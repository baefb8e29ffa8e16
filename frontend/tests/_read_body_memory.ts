/**
 * The memory scenario of read_body_test.ts, run as its own process: `deno test
 * --parallel` runs test files as workers of one process, so an in-process RSS
 * reading also counts whatever the other files allocate meanwhile. Prints one
 * JSON line: the answer's status and body, whether the backend saw the body
 * exactly, and the RSS growth in MiB.
 */
import { print } from "../../lib/logger.ts";
import { startFakeBackend } from "./_fake_backend.ts";
import { openRaw } from "./_raw_client.ts";
import { serveUi } from "./_ui_server.ts";

const backend = startFakeBackend();
const ui = serveUi(backend.url, { maxBodyBytes: 65_536, bodyTimeoutMs: 60_000 });
try {
  const json = JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] });
  const body = json + " ".repeat(20_000 - json.length);
  const before = Deno.memoryUsage().rss;
  let peak = before;
  const req = await openRaw(ui.port, "POST", "/api/predict", {
    "content-type": "application/json",
    "transfer-encoding": "chunked",
  });
  for (let i = 0; i < body.length; i++) {
    await req.chunk(body[i]);
    if (i % 500 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  await req.chunk("");
  const answer = await req.answer();
  peak = Math.max(peak, Deno.memoryUsage().rss);
  print(JSON.stringify({
    status: answer.status,
    body: answer.body,
    backendSawBody: backend.seen[0]?.body === body,
    growthMb: (peak - before) / 1_048_576,
  }));
} finally {
  await ui.close();
  await backend.close();
}
