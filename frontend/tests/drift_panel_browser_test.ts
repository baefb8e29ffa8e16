/**
 * The drift verdicts in the Models panel, in Chromium against a real backend
 * fed `voltage_scale=1.02` traffic: voltage says drift with its KS figures,
 * and the report link opens the backend's report through the UI's proxy.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startBackend } from "../../testing/backend_process.ts";
import { skipUnless } from "../../testing/tools.ts";
import { predictBodies } from "../../loadtest/payload.ts";
import { buildUi, CHROMIUM_ARGS, CHROMIUM_PATH, startUi, type UiProcess } from "./_stack.ts";

Deno.test({
  name:
    "Models panel in Chromium: drift verdicts of shifted traffic and the report behind the link",
  ignore: skipUnless("chromium"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await buildUi();
    const backend = await startBackend({ env: { DRIFT_MIN_READINGS: "300" } });
    let ui: UiProcess | null = null;
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      for (const body of predictBodies(8, 64, { seed: 4, shift: { voltageScale: 1.02 } })) {
        const res = await fetch(`${backend.url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      ui = await startUi({ BACKEND_URL: backend.url });
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(ui.url, { waitUntil: "networkidle" });
      await page.locator("#drift-verdict").getByText("drift", { exact: true }).waitFor({
        timeout: 15_000,
      });
      const voltage = page.locator('#models-drift tr[data-feature="voltage"]');
      assert.match(await voltage.innerText(), /^voltage\s+drift\s+0\.\d{3}\s+\d\.\de-\d+/);
      assert.match(
        await page.locator('#models-drift tr[data-feature="frequency"]').innerText(),
        /no drift/,
      );
      const [report] = await Promise.all([
        context.waitForEvent("page"),
        page.locator("#drift-report-link").click(),
      ]);
      await report.waitForLoadState();
      assert.equal(await report.title(), "Drift report: drift");
      assert.equal(await report.locator("svg[role=img]").count(), 3);
    } finally {
      await browser.close();
      await ui?.stop();
      await backend.stop();
    }
  },
});
