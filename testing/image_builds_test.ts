import assert from "node:assert/strict";
import { IMAGE_BUILD_LOCK, oneBuildAtATime, oneBuildAtATimeShell } from "./image_builds.ts";
import { which } from "./tools.ts";

Deno.test("oneBuildAtATime() runs the command under flock on the shared lock file", () => {
  assert.deepEqual(oneBuildAtATime("docker", ["build", "."]), [
    "flock",
    [IMAGE_BUILD_LOCK, "docker", "build", "."],
  ]);
  assert.equal(oneBuildAtATimeShell("docker build ."), `flock ${IMAGE_BUILD_LOCK} docker build .`);
});

Deno.test({
  name: "two commands under the lock do not overlap",
  ignore: !which("flock"),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      // Each writes its start and end; serialized, no start falls between another's start and end.
      const run = (name: string) => {
        const [cmd, args] = oneBuildAtATime("sh", [
          "-c",
          `echo ${name} start >> ${dir}/log; sleep 0.3; echo ${name} end >> ${dir}/log`,
        ]);
        return new Deno.Command(cmd, { args }).output();
      };
      const results = await Promise.all([run("a"), run("b")]);
      assert.ok(results.every((r) => r.code === 0));
      const lines = (await Deno.readTextFile(`${dir}/log`)).trim().split("\n");
      assert.equal(lines.length, 4);
      assert.equal(lines[0].split(" ")[0], lines[1].split(" ")[0], lines.join(" | "));
      assert.equal(lines[2].split(" ")[0], lines[3].split(" ")[0], lines.join(" | "));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
