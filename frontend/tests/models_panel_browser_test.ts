/**
 * The Models panel in Chromium against a real backend with a registry of two
 * versions and an admin token: a wrong token is refused with the backend's
 * explanation, the right one promotes the challenger (the backend serves it
 * at once) and rolls it back, each after a confirmation that shows the
 * candidate's evaluation, live precision and shadow agreement, and the
 * challenger can be removed.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { trainModel } from "../../backend/detector/mod.ts";
import { ModelRegistry } from "../../backend/store/registry/mod.ts";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { skipUnless } from "../../testing/tools.ts";
import {
  ARTIFACTS,
  buildUi,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  startUi,
  type UiProcess,
} from "./_stack.ts";

const TOKEN = "models-panel-browser-token-0123";

async function served(backend: BackendProcess): Promise<string> {
  const res = await fetch(`${backend.url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] }),
  });
  return (await res.json()).model_version;
}

Deno.test({
  name:
    "Models panel in Chromium: refused with a wrong token, promotes and rolls back with the right one",
  ignore: skipUnless("chromium"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const dir = await Deno.makeTempDir({ prefix: "models-panel-" });
    const config = { nEstimators: 10, sampleSize: 64, seed: 3, trainingSize: 500 };
    const champion = trainModel({ ...config, contamination: 0.05 });
    const challenger = trainModel({ ...config, contamination: 0.2 });
    const registry = new ModelRegistry(dir, { retention: 10 });
    await registry.register(champion, { source: "test" });
    await registry.register(challenger, { source: "test" });
    await registry.setAlias("champion", champion.contentHash, "test");
    await registry.setAlias("challenger", challenger.contentHash, "test");
    await buildUi();
    const backend = await startBackend({ env: { MODEL_DIR: dir, ADMIN_TOKEN: TOKEN } });
    let ui: UiProcess | null = null;
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      ui = await startUi({ BACKEND_URL: backend.url });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(ui.url, { waitUntil: "networkidle" });
      const aliases = page.locator("#models-aliases");
      await aliases.getByText(`Champion ${champion.info.version}`).waitFor({ timeout: 15_000 });
      assert.match(await aliases.innerText(), new RegExp(`challenger ${challenger.info.version}`));
      assert.match(await aliases.innerText(), /shadowing/);
      const promote = page.getByRole("button", {
        name: `Promote ${challenger.info.version} to champion`,
      });
      assert.equal(await promote.isDisabled(), true, "no token, no promotion");

      await page.fill("#admin-token", "wrong-token-0123456789");
      await promote.click();
      // Nothing moves before the confirmation, which shows what is known about the candidate.
      const confirm = page.locator("#models-confirm");
      await confirm.waitFor();
      assert.match(await page.locator("#confirm-evaluation").innerText(), /\d+\.\d %/);
      assert.equal(await page.locator("#confirm-live").innerText(), "no labels yet");
      assert.doesNotMatch(
        await page.locator("#confirm-agreement").innerText(),
        /not the current challenger/,
      );
      assert.equal(await served(backend), champion.info.version);
      await page.getByRole("button", { name: /^Confirm: serve/ }).click();
      await page.locator("#models-problem").getByText("The admin token is wrong").waitFor();
      assert.equal(await served(backend), champion.info.version);

      await page.fill("#admin-token", TOKEN);
      await promote.click();
      await page.getByRole("button", { name: "Cancel", exact: true }).click();
      assert.equal(await confirm.count(), 0, "cancelled: no confirmation left");
      assert.equal(await served(backend), champion.info.version);
      await promote.click();
      await page.getByRole("button", { name: /^Confirm: serve/ }).click();
      await page.locator("#models-message").getByText(/done/).waitFor();
      assert.equal(await served(backend), challenger.info.version, "served at once");
      await aliases.getByText(`Champion ${challenger.info.version}`).waitFor();
      await page.screenshot({
        path: new URL("models-promoted.png", ARTIFACTS).pathname,
        fullPage: true,
      });

      await page.getByRole("button", { name: "Roll back champion" }).click();
      await page.getByRole("button", { name: /^Confirm: serve/ }).click();
      await aliases.getByText(`Champion ${champion.info.version}`).waitFor();
      assert.equal(await served(backend), champion.info.version);

      await page.getByRole("button", { name: "Remove challenger" }).click();
      await aliases.getByText("challenger none").waitFor();
      assert.equal(await registry.getAlias("challenger"), null);

      // A canary at 25 %: the panel shows its share and health against the champion.
      await page.fill("#canary-percent", "25");
      await page.getByRole("button", {
        name: `Route 25 % of requests to ${challenger.info.version} as canary`,
      }).click();
      const canary = page.locator("#models-canary-alias");
      await canary.getByText(`Canary ${challenger.info.version} answers 25 % of requests`)
        .waitFor();
      assert.equal((await registry.getAlias("canary"))?.percent, 25);
      assert.match(await page.locator("#models-canary-health").innerText(), /Champion/);
      await page.getByRole("button", { name: "End canary" }).click();
      await canary.getByText(/^No canary/).waitFor();
      assert.equal(await registry.getAlias("canary"), null);
    } finally {
      await browser.close();
      await ui?.stop();
      await backend.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
