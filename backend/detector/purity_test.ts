import assert from "node:assert/strict";

// The detector must run in browsers and k6 too: no runtime-specific APIs.
Deno.test("detector modules import only the detector, the simulator and the contract, and use no Deno APIs", () => {
  const dir = new URL("./", import.meta.url);
  const files = [...Deno.readDirSync(dir)]
    .map((e) => e.name)
    .filter((name) =>
      name.endsWith(".ts") && !name.endsWith("_test.ts") && name !== "_reference.ts"
    );
  assert.ok(files.includes("model.ts") && files.includes("isolation_forest.ts"));
  for (const name of files) {
    const source = Deno.readTextFileSync(new URL(name, dir));
    assert.doesNotMatch(source, /\bDeno\.|\bprocess\.|\brequire\(/, name);
    for (const [, specifier] of source.matchAll(/(?:from|import)\s+"([^"]+)"/g)) {
      assert.match(
        specifier,
        /^\.\/[a-z_0-9]+\.ts$|^\.\.\/\.\.\/lib\/simulator\/[a-z_0-9]+\.ts$|^\.\.\/\.\.\/lib\/(contract|ranges|timestamp)\.ts$/,
        `${name}: ${specifier}`,
      );
    }
  }
});

// The simulator runs in the UI islands, `deno task load` and k6: the same rule, simulator-only imports.
Deno.test("simulator modules import only the simulator, and use no Deno APIs", () => {
  const dir = new URL("../../lib/simulator/", import.meta.url);
  const files = [...Deno.readDirSync(dir)]
    .map((e) => e.name)
    .filter((name) => name.endsWith(".ts") && !name.endsWith("_test.ts"));
  assert.ok(files.includes("simulator.ts") && files.includes("fleet.ts"));
  for (const name of files) {
    const source = Deno.readTextFileSync(new URL(name, dir));
    assert.doesNotMatch(source, /\bDeno\.|\bprocess\.|\brequire\(/, name);
    for (const [, specifier] of source.matchAll(/(?:from|import)\s+"([^"]+)"/g)) {
      assert.match(
        specifier,
        /^\.\/[a-z_0-9]+\.ts$|^\.\.\/(ranges|timestamp)\.ts$/,
        `${name}: ${specifier}`,
      );
    }
  }
});

// The contract is read by the browser and k6 too: no Deno APIs, only the simulator's reading.
Deno.test("the contract module imports only the simulator, and uses no Deno APIs", () => {
  const source = Deno.readTextFileSync(new URL("../../lib/contract.ts", import.meta.url));
  assert.doesNotMatch(source, /\bDeno\.|\bprocess\.|\brequire\(/);
  const imports = [...source.matchAll(/(?:from|import)\s+"([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(imports, ["./simulator/simulator.ts"]);
});

// The range checks and the timestamp rule are read by the detector or the simulator, so the same
// rule: no imports at all.
Deno.test("the range checks and the timestamp rule import nothing and use no Deno APIs", () => {
  for (const name of ["ranges.ts", "timestamp.ts"]) {
    const source = Deno.readTextFileSync(new URL(`../../lib/${name}`, import.meta.url));
    assert.doesNotMatch(source, /\bDeno\.|\bprocess\.|\brequire\(/, name);
    assert.deepEqual([...source.matchAll(/(?:from|import)\s+"([^"]+)"/g)], [], name);
  }
});
