import assert from "node:assert/strict";
import {
  adaptCommand,
  classify,
  extractCommands,
  type ManualEntry,
  type RunnableRule,
  stripComment,
} from "./_guide_commands.ts";

const FENCE = "```";

Deno.test("extractCommands() reads sh and bash blocks and skips text, json and yaml blocks", () => {
  const md = [
    "Intro",
    `${FENCE}sh`,
    "deno task backend",
    "",
    "# a comment line",
    "curl -s localhost:8000/health   # trailing comment",
    FENCE,
    `${FENCE}text`,
    "deno task not-a-command",
    FENCE,
    `${FENCE}bash`,
    "$ kubectl get pods",
    FENCE,
    `${FENCE}json`,
    '{"a": 1}',
    FENCE,
  ].join("\n");
  assert.deepEqual(extractCommands(md), [
    { command: "deno task backend", line: 3 },
    { command: "curl -s localhost:8000/health", line: 6 },
    { command: "kubectl get pods", line: 12 },
  ]);
});

Deno.test("extractCommands() joins backslash, pipe and && continuations into one command", () => {
  const md = [
    `${FENCE}sh`,
    "curl -s localhost:8000/predict \\",
    "  -d '{}'",
    "curl -s x | jq . \\",
    "  | wc -l",
    "make &&",
    "  make test",
    FENCE,
  ].join("\n");
  assert.deepEqual(extractCommands(md).map((c) => c.command), [
    "curl -s localhost:8000/predict -d '{}'",
    "curl -s x | jq . | wc -l",
    "make && make test",
  ]);
});

Deno.test("extractCommands() ignores a fence-like line with a language inside a block", () => {
  const md = [`${FENCE}text`, `${FENCE}sh`, "not a command", FENCE, `${FENCE}sh`, "ls", FENCE].join(
    "\n",
  );
  assert.deepEqual(extractCommands(md).map((c) => c.command), ["ls"]);
});

Deno.test("extractCommands() throws on an unclosed block and on a dangling continuation", () => {
  assert.throws(
    () => extractCommands(`${FENCE}sh\nls\n`),
    { name: "TypeError", message: "Fenced block opened at line 1 is never closed" },
  );
  assert.throws(
    () => extractCommands(`${FENCE}sh\nls \\\n${FENCE}\n`),
    /Command at line 2 continues past the end of its block/,
  );
});

Deno.test("stripComment() keeps # inside quotes and words", () => {
  assert.equal(stripComment("echo 'a # b' # c"), "echo 'a # b'");
  assert.equal(stripComment('echo "#x" a#b'), 'echo "#x" a#b');
  assert.equal(stripComment("# only a comment"), "");
  assert.equal(
    stripComment("curl 'localhost:8000/docs#problem'"),
    "curl 'localhost:8000/docs#problem'",
  );
});

Deno.test("adaptCommand() moves the default ports and image tags to the run's", () => {
  const context = { ports: { backend: 41000, ui: 42000 }, imageTag: "0.1.0-guide-7" };
  assert.equal(
    adaptCommand(
      "curl localhost:8000/x http://127.0.0.1:8501/ localhost:80001 -e B=:8000",
      context,
    ),
    "curl 127.0.0.1:41000/x http://127.0.0.1:42000/ localhost:80001 -e B=:8000",
  );
  assert.equal(
    adaptCommand(
      "docker build -t anomaly-backend:0.1.0 . && docker image rm anomaly-ui:0.1.0",
      context,
    ),
    "docker build -t anomaly-backend:0.1.0-guide-7 . && docker image rm anomaly-ui:0.1.0-guide-7",
  );
  assert.equal(
    adaptCommand("docker pull anomaly-backend:0.1.01", context),
    "docker pull anomaly-backend:0.1.01",
  );
});

Deno.test("classify() prefers the exact manual list, then the first matching rule, else unknown", () => {
  const manual: ManualEntry[] = [{ command: "kubectl apply -k k8s/overlays/dev", why: "kind" }];
  const rules: RunnableRule[] = [
    { pattern: /^kubectl /, mode: "run" },
    { pattern: /^deno task backend$/, mode: "serve", service: "backend" },
  ];
  assert.equal(classify("kubectl apply -k k8s/overlays/dev", manual, rules).kind, "manual");
  assert.deepEqual(classify("kubectl kustomize k8s", manual, rules), {
    kind: "runnable",
    rule: rules[0],
  });
  assert.equal(classify("deno task backend", manual, rules).kind, "runnable");
  assert.equal(classify("deno task backend --flag", manual, rules).kind, "unknown");
  assert.equal(classify("rm -rf /", manual, rules).kind, "unknown");
});
