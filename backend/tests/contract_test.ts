/**
 * Runs the contract suite against CONTRACT_BASE_URL when set (any
 * implementation, anywhere), otherwise against a freshly started backend.
 */
import { startBackend } from "../../testing/backend_process.ts";
import { CONTRACT } from "./contract.ts";

Deno.test("the backend honours the API contract", async (t) => {
  const external = Deno.env.get("CONTRACT_BASE_URL");
  const backend = external ? null : await startBackend();
  const base = external ?? backend!.url;
  try {
    for (const check of CONTRACT) await t.step(check.name, () => check.run(base));
  } finally {
    await backend?.stop();
  }
});
