import assert from "node:assert/strict";
import { renderManifest, syncManifest } from "./manifest_gen.ts";

Deno.test("renderManifest() imports and lists the islands in name order", () => {
  const text = renderManifest(["Zeta", "Alpha"]);
  const lines = text.split("\n");
  assert.deepEqual(lines.filter((l) => l.startsWith("import ")), [
    'import Alpha from "./islands/Alpha.tsx";',
    'import Zeta from "./islands/Zeta.tsx";',
  ]);
  assert.match(text, /export const ISLANDS = \{\n {2}Alpha,\n {2}Zeta,\n\} as const;\n$/);
});

Deno.test("renderManifest() gives text deno fmt leaves as it is", async () => {
  const text = renderManifest(["BurstRunner", "LiveMonitor"]);
  const fmt = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await fmt.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout), text);
});

Deno.test("syncManifest() writes the list of the folder's islands, then leaves a current file alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "manifest-gen-" });
  try {
    await Deno.mkdir(`${dir}/islands`);
    for (const file of ["Gauge.tsx", "Alarm.tsx", "alarm_test.tsx", "helpers.ts"]) {
      await Deno.writeTextFile(`${dir}/islands/${file}`, "export default function X() {}\n");
    }
    const frontend = new URL(`file://${dir}/`);
    assert.equal(await syncManifest(frontend), true, "a missing manifest is written");
    const text = await Deno.readTextFile(`${dir}/manifest.ts`);
    assert.equal(text, renderManifest(["Alarm", "Gauge"]));
    assert.equal(await syncManifest(frontend), false, "a current manifest is not rewritten");

    await Deno.writeTextFile(`${dir}/islands/Meter.tsx`, "export default function M() {}\n");
    assert.equal(await syncManifest(frontend), true, "a new island file rewrites it");
    assert.equal(
      await Deno.readTextFile(`${dir}/manifest.ts`),
      renderManifest(["Alarm", "Gauge", "Meter"]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
