/**
 * Backend health and model information. The backend address is shown
 * read-only: it comes from the UI server's BACKEND_URL, never from the page.
 * Polls through the proxy; when the backend is down it says so plainly and
 * keeps polling, so the page recovers by itself when the backend returns.
 */
import type { JSX } from "preact";
import type { ModelInfo } from "../../backend/detector/types.ts";
import { useEffect, useRef, useState } from "preact/hooks";
import { ModelInfoView } from "../components/ModelInfoView.tsx";
import { ProblemBanner } from "../components/ProblemBanner.tsx";
import { callJson, type Problem } from "../lib/api.ts";
import {
  checkBackend,
  type Health,
  missingNote,
  type OptionalEndpoint,
  type Phase,
} from "../lib/backend_check.ts";
import { onBackendOutcome } from "../lib/bus.ts";

/** Props of {@link BackendStatus} (plain JSON). */
export interface BackendStatusProps {
  /** BACKEND_URL of the UI server, for display only. */
  backendUrl: string;
  /** Poll interval while the backend is up. */
  pollMs: number;
  /** Poll interval while it is down. */
  retryMs: number;
}

const PHASE_TEXT: Record<Phase, string> = {
  checking: "Checking…",
  ready: "✔ Ready",
  "not-ready": "… Up, model not ready",
  unreachable: "✘ Unreachable",
};

/** Health badge, backend address and model metadata. */
export default function BackendStatus(
  { backendUrl, pollMs, retryMs }: BackendStatusProps,
): JSX.Element {
  const [phase, setPhase] = useState<Phase>("checking");
  const [health, setHealth] = useState<Health | null>(null);
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [missing, setMissing] = useState<OptionalEndpoint[]>([]);
  const [checkedAt, setCheckedAt] = useState<string>("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const version = useRef<string | null>(null);
  const phaseRef = useRef<Phase>("checking");
  const checking = useRef(false);
  phaseRef.current = phase;

  useEffect(() => {
    let alive = true;
    async function check() {
      checking.current = true;
      try {
        await checkOnce();
      } finally {
        checking.current = false;
      }
    }
    async function checkOnce() {
      const result = await checkBackend(callJson, version.current);
      if (!alive) return;
      setCheckedAt(new Date().toLocaleTimeString());
      setPhase(result.phase);
      setProblem(result.problem);
      setHealth(result.health);
      setMissing((old) => (old.join() === result.missing.join() ? old : result.missing));
      if (result.model) {
        version.current = result.model.version;
        setModel(result.model);
      }
      timer.current = setTimeout(check, result.phase === "ready" ? pollMs : retryMs);
    }
    check();
    // A request elsewhere on the page failed to reach the backend, or got
    // through while we show it as down: check now instead of at the next poll.
    const stop = onBackendOutcome((ok) => {
      if (ok === (phaseRef.current !== "unreachable") || checking.current) return;
      clearTimeout(timer.current);
      check();
    });
    return () => {
      alive = false;
      stop();
      clearTimeout(timer.current);
    };
  }, []);

  const note = missingNote(missing);
  return (
    <section class="panel backend-status" aria-labelledby="backend-heading">
      <h2 id="backend-heading">Backend</h2>
      <div class="field">
        <label for="backend-url">Backend URL (set by BACKEND_URL on the UI server)</label>
        <input id="backend-url" type="text" value={backendUrl} readOnly />
      </div>
      <p>
        Status:{" "}
        <strong class={`badge ${phase}`} id="backend-phase" data-phase={phase} aria-live="polite">
          {PHASE_TEXT[phase]}
        </strong>
        {health?.served_by ? <span class="muted">answered by {health.served_by}</span> : null}
        {checkedAt ? <span class="muted">checked {checkedAt}</span> : null}
      </p>
      <ProblemBanner
        id="backend-problem"
        problem={problem}
        note={problem
          ? `Checking again every ${Math.round(retryMs / 1000)} s; no reload needed.`
          : undefined}
      />
      {note ? <p class="note" id="backend-note">{note}</p> : null}
      <h3>Model</h3>
      <ModelInfoView
        info={model}
        unavailable={missing.includes("/model")
          ? "This backend does not publish model details."
          : undefined}
      />
    </section>
  );
}
