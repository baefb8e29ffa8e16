/** The recent anomalies table: what was flagged, its label, and the backend's reasons. */
import type { JSX } from "preact";
import type { Reason } from "../../lib/contract.ts";
import type { AnomalyRow } from "../lib/live_stream.ts";
import { TableHead } from "./TableHead.tsx";

export type { AnomalyRow };

/** Where an operator's label for a row stands. */
export type FeedbackState = "sending" | "confirmed" | "dismissed" | "failed";

/** Props of {@link AnomalyTable}. */
export interface AnomalyTableProps {
  rows: AnomalyRow[];
  /** Labels given so far, by row `seq`. */
  feedback?: Readonly<Record<number, FeedbackState>>;
  /** Confirm (true) or dismiss (false) a flagged reading: posts it to `/feedback`. */
  onFeedback?: (row: AnomalyRow, anomaly: boolean) => void;
  /** Why a row's label was not sent (the backend's problem detail), by `seq`. */
  failures?: Readonly<Record<number, string>>;
}

const FEEDBACK_TEXT: Record<FeedbackState, string> = {
  sending: "sending…",
  confirmed: "✔ confirmed",
  dismissed: "✘ dismissed",
  failed: "not sent, try again",
};

const SEVERITY_TEXT: Record<Reason["severity"], string> = {
  info: "info",
  warning: "warning",
  major: "major",
  critical: "critical",
};

const COLUMNS = [
  "#",
  "Time",
  "Voltage",
  "Current",
  "Frequency",
  "Score",
  "Simulator label",
  "Reasons",
] as const;

/** A table with a caption; the verdicts are words and symbols, never colour alone. */
export function AnomalyTable(
  { rows, feedback, onFeedback, failures }: AnomalyTableProps,
): JSX.Element {
  const columns = COLUMNS.length + (onFeedback ? 1 : 0);
  return (
    // Scrolls on its own so the page keeps its shape; focusable so the
    // keyboard can scroll it too.
    <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="anomaly-caption">
      <table class="anomalies" id="anomaly-table">
        <caption id="anomaly-caption">Recent flagged anomalies (newest first)</caption>
        <TableHead columns={onFeedback ? [...COLUMNS, "Operator"] : COLUMNS} />
        <tbody>
          {rows.length === 0
            ? (
              <tr>
                <td colSpan={columns} class="empty">No anomalies flagged yet.</td>
              </tr>
            )
            : rows.map((r) => (
              <tr key={r.seq} data-seq={r.seq}>
                <td>{r.seq}</td>
                <td>
                  <time dateTime={r.time}>{r.time.slice(11, 19)}</time>
                </td>
                <td>{r.voltage.toFixed(1)} V</td>
                <td>{r.current.toFixed(2)} A</td>
                <td>{r.frequency.toFixed(3)} Hz</td>
                <td>{r.score.toFixed(3)}</td>
                <td>
                  {r.labelled
                    ? <span class="verdict tp">✔ anomalous{r.kind ? ` (${r.kind})` : ""}</span>
                    : <span class="verdict fp">✘ normal: false positive</span>}
                </td>
                <td>
                  {r.reasons.length === 0
                    ? <span>model score above threshold</span>
                    : (
                      <ul class="reasons">
                        {r.reasons.map((reason, i) => (
                          <li key={i} class={`sev-${reason.severity}`}>
                            <span class="sev">
                              [{SEVERITY_TEXT[reason.severity] ?? reason.severity}]
                            </span>{" "}
                            {reason.message}
                            {reason.reference
                              ? <span class="ref">({reason.reference})</span>
                              : null}
                          </li>
                        ))}
                      </ul>
                    )}
                </td>
                {onFeedback
                  ? (
                    <td class="buttons">
                      {feedback?.[r.seq] && feedback[r.seq] !== "failed"
                        ? <span class="muted">{FEEDBACK_TEXT[feedback[r.seq]]}</span>
                        : (
                          <>
                            {feedback?.[r.seq] === "failed"
                              ? (
                                <span class="muted">
                                  {failures?.[r.seq]
                                    ? `not sent: ${failures[r.seq]}`
                                    : FEEDBACK_TEXT.failed}
                                </span>
                              )
                              : null}
                            <button
                              type="button"
                              aria-label={`Confirm anomaly ${r.seq}`}
                              onClick={() => onFeedback(r, true)}
                            >
                              Confirm
                            </button>
                            <button
                              type="button"
                              aria-label={`Dismiss anomaly ${r.seq} as a false alarm`}
                              onClick={() => onFeedback(r, false)}
                            >
                              Dismiss
                            </button>
                          </>
                        )}
                    </td>
                  )
                  : null}
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}
