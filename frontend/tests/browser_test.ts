/**
 * The UI in a real browser: Debian's Chromium driven by playwright-core,
 * against the real backend and UI processes on free ports. Screenshots go to
 * `frontend/tests/.artifacts/` (git-ignored); step timings and the first-load
 * JavaScript size are printed and written to `.artifacts/browser.json`.
 */
import assert from "node:assert/strict";
import { assertNoAxeViolations } from "./_a11y.ts";
import { chromium, type Page } from "playwright-core";
import { print } from "../../lib/logger.ts";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { skipUnless } from "../../testing/tools.ts";
import {
  ARTIFACTS,
  buildUi,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  gzipSize,
  startUi,
  type UiProcess,
} from "./_stack.ts";

/** Budget from the issue: JavaScript shipped on first load, gzipped. */
const JS_BUDGET_BYTES = 150 * 1024;

async function number(page: Page, selector: string): Promise<number> {
  return Number(await page.locator(selector).getAttribute("data-value"));
}

Deno.test({
  name: "UI in Chromium, single-meter page: load, stream, inject, burst, backend down and back",
  ignore: skipUnless("chromium"),
  // playwright-core keeps its own pipes and timers to the browser process.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const timings: Record<string, number> = {};
    const timed = async (name: string, fn: () => Promise<void>) => {
      const start = performance.now();
      await t.step(name, fn);
      timings[name] = Math.round(performance.now() - start);
    };
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });

    await buildUi();
    // The page learns MAX_BATCH from the backend; the restarted backend takes
    // fewer, so the open page can provoke its 422 (last step).
    const backendEnv = { DRAIN_DELAY_S: "0", MAX_BATCH: "500" };
    let backend: BackendProcess | null = await startBackend({ env: backendEnv });
    const backendPort = backend.port;
    let ui: UiProcess | null = null;
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    let jsGzipBytes = 0;
    let jsBytes = 0;
    let jsTransferBytes = 0;
    try {
      ui = await startUi({ BACKEND_URL: backend.url, UPSTREAM_TIMEOUT_MS: "3000" });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      page.on("console", (m) => {
        if (m.type() === "error" && !/Failed to load resource/.test(m.text())) {
          pageErrors.push(m.text());
        }
      });
      const scripts: Promise<void>[] = [];
      page.on("response", (res) => {
        if (res.request().resourceType() !== "script") return;
        scripts.push(
          res.body().then(async (body) => {
            // Await first, then add: `x += await y` would read x before the await.
            const gzipped = await gzipSize(new Uint8Array(body));
            // What actually crossed the wire (the UI serves static files gzipped).
            const { responseBodySize } = await res.request().sizes();
            jsBytes += body.byteLength;
            jsGzipBytes += gzipped;
            jsTransferBytes += responseBodySize;
          }),
        );
      });

      await timed(
        "load the page: every island hydrates, backend is ready, JS within budget",
        async () => {
          await page.goto(`${ui!.url}/meter`, { waitUntil: "networkidle" });
          await page.waitForFunction(() =>
            document.querySelectorAll("[data-island][data-hydrated]").length === 5
          );
          await page.waitForSelector("#backend-phase[data-phase=ready]");
          await page.waitForSelector("#model-info dd code");
          await Promise.all(scripts);
          assert.ok(jsGzipBytes > 10_000, `only ${jsGzipBytes} bytes of JS seen`);
          assert.ok(
            jsGzipBytes <= JS_BUDGET_BYTES,
            `first load ships ${jsGzipBytes} bytes of JS gzipped`,
          );
          assert.ok(
            jsTransferBytes <= JS_BUDGET_BYTES,
            `first load transfers ${jsTransferBytes} bytes of JS`,
          );
          assert.equal(await page.inputValue("#backend-url"), backend!.url);
          assert.equal(await page.locator("#backend-url").getAttribute("readonly"), "");
          assert.equal(await page.locator("#batch-size").getAttribute("max"), "500");
          assert.match(await page.locator("#batch-size-help").innerText(), /backend's MAX_BATCH/);
          await shot(page, "01-loaded");
        },
      );

      await timed("Start Streaming: points and charts grow", async () => {
        await page.fill("#interval", "0.1");
        await page.getByRole("button", { name: "Start Streaming" }).click();
        await page.waitForFunction(() =>
          Number(document.querySelector("#chart-voltage")?.getAttribute("data-points")) >= 200
        );
        const before = await number(page, "#stat-points");
        await page.waitForFunction(
          (n) => Number(document.querySelector("#stat-points")?.getAttribute("data-value")) > n,
          before,
        );
        for (const id of ["#chart-current", "#chart-frequency"]) {
          assert.ok(Number(await page.locator(id).getAttribute("data-points")) > 0, id);
        }
        assert.ok(await number(page, "#stat-requests") >= 2);
        assert.notEqual(await page.locator("#stat-latency-p95").getAttribute("data-value"), "—");
        await page.getByRole("button", { name: "Stop Streaming" }).click();
        await shot(page, "02-streaming");
      });

      await timed("Inject Extreme Reading: marker and reason within 2 s", async () => {
        const flaggedBefore = Number(
          await page.locator("#chart-voltage").getAttribute("data-flagged"),
        );
        const started = performance.now();
        await page.getByRole("button", { name: "Inject Extreme Reading" }).click();
        const row = page.locator("#anomaly-table tbody tr", { hasText: "275.0 V" }).first();
        await row.waitFor({ timeout: 2_000 });
        await page.waitForFunction(
          (n) => Number(document.querySelector("#chart-voltage")?.getAttribute("data-flagged")) > n,
          flaggedBefore,
          { timeout: 2_000 },
        );
        timings["inject → marker and reason (ms)"] = Math.round(performance.now() - started);
        const text = await row.innerText();
        assert.match(text, /EN 50160/);
        assert.match(text, /anomalous/);
        assert.match(await page.locator("#stream-status").innerText(), /flagged as an anomaly/);
        await shot(page, "03-injected");
      });

      await timed("Confirm an anomaly: the models panel counts it for the champion", async () => {
        const row = page.locator("#anomaly-table tbody tr", { hasText: "275.0 V" }).first();
        await row.getByRole("button", { name: /^Confirm anomaly/ }).click();
        await row.getByText("✔ confirmed").waitFor({ timeout: 5_000 });
        await page.waitForFunction(
          () =>
            /sha256:[0-9a-f]{12}/.test(
              document.querySelector("#models-aliases")?.textContent ?? "",
            ),
        );
        // The panel polls every 5 s: the confirmed alarm shows as a true positive.
        await page.locator("#models-feedback tbody tr", { hasText: "sha256:" }).waitFor({
          timeout: 12_000,
        });
        assert.match(await page.locator("#models-feedback").innerText(), /100\.0 %/);
        await shot(page, "03b-feedback");
      });

      await timed(
        "a burst finishes with its progress bar and the per-instance chart updates",
        async () => {
          const before = Number(await page.locator("#instance-chart").getAttribute("data-total"));
          await page.fill("#burst-requests", "60");
          await page.fill("#burst-concurrency", "6");
          await page.fill("#burst-cycles", "2");
          await page.fill("#burst-pauseMs", "0.2");
          await page.getByRole("button", { name: "Run Burst" }).click();
          await page.waitForSelector("#burst-result[data-state=done]", { timeout: 20_000 });
          const progress = page.locator("#burst-progress");
          assert.equal(await progress.getAttribute("value"), "120");
          assert.equal(await progress.getAttribute("max"), "120");
          assert.equal(await number(page, "#burst-ok"), 120);
          await page.waitForFunction(
            (n) =>
              Number(document.querySelector("#instance-chart")?.getAttribute("data-total")) >=
                n + 120,
            before,
          );
          assert.match(await page.locator("#instance-table").innerText(), /\d+/);
          await shot(page, "04-burst");
        },
      );

      await timed("stop the backend: a clear error", async () => {
        const stopping = performance.now();
        await backend!.stop("SIGTERM");
        timings["backend SIGTERM → exit (ms)"] = Math.round(performance.now() - stopping);
        backend = null;
        await page.getByRole("button", { name: "Generate Batch" }).click();
        const alert = page.locator("#stream-problem[role=alert]");
        await alert.waitFor({ timeout: 5_000 });
        assert.match(await alert.innerText(), /Backend unreachable \(HTTP 502\)/);
        assert.match(await alert.innerText(), /connection refused/);
        await page.waitForSelector("#backend-phase[data-phase=unreachable]", { timeout: 10_000 });
        assert.match(await page.locator("#backend-problem").innerText(), /Backend unreachable/);
        await shot(page, "05-backend-down");
      });

      await timed("restart the backend: the page recovers without a reload", async () => {
        backend = await startBackend({
          env: { ...backendEnv, MAX_BATCH: "300", PORT: String(backendPort) },
        });
        await page.waitForSelector("#backend-phase[data-phase=ready]", { timeout: 15_000 });
        assert.equal(await page.locator("#backend-problem").count(), 0);
        const before = await number(page, "#stat-points");
        await page.getByRole("button", { name: "Generate Batch" }).click();
        await page.waitForFunction(
          (n) => Number(document.querySelector("#stat-points")?.getAttribute("data-value")) > n,
          before,
        );
        assert.equal(await page.locator("#stream-problem").count(), 0);
        await shot(page, "06-recovered");
      });

      await timed(
        "keyboard only: every control has a label and streaming toggles with Enter and Space",
        async () => {
          for (
            const label of [
              "Batch size",
              "Interval (seconds)",
              "Anomaly rate",
              "New connection each request",
              "Requests per cycle",
              "Concurrency",
              "Cycles",
              "Pause between cycles (s)",
            ]
          ) {
            assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
          }
          await page.getByLabel("New connection each request", { exact: true }).focus();
          await page.keyboard.press("Space");
          assert.equal(await page.isChecked("#new-connection"), true);
          const start = page.getByRole("button", { name: "Start Streaming" });
          await start.focus();
          await page.keyboard.press("Enter");
          await page.waitForSelector("button[aria-pressed=true]");
          const before = await number(page, "#stat-requests");
          await page.waitForFunction(
            (n) =>
              Number(document.querySelector("#stat-requests")?.getAttribute("data-value")) > n + 2,
            before,
          );
          await page.getByRole("button", { name: "Stop Streaming" }).focus();
          await page.keyboard.press("Space");
          await page.waitForSelector("button[aria-pressed=false]");
          await page.getByLabel("New connection each request", { exact: true }).uncheck();
        },
      );

      await timed("a backend 4xx is shown with its problem detail", async () => {
        // Within what the page learned at load (500), beyond the restarted backend's 300.
        await page.fill("#batch-size", "400");
        await page.getByRole("button", { name: "Generate Batch" }).click();
        const alert = page.locator("#stream-problem[role=alert]");
        await alert.waitFor({ timeout: 5_000 });
        const text = await alert.innerText();
        assert.match(text, /\(HTTP 422\)/);
        assert.match(text, /the limit is 300 per request \(MAX_BATCH\)/);
        await shot(page, "07-backend-422");
        await page.fill("#batch-size", "32");
        await page.getByRole("button", { name: "Generate Batch" }).click();
        await page.locator("#stream-problem").waitFor({ state: "detached", timeout: 5_000 });
      });

      await timed("axe-core finds no WCAG 2.1 A/AA or best-practice violations", async () => {
        // A second page that may inject axe's script despite the CSP.
        const audit = await browser.newPage({
          viewport: { width: 1400, height: 1000 },
          bypassCSP: true,
        });
        try {
          await audit.goto(`${ui!.url}/meter`);
          await audit.waitForFunction(() =>
            document.querySelectorAll("[data-island][data-hydrated]").length === 5
          );
          await audit.getByRole("button", { name: "Inject Extreme Reading" }).click();
          await audit.locator("#anomaly-table tbody tr[data-seq]").first().waitFor();
          await audit.waitForSelector("#model-info dd code");
          await assertNoAxeViolations(audit);
        } finally {
          await audit.close();
        }
      });

      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      await ui?.stop();
      await backend?.stop("SIGTERM");
      const report = { jsBytes, jsGzipBytes, jsTransferBytes, timingsMs: timings };
      await Deno.writeTextFile(
        new URL("browser.json", ARTIFACTS),
        JSON.stringify(report, null, 2) + "\n",
      );
      print(
        `[browser] first-load JS ${(jsGzipBytes / 1024).toFixed(1)} KB gzipped, ` +
          `${(jsTransferBytes / 1024).toFixed(1)} KB transferred, ${
            (jsBytes / 1024).toFixed(1)
          } KB raw`,
      );
      for (const [name, ms] of Object.entries(timings)) print(`[browser] ${ms} ms  ${name}`);
    }
  },
});
