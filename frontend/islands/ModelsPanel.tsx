/**
 * The model lifecycle (docs/MLOPS.md): registered versions, the champion,
 * the challenger and the canary (its share and health against the champion),
 * shadow agreement, input drift per feature and live precision per model
 * version from operator feedback, polled from
 * `/api/models`. Promotion, rollback and the shadow experiment need the
 * admin token, which the user types here; it stays in this page's memory and
 * goes only with those calls. A promotion (or rollback) is asked for first
 * and confirmed second, next to what is known about the candidate: its
 * held-out evaluation, its live precision from labels and its shadow agreement.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { CanaryHealth } from "../components/CanaryHealth.tsx";
import { ProblemBanner } from "../components/ProblemBanner.tsx";
import { TableHead } from "../components/TableHead.tsx";
import { DriftVerdicts } from "../components/DriftVerdicts.tsx";
import type { Problem } from "../lib/api.ts";
import {
  type Candidate,
  candidate,
  fetchModels,
  type ModelList,
  percent,
  removeAlias,
  setAlias,
} from "../lib/models_api.ts";

/** A promotion waiting for its confirmation. */
interface Pending {
  version: string;
  what: string;
  facts: Candidate | null;
}

/** Props of {@link ModelsPanel} (plain JSON). */
export interface ModelsPanelProps {
  /** Poll interval of `/api/models`. */
  pollMs: number;
}

const short = (version: string | null | undefined) => version ? version.slice(0, 19) : "none";

/** Versions, aliases, shadow, drift and feedback, with the admin actions. */
export default function ModelsPanel({ pollMs }: ModelsPanelProps): JSX.Element {
  const [models, setModels] = useState<ModelList | null>(null);
  // A failed poll and a failed admin call are kept apart: the next poll must not hide the
  // reason an admin call was refused.
  const [pollProblem, setPollProblem] = useState<Problem | null>(null);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [token, setToken] = useState("");
  const [share, setShare] = useState("10");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState<Pending | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refresh = useRef<() => Promise<void>>(() => Promise.resolve());

  useEffect(() => {
    let alive = true;
    refresh.current = async () => {
      const out = await fetchModels();
      if (!alive) return;
      if (out.ok) {
        setModels(out.data);
        setPollProblem(null);
      } else {
        // A backend without the registry (404) says so once, no alarm.
        setPollProblem(out.problem.status === 404 ? null : out.problem);
        if (out.problem.status === 404) setMessage("This backend has no model registry.");
      }
    };
    const loop = async () => {
      await refresh.current();
      if (alive) timer.current = setTimeout(loop, pollMs);
    };
    loop();
    return () => {
      alive = false;
      clearTimeout(timer.current);
    };
  }, []);

  async function act(what: string, call: () => Promise<{ ok: boolean; problem?: Problem }>) {
    setPending(null);
    setBusy(true);
    setMessage(`${what}…`);
    const out = await call();
    setBusy(false);
    if (out.ok) {
      setMessage(
        `${what}: done. Every replica follows within ${models?.serving.poll_interval_s ?? 5} s.`,
      );
      setActionProblem(null);
    } else {
      setMessage("");
      setActionProblem(out.problem ?? null);
    }
    await refresh.current();
  }

  const champion = models?.aliases.champion ?? null;
  const challenger = models?.aliases.challenger ?? null;
  const m = models?.monitoring;
  const noToken = token.trim() === "";
  // Promotion asks first: the confirmation shows what is known about the candidate.
  const askPromotion = (version: string, what: string) => {
    const v = models?.versions.find((x) => x.version === version);
    setPending({ version, what, facts: models && v ? candidate(models, v) : null });
  };
  // A button that points `alias` at `version` with the typed admin token.
  const aliasButton = (
    b: {
      alias: "champion" | "challenger" | "canary";
      version: string;
      text: string;
      label: string;
      what: string;
    },
  ) => (
    <button
      type="button"
      disabled={busy || noToken}
      aria-label={b.label}
      onClick={() =>
        b.alias === "champion" ? askPromotion(b.version, b.what) : act(
          b.what,
          () =>
            setAlias(
              b.alias,
              b.version,
              token.trim(),
              b.alias === "canary" ? Number(share) : undefined,
            ),
        )}
    >
      {b.text}
    </button>
  );
  return (
    <section class="panel models" aria-labelledby="models-heading" id="models-panel">
      <h2 id="models-heading">Models</h2>
      {models
        ? (
          <p id="models-aliases">
            Champion <code>{short(champion?.version)}</code>, challenger{" "}
            <code>{short(challenger?.version)}</code>
            <span class="muted">
              {` (answered by ${models.serving.served_by}, serving ${
                short(models.serving.champion)
              }${
                models.serving.shadowing ? `, shadowing ${short(models.serving.challenger)}` : ""
              })`}
            </span>
          </p>
        )
        : <p class="muted" id="models-aliases">Registry not loaded yet.</p>}
      <ProblemBanner id="models-problem" problem={actionProblem ?? pollProblem} />
      {message ? <p class="status" role="status" id="models-message">{message}</p> : null}

      {pending
        ? (
          <div
            class="confirm"
            role="alertdialog"
            aria-labelledby="promote-title"
            id="models-confirm"
          >
            <p id="promote-title">
              <strong>{pending.what} to champion?</strong> Every replica serves it within{" "}
              {models?.serving.poll_interval_s ?? 5} s.
            </p>
            <dl class="stats">
              <div class="stat">
                <dt>Held-out precision / recall</dt>
                <dd id="confirm-evaluation">
                  {pending.facts?.evaluation
                    ? `${percent(pending.facts.evaluation.precision)} / ${
                      percent(pending.facts.evaluation.recall)
                    }`
                    : "none recorded"}
                </dd>
              </div>
              <div class="stat">
                <dt>Live precision (labels)</dt>
                <dd id="confirm-live">
                  {pending.facts && pending.facts.labels > 0
                    ? `${percent(pending.facts.livePrecision)} (${pending.facts.labels} labels)`
                    : "no labels yet"}
                </dd>
              </div>
              <div class="stat">
                <dt>Shadow agreement</dt>
                <dd id="confirm-agreement">
                  {!pending.facts?.shadowed
                    ? "not the current challenger"
                    : pending.facts.agreement === null
                    ? "no readings shadowed yet"
                    : percent(pending.facts.agreement)}
                </dd>
              </div>
            </dl>
            <div class="buttons">
              <button
                type="button"
                id="models-confirm-promote"
                disabled={busy || noToken}
                onClick={() =>
                  act(pending.what, () => setAlias("champion", pending.version, token.trim()))}
              >
                Confirm: serve {short(pending.version)}
              </button>
              <button type="button" id="models-confirm-cancel" onClick={() => setPending(null)}>
                Cancel
              </button>
            </div>
          </div>
        )
        : null}

      <h3>Canary</h3>
      <CanaryHealth canary={models?.canary} precision={m?.feedback} />

      <h3>Shadow and live precision</h3>
      <p class="muted" id="models-experiment">
        {models?.experiment
          ? `Experiment ${short(models.experiment.champion)} vs ${
            short(models.experiment.challenger)
          } since ${models.experiment.started_at} (this replica counts since ${models.experiment.counted_since})`
          : "No experiment: set a challenger to compare it with the champion."}
      </p>
      <dl class="stats" id="models-shadow">
        <div class="stat">
          <dt>Agreement</dt>
          <dd data-value={percent(m?.shadow.agreement)}>{percent(m?.shadow.agreement)}</dd>
        </div>
        <div class="stat">
          <dt>Champion flags</dt>
          <dd>{percent(m?.champion.anomaly_rate)}</dd>
        </div>
        <div class="stat">
          <dt>Challenger flags</dt>
          <dd>{percent(m?.shadow.anomaly_rate)}</dd>
        </div>
        <div class="stat">
          <dt>Not shadowed</dt>
          <dd>{m ? m.shadow.dropped : "—"}</dd>
        </div>
      </dl>
      <table class="compact" id="models-feedback">
        <caption>
          Live precision per model version from stored labels (confirm or dismiss anomalies in the
          table)
        </caption>
        <TableHead columns={["Version", "TP", "FP", "FN", "Precision"]} />
        <tbody>
          {m && Object.keys(m.feedback).length > 0
            ? Object.entries(m.feedback).map(([version, t]) => (
              <tr key={version}>
                <td>
                  <code>{version}</code>
                </td>
                <td>{t.tp}</td>
                <td>{t.fp}</td>
                <td>{t.fn}</td>
                <td>{percent(t.precision)}</td>
              </tr>
            ))
            : (
              <tr>
                <td colSpan={5} class="empty">No feedback yet.</td>
              </tr>
            )}
        </tbody>
      </table>

      <DriftVerdicts drift={m?.drift ?? null} />

      <h3>Versions</h3>
      <div class="field">
        <label for="admin-token">Admin token (ADMIN_TOKEN, kept in this page only)</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="off"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="canary-percent">Canary share of requests (%)</label>
        <input
          id="canary-percent"
          type="number"
          min="0.01"
          max="100"
          step="any"
          value={share}
          onInput={(e) => setShare((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="versions-caption">
        <table class="compact" id="models-versions">
          <caption id="versions-caption">Registered versions (newest first)</caption>
          <TableHead columns={["Version", "Precision / recall (held out)", "Actions"]} />
          <tbody>
            {(models?.versions ?? []).map((v) => (
              <tr key={v.version} data-version={v.model_version}>
                <td>
                  <code>{v.model_version}</code>
                  <br />
                  <small>
                    {`contamination ${v.config.contamination}${
                      v.aliases.length > 0 ? `, ${v.aliases.join(" and ")}` : ""
                    }`}
                  </small>
                </td>
                <td>
                  {v.evaluation
                    ? `${v.evaluation.precision.toFixed(3)} / ${v.evaluation.recall.toFixed(3)}`
                    : "—"}
                </td>
                <td class="buttons">
                  {v.aliases.includes("champion") ? null : aliasButton({
                    alias: "champion",
                    version: v.version,
                    text: "Promote",
                    label: `Promote ${v.model_version} to champion`,
                    what: `Promote ${v.model_version}`,
                  })}
                  {v.aliases.length > 0 ? null : aliasButton({
                    alias: "challenger",
                    version: v.version,
                    text: "Shadow",
                    label: `Score ${v.model_version} in the shadow as challenger`,
                    what: `Challenger ${v.model_version}`,
                  })}
                  {v.aliases.length > 0 ? null : aliasButton({
                    alias: "canary",
                    version: v.version,
                    text: "Canary",
                    label: `Route ${share} % of requests to ${v.model_version} as canary`,
                    what: `Canary ${v.model_version} at ${share} %`,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="buttons">
        <button
          type="button"
          id="models-rollback"
          disabled={busy || noToken || !champion?.previous}
          onClick={() =>
            askPromotion(champion!.previous!, `Roll back to ${short(champion?.previous)}`)}
        >
          Roll back champion
        </button>
        <button
          type="button"
          id="models-remove-challenger"
          disabled={busy || noToken || !challenger}
          onClick={() =>
            act("Remove the challenger", () => removeAlias("challenger", token.trim()))}
        >
          Remove challenger
        </button>
        <button
          type="button"
          id="models-remove-canary"
          disabled={busy || noToken || !models?.aliases.canary}
          onClick={() => act("End the canary", () => removeAlias("canary", token.trim()))}
        >
          End canary
        </button>
      </div>
    </section>
  );
}
