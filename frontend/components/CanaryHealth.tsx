/**
 * The canary in the models panel: its version and share, its health against
 * the champion over the guard's window (requests, error rate, p99, anomaly
 * rate: what the guard compares, and live precision from labels), why a
 * replica does not route to it, and the guard's last rollback. Plain text for every verdict, never colour alone.
 */
import type { JSX } from "preact";
import { type CanaryView, percent, type RoleHealth } from "../lib/models_api.ts";
import { TableHead } from "./TableHead.tsx";

/** Props of {@link CanaryHealth}. */
export interface CanaryHealthProps {
  /** `GET /models` → `canary`; undefined from a backend that has no canary. */
  canary: CanaryView | undefined;
  /** Live precision per `model_version` from stored labels (`monitoring.feedback`). */
  precision?: Record<string, { precision: number | null }> | undefined;
}

const ms = (s: number | null) => s === null ? "—" : `${(s * 1000).toFixed(1)} ms`;

function Row(
  { role, h, precision }: { role: string; h: RoleHealth | null; precision: number | null },
): JSX.Element {
  return (
    <tr>
      <th scope="row">{role}</th>
      <td>
        <code>{h?.model_version ?? "—"}</code>
      </td>
      <td>{h ? h.requests : "—"}</td>
      <td>{percent(h?.error_rate)}</td>
      <td>{ms(h?.p99_seconds ?? null)}</td>
      <td>{percent(h?.anomaly_rate)}</td>
      <td>{percent(precision)}</td>
    </tr>
  );
}

/** The canary's share and health against the champion, and the last rollback. */
export function CanaryHealth({ canary, precision }: CanaryHealthProps): JSX.Element | null {
  if (!canary) return null;
  const live = (h: RoleHealth | null) => h ? precision?.[h.model_version]?.precision ?? null : null;
  const { alias, health, guard, last_rollback: last } = canary;
  const verdict = !health
    ? "not judged yet"
    : health.breach
    ? `out of band: ${health.breach}`
    : health.judged
    ? "within its band"
    : `not judged yet (fewer than ${guard.min_requests} canary requests in the window)`;
  return (
    <div id="models-canary">
      <p id="models-canary-alias">
        {alias
          ? (
            <>
              Canary <code>{alias.model_version}</code> answers {alias.percent ?? 0} % of requests
              {canary.serving ? ` (this replica routes ${canary.percent} %): ${verdict}.` : "."}
            </>
          )
          : "No canary: give a version a share of the requests with Canary below."}
      </p>
      {canary.reason ? <p class="problem" id="models-canary-reason">{canary.reason}</p> : null}
      {alias
        ? (
          <table class="compact" id="models-canary-health">
            <caption>
              {`Canary against champion over the last ${
                health?.covered_s ?? 0
              } s; rolled back beyond champion errors + ${
                percent(guard.max_error_rate)
              }, p99 × ${guard.max_p99_ratio} or anomaly rate × ${guard.max_anomaly_ratio}`}
            </caption>
            <TableHead
              columns={["Role", "Version", "Requests", "Errors", "p99", "Flagged", "Precision"]}
            />
            <tbody>
              <Row
                role="Champion"
                h={health?.champion ?? null}
                precision={live(health?.champion ?? null)}
              />
              <Row
                role="Canary"
                h={health?.canary ?? null}
                precision={live(health?.canary ?? null)}
              />
            </tbody>
          </table>
        )
        : null}
      {last
        ? (
          <p id="models-canary-rollback">
            Last rollback {last.at}: <code>{last.model_version ?? "—"}</code> — {last.reason}
          </p>
        )
        : null}
    </div>
  );
}
