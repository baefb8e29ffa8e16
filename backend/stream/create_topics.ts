/** Create the streaming topics on a broker (`deno task kafka`, the stream check). */
import { Admin } from "@platformatic/kafka";
import { type TopicNames, TOPICS, type TopicSettings, topicSpecs } from "./topics.ts";

/** Create the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(
  bootstrap: string,
  settings: TopicSettings,
  names: TopicNames = TOPICS,
): Promise<void> {
  const admin = new Admin({ clientId: "anomaly-topics", bootstrapBrokers: [bootstrap] });
  try {
    const existing = new Set(await admin.listTopics());
    for (const spec of topicSpecs(settings, names)) {
      if (existing.has(spec.name)) continue;
      await admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions,
        replicas: 1,
        configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
      });
    }
  } finally {
    await admin.close();
  }
}
