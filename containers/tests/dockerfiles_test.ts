/**
 * Static checks of the Dockerfiles, compose.yaml and .dockerignore: the
 * properties the image tests rely on, checked without building anything.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;
const read = (path: string) => Deno.readTextFileSync(`${ROOT}${path}`);

interface Stage {
  from: string;
  name: string;
  lines: string[];
}

/** Split a Dockerfile into stages (continuation lines joined). */
function stages(path: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = read(path).replace(/\\\n/g, " ").split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const args = new Map<string, string>();
  const result: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      result.push({ from: from[1], name: from[2] ?? "", lines: [] });
    } else if (result.length === 0) {
      const arg = /^ARG\s+(\w+)=(?:"([^"]*)"|(\S+))/.exec(line);
      if (arg) args.set(arg[1], arg[2] ?? arg[3]);
    } else {
      result[result.length - 1].lines.push(line);
    }
  }
  return { args, stages: result };
}

/** The flags of the (last) `deno run` in a deno.json task. */
function taskFlags(task: string): string[] {
  const tasks = JSON.parse(read("deno.json")).tasks as Record<string, string>;
  assert.ok(tasks[task], `deno.json has no task ${task}`);
  const run = tasks[task].split("deno run").pop()!.split("&&")[0];
  return run.split(/\s+/).filter((w) => w.startsWith("--"));
}

for (const [file, task] of [["Dockerfile.backend", "backend"], ["Dockerfile.ui", "ui"]]) {
  const path = `containers/${file}`;

  Deno.test(`${file}: the default target is the compiled binary on distroless, non-root, exec form`, () => {
    const { stages: all } = stages(path);
    const last = all[all.length - 1];
    assert.equal(last.name, "compiled");
    assert.match(last.from, /^gcr\.io\/distroless\/cc-debian12:/);
    assert.ok(all.some((s) => s.name === "run"), "no `run` target");
    for (const stage of all.filter((s) => s.name === "run" || s.name === "compiled")) {
      assert.ok(stage.lines.includes("USER 10001:10001"), `${stage.name} does not run as 10001`);
      const entry = stage.lines.find((l) => l.startsWith("ENTRYPOINT"));
      assert.ok(entry, `${stage.name} has no ENTRYPOINT`);
      assert.doesNotThrow(() => JSON.parse(entry.slice("ENTRYPOINT".length)), "not exec form");
    }
  });

  Deno.test(`${file}: deps come from the frozen lockfile; base images are pinned`, () => {
    const { args, stages: all } = stages(path);
    assert.equal(all[0].name, "deps");
    assert.ok(all[0].lines.includes("COPY deno.json deno.lock ./"));
    assert.ok(all[0].lines.includes("RUN deno install --frozen"));
    const names = new Set(all.map((s) => s.name));
    for (const stage of all.filter((s) => !names.has(s.from))) {
      assert.doesNotMatch(stage.from, /:latest$|^[^:]+$/, stage.from);
    }
    assert.match(args.get("DENO_VERSION") ?? "", /^2\.\d+\.\d+$/);
    const prepare = read("containers/tests/prepare_base_images.sh");
    assert.match(prepare, new RegExp(`denoland/deno:${args.get("DENO_VERSION")}`));
  });

  Deno.test(`${file}: DENO_FLAGS are the flags of \`deno task ${task}\`, never --allow-all`, () => {
    const flags = stages(path).args.get("DENO_FLAGS")?.split(" ");
    assert.deepEqual(flags, taskFlags(task));
    assert.ok(!flags?.some((f) => f === "-A" || f === "--allow-all"));
  });
}

Deno.test(".dockerignore keeps every path the Dockerfiles copy", () => {
  const ignored = read(".dockerignore").split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  for (const file of ["containers/Dockerfile.backend", "containers/Dockerfile.ui"]) {
    for (const stage of stages(file).stages) {
      for (const line of stage.lines.filter((l) => /^COPY (?!--from)/.test(l))) {
        const sources = line.split(/\s+/).slice(1, -1).filter((w) => !w.startsWith("--"));
        for (const source of sources) {
          const clean = source.replace(/\/$/, "");
          assert.ok(
            !ignored.includes(clean),
            `${file} copies ${source}, which .dockerignore drops`,
          );
        }
      }
    }
  }
});

Deno.test("compose.yaml: backend and ui wired as in the workshop, healthchecks gate start order", () => {
  // deno-lint-ignore no-explicit-any
  const compose = parse(read("containers/compose.yaml")) as any;
  const { backend, ui, prometheus } = compose.services;
  assert.equal(ui.environment.BACKEND_URL, "http://backend:8000");
  // The UI's first screen needs the temporal detector; the variable lets a user pick the forest.
  assert.equal(backend.environment.DETECTOR, "${DETECTOR:-temporal_window}");
  assert.deepEqual(ui.depends_on, { backend: { condition: "service_healthy" } });
  assert.deepEqual(backend.healthcheck.test, ["CMD", "/app/anomaly-backend", "healthcheck"]);
  assert.deepEqual(ui.healthcheck.test, ["CMD", "/app/anomaly-ui", "healthcheck"]);
  assert.ok(backend.volumes.includes("models:/app/models"));
  assert.ok("models" in compose.volumes);
  assert.equal(backend.ports[0], "${BACKEND_PORT:-8000}:8000");
  assert.equal(ui.ports[0], "${UI_PORT:-8501}:8501");
  for (const service of [backend, ui]) {
    assert.equal(service.user, "10001:10001");
    assert.equal(service.read_only, true);
    assert.deepEqual(service.cap_drop, ["ALL"]);
  }
  assert.deepEqual(prometheus.profiles, ["monitoring"]);
  assert.match(prometheus.image, /^prom\/prometheus:v\d+\.\d+\.\d+$/);
  const config = prometheus.volumes[0].split(":")[0].replace(/^\.\.\//, "");
  assert.equal(config, "observability/prometheus.yml");
  assert.match(read(config), /backend:8000/);
});
