/**
 * The drift report in a real browser with the network cut: Debian's Chromium
 * (playwright-core) opens the page `deno task drift` wrote, every request the
 * page would make is refused and counted, and the histograms must be drawn.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { main } from "./drift.ts";
import { main as train } from "./train.ts";
import { readingsCsv, runMain, withTempDir } from "./_testing.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { skipUnless } from "../../testing/tools.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../frontend/tests/_stack.ts";

Deno.test({
  name: "the drift report renders in Chromium with no network: verdicts, tables and histograms",
  ignore: skipUnless("chromium"),
  // playwright-core keeps its own pipes and timers to the browser process.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withTempDir(async (dir) => {
      await runMain(train, "train", [
        "--n-estimators",
        "30",
        "--training-size",
        "2000",
        "--model-dir",
        dir,
      ]);
      await Deno.writeTextFile(
        `${dir}/recent.csv`,
        readingsCsv(simulate(1_500, { seed: 5, shift: { voltageScale: 1.02 } })),
      );
      await runMain(main, "drift", [
        "--csv",
        `${dir}/recent.csv`,
        "--out",
        `${dir}/report.html`,
        "--model-dir",
        dir,
      ]);
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      try {
        const context = await browser.newContext({ offline: true });
        const page = await context.newPage();
        const requested: string[] = [];
        await context.route("**/*", (route) => {
          const url = route.request().url();
          if (url.startsWith("file://")) return route.continue();
          requested.push(url);
          return route.abort();
        });
        const errors: string[] = [];
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        await page.goto(`file://${dir}/report.html`);
        assert.match(await page.title(), /^Drift report: drift$/);
        assert.equal(await page.locator("h2 .v.drift").first().textContent(), "drift");
        const svgs = page.locator("svg[role=img]");
        assert.equal(await svgs.count(), 3);
        for (let i = 0; i < 3; i++) {
          const box = await svgs.nth(i).boundingBox();
          assert.ok(box && box.width > 100 && box.height > 50, `histogram ${i} is drawn`);
          assert.ok(await svgs.nth(i).locator("rect").count() > 10);
        }
        assert.equal(
          await page.locator("section", { hasText: "voltage" }).locator("path.cur").count(),
          1,
        );
        assert.deepEqual(requested, [], "the page asked for nothing beyond itself");
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    });
  },
});
