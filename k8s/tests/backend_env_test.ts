/**
 * k8s/base/backend.env against the code's defaults (backend/config.ts and the
 * model settings): every variable it sets is one the backend reads, and it
 * changes nothing but the deployment choices named below, so a default changed
 * in the code cannot silently stay behind in the manifests.
 */
import assert from "node:assert/strict";
import { DEFAULTS, loadConfig } from "../../backend/config.ts";
import { MODEL_SETTINGS } from "../../backend/detector/mod.ts";

const ENV_FILE = new URL("../base/backend.env", import.meta.url);

/** What the cluster sets on purpose, differently from the code's defaults, and why. */
const DEPLOYMENT_CHOICES: Readonly<Record<string, string>> = {
  // The writable volume backend-deployment.yaml mounts; the default is relative to the cwd.
  MODEL_DIR: "/app/models",
  // The probes' own listener (the `probes` containerPort); unset, the code runs none.
  PROBE_PORT: "8081",
};

/** The `NAME=value` lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new SyntaxError(`line ${i + 1} is not NAME=value: ${line}`);
    out[m[1]] = m[2];
  }
  return out;
}

Deno.test("parseEnvFile() reads NAME=value lines and names a malformed one", () => {
  assert.deepEqual(parseEnvFile("# c\n\nA=1\nB_2=x y\n"), { A: "1", B_2: "x y" });
  assert.throws(() => parseEnvFile("A=1\nnot a line\n"), /line 2 is not NAME=value/);
});

Deno.test("k8s/base/backend.env sets only variables the backend reads", () => {
  const known = new Set([
    ...Object.keys(DEFAULTS),
    ...MODEL_SETTINGS.map((s) => s.env),
    ...Object.keys(DEPLOYMENT_CHOICES),
  ]);
  const env = parseEnvFile(Deno.readTextFileSync(ENV_FILE));
  assert.ok(Object.keys(env).length > 0);
  assert.deepEqual(Object.keys(env).filter((name) => !known.has(name)), []);
});

Deno.test("k8s/base/backend.env repeats the code's defaults except the named deployment choices", () => {
  const env = parseEnvFile(Deno.readTextFileSync(ENV_FILE));
  for (const [name, value] of Object.entries(DEPLOYMENT_CHOICES)) {
    assert.equal(env[name], value, `${name} is a deployment choice`);
    // A choice the backend did not read would change nothing.
    assert.notDeepEqual(loadConfig({ [name]: value }), loadConfig({}), `${name} is read`);
  }
  // Both parsed by the server itself, so "1" and true, "5000" and 5_000 compare alike.
  assert.deepEqual(loadConfig(env), loadConfig(DEPLOYMENT_CHOICES));
});
