/**
 * `--labels FILE`: the operators' labels in the label store (`LABELS_DB`,
 * `POST /feedback` by `prediction_id`) as one labeled dataset for the tools,
 * rows in the order they were labeled, so `--train-rows N` fits on the first
 * N labels and holds the later ones out, as with a CSV file.
 */
import { LabelStore, LabelStoreUnavailableError } from "../../backend/store/label_store.ts";
import { UsageError } from "./_common.ts";
import type { Dataset } from "./_dataset.ts";

/** The labels with `features` (default: the features most labels have) as a dataset. */
export async function loadLabelDataset(
  path: string,
  features: readonly string[] | null,
): Promise<{ dataset: Dataset; features: string[]; skipped: number }> {
  try {
    await Deno.stat(path);
  } catch {
    throw new UsageError(
      `No label store at ${path}: label predictions with POST /feedback first (LABELS_DB, ` +
        "default MODEL_DIR/labels.db)",
    );
  }
  const store = new LabelStore(path, { readOnly: true });
  let labels;
  try {
    labels = store.all();
  } catch (err) {
    if (err instanceof LabelStoreUnavailableError) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
  const counts = new Map<string, number>();
  for (const l of labels) {
    counts.set(l.features.join(","), (counts.get(l.features.join(",")) ?? 0) + 1);
  }
  const chosen = features ? features.join(",") : [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const rows = labels.filter((l) => l.features.join(",") === chosen);
  if (rows.length === 0) {
    throw new UsageError(
      `The label store ${path} holds no labels${features ? ` with the features ${chosen}` : ""}` +
        (counts.size > 0 ? `; it has labels with ${[...counts.keys()].join(" and ")}` : ""),
    );
  }
  const names = chosen!.split(",");
  const nf = names.length;
  const matrix = new Float64Array(rows.length * nf);
  rows.forEach((l, r) => matrix.set(l.values, r * nf));
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(
        rows.map((l) => `${l.predictionId}:${l.anomaly ? 1 : 0}`).join("\n"),
      ),
    ),
  );
  return {
    dataset: {
      path,
      sha256: [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""),
      data: {
        matrix,
        labels: rows.map((l) => l.anomaly),
        meters: null,
        times: rows.map((l) => l.labeledAt),
        timeText: null,
        rows: rows.length,
        lines: rows.map((_, r) => r + 1),
      },
    },
    features: names,
    skipped: labels.length - rows.length,
  };
}
