import assert from "node:assert/strict";
import { freePort, kafkaClasspath, serverProperties } from "./broker.ts";

Deno.test("serverProperties() configures one KRaft node on the given ports, no ZooKeeper", () => {
  const text = serverProperties({ broker: 20001, controller: 20002 }, "/data/log", 4);
  const props = new Map(
    text.trim().split("\n").map((l) => l.split("=", 2) as [string, string]),
  );
  assert.equal(props.get("process.roles"), "broker,controller");
  assert.equal(props.get("controller.quorum.voters"), "1@127.0.0.1:20002");
  assert.equal(props.get("advertised.listeners"), "PLAINTEXT://127.0.0.1:20001");
  assert.equal(props.get("log.dirs"), "/data/log");
  assert.equal(props.get("num.partitions"), "4");
  assert.equal(props.get("offsets.topic.replication.factor"), "1");
  assert.ok(![...props.keys()].some((k) => k.startsWith("zookeeper")));
});

Deno.test("kafkaClasspath() is null without the broker jar and a glob with it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(kafkaClasspath(`${dir}/missing`), null);
    await Deno.writeTextFile(`${dir}/kafka-clients-4.4.0.jar`, "");
    assert.equal(kafkaClasspath(dir), null);
    await Deno.writeTextFile(`${dir}/kafka_2.13-4.4.0.jar`, "");
    assert.equal(kafkaClasspath(dir), `${dir}/*`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("freePort() returns a port that can be bound", () => {
  const port = freePort();
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  listener.close();
  assert.ok(port > 0);
});
