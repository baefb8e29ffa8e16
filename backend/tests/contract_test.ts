/**
 * Runs the contract suite against CONTRACT_BASE_URL when set (any
 * implementation, anywhere), otherwise against both HTTP layers started
 * fresh: the Hono backend and the plain `Deno.serve` variant.
 */
import { startBackend } from "../../testing/backend_process.ts";
import { CONTRACT } from "./contract.ts";

const external = Deno.env.get("CONTRACT_BASE_URL");

const targets = external ? [{ name: external, entry: null }] : [
  { name: "the Hono backend", entry: "backend/main.ts" },
  { name: "the plain Deno.serve variant", entry: "tools/variants/plain_deno.ts" },
];

for (const target of targets) {
  Deno.test(`${target.name} honours the API contract`, async (t) => {
    const backend = target.entry ? await startBackend({ entry: target.entry }) : null;
    const base = external ?? backend!.url;
    try {
      for (const check of CONTRACT) await t.step(check.name, () => check.run(base));
    } finally {
      await backend?.stop();
    }
  });
}
