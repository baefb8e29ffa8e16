/**
 * Measurement, not a test: streaming from a real browser at interval 0.1 s
 * with batch 64 for 30 s, counted by the backend's own `requests_total`.
 * Prints the sustained requests per second and writes
 * `frontend/tests/.artifacts/stream_rate.json` (the target is in
 * docs/PERFORMANCE.md).
 *
 *   deno run -A frontend/tests/stream_rate.ts [seconds]
 */
import { chromium } from "playwright-core";
import { print } from "../../lib/logger.ts";
import { startBackend } from "../../testing/backend_process.ts";
import {
  ARTIFACTS,
  buildUi,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  counterTotal,
  startUi,
} from "./_stack.ts";

const seconds = Number(Deno.args[0] ?? 30);
const PREDICT_OK = { path: "/predict", method: "POST", status: "200" };

await Deno.mkdir(ARTIFACTS, { recursive: true });
await buildUi();
const backend = await startBackend({ env: { DRAIN_DELAY_S: "0" } });
const ui = await startUi({ BACKEND_URL: backend.url });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const scrape = async () =>
  counterTotal(await (await fetch(`${backend.url}/metrics`)).text(), "requests_total", PREDICT_OK);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(ui.url);
  await page.waitForFunction(() =>
    document.querySelectorAll("[data-island][data-hydrated]").length === 4
  );
  await page.fill("#batch-size", "64");
  await page.fill("#interval", "0.1");
  await page.getByRole("button", { name: "Start Streaming" }).click();
  // Warm-up, then count over the window.
  await page.waitForTimeout(2_000);
  const before = await scrape();
  const pointsBefore = Number(await page.locator("#stat-points").getAttribute("data-value"));
  const t0 = performance.now();
  await page.waitForTimeout(seconds * 1_000);
  const after = await scrape();
  const elapsed = (performance.now() - t0) / 1000;
  const pointsAfter = Number(await page.locator("#stat-points").getAttribute("data-value"));
  await page.getByRole("button", { name: "Stop Streaming" }).click();
  const result = {
    seconds: Number(elapsed.toFixed(2)),
    batchSize: 64,
    intervalS: 0.1,
    backendRequests: after - before,
    requestsPerSecond: Number(((after - before) / elapsed).toFixed(2)),
    readingsPerSecond: Math.round((pointsAfter - pointsBefore) / elapsed),
    latencyAvg: await page.locator("#stat-latency-avg").getAttribute("data-value"),
    latencyP95: await page.locator("#stat-latency-p95").getAttribute("data-value"),
    latencyP99: await page.locator("#stat-latency-p99").getAttribute("data-value"),
    failed: Number(await page.locator("#stat-errors").getAttribute("data-value")),
  };
  await Deno.writeTextFile(
    new URL("stream_rate.json", ARTIFACTS),
    JSON.stringify(result, null, 2) + "\n",
  );
  print(JSON.stringify(result));
} finally {
  await browser.close();
  await ui.stop();
  await backend.stop("SIGTERM");
}
