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

interface Health {
  status: string;
  model_loaded?: boolean;
  model_version?: string | null;
  served_by?: string;
  state?: string;
}

type Phase = "checking" | "ready" | "not-ready" | "unreachable";

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
      const h = await callJson<Health>("/api/health");
      if (!alive) return;
      setCheckedAt(new Date().toLocaleTimeString());
      if (!h.ok) {
        setPhase("unreachable");
        setProblem(h.problem);
        setHealth(null);
        timer.current = setTimeout(check, retryMs);
        return;
      }
      setHealth(h.data);
      const r = await callJson<{ ready: boolean; reason?: string | null }>("/api/ready");
      if (!alive) return;
      const ready = r.ok;
      setPhase(ready ? "ready" : "not-ready");
      setProblem(r.ok ? null : r.problem);
      if (ready && (version.current !== h.data.model_version || version.current === null)) {
        const m = await callJson<ModelInfo>("/api/model");
        if (!alive) return;
        if (m.ok) {
          version.current = m.data.version;
          setModel(m.data);
        }
      }
      timer.current = setTimeout(check, ready ? pollMs : retryMs);
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
      <h3>Model</h3>
      <ModelInfoView info={model} />
    </section>
  );
}
