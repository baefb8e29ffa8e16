/**
 * The drift tests of `GET /models` → `monitoring.drift`: per feature the
 * verdict, KS statistic and p-value and PSI, the multivariate (MMD) check,
 * the window and the rule, and a link to the report page with the
 * histograms (`/api/models/drift/report`, proxied to the backend).
 */
import type { JSX } from "preact";
import type { DriftSummary, DriftVerdict } from "../../lib/contract.ts";
import { referenceWords } from "../../lib/drift_words.ts";
import { driftLevel } from "../lib/models_api.ts";
import { TableHead } from "./TableHead.tsx";

/** Where the UI proxies the backend's drift report. */
export const DRIFT_REPORT_HREF = "/api/models/drift/report";

/** Props of {@link DriftVerdicts}. */
export interface DriftVerdictsProps {
  /** The drift section, or null before the first poll answered. */
  drift: DriftSummary | null;
}

const WORDS: Record<DriftVerdict, string> = {
  drift: "drift",
  no_drift: "no drift",
  insufficient_data: "insufficient data",
  no_reference: "no reference",
};

/** A p-value readable at any size: small ones in exponent form. */
function pValue(p: number | null): string {
  if (p === null) return "—";
  return p < 1e-3 ? p.toExponential(1) : p.toFixed(3);
}

const fixed = (v: number | null, digits = 3) => (v === null ? "—" : v.toFixed(digits));

/** Verdicts and figures of the drift tests, with the link to the report. */
export function DriftVerdicts({ drift }: DriftVerdictsProps): JSX.Element {
  const verdict = (v: DriftVerdict) => <span class={`verdict verdict-${v}`}>{WORDS[v]}</span>;
  return (
    <section class="drift" aria-labelledby="drift-heading">
      <h3 id="drift-heading">
        Input drift against the champion's training sample{" "}
        {drift ? <span id="drift-verdict">{verdict(drift.verdict)}</span> : null}
      </h3>
      {drift
        ? (
          <>
            <p class="muted" id="drift-rule">
              {drift.window.readings} readings in the window (a verdict needs{" "}
              {drift.window.min_readings}; the last {drift.window.max_age_s} s, at most{" "}
              {drift.window.capacity}). Drift: p &lt;{" "}
              {drift.thresholds.per_test_alpha.toPrecision(2)} (α{" "}
              {drift.thresholds.alpha}, Bonferroni) and KS statistic ≥{" "}
              {drift.thresholds.min_ks_statistic}. {referenceWords(drift)}
            </p>
            <table class="compact" id="models-drift">
              <TableHead columns={["Feature", "Verdict", "KS statistic", "KS p-value", "PSI"]} />
              <tbody>
                {Object.entries(drift.features).map(([name, f]) => (
                  <tr key={name} data-feature={name}>
                    <th scope="row">{name}</th>
                    <td>{verdict(f.verdict)}</td>
                    <td>{fixed(f.ks_statistic)}</td>
                    <td>{pValue(f.ks_p_value)}</td>
                    <td>{f.psi === null ? "—" : `${f.psi.toFixed(3)} (${driftLevel(f.psi)})`}</td>
                  </tr>
                ))}
                <tr data-feature="(all, MMD)">
                  <th scope="row">all features (MMD)</th>
                  <td>{verdict(drift.multivariate.verdict)}</td>
                  <td>{fixed(drift.multivariate.statistic, 4)}</td>
                  <td>{pValue(drift.multivariate.p_value)}</td>
                  <td>—</td>
                </tr>
              </tbody>
            </table>
            <p>
              <a href={DRIFT_REPORT_HREF} target="_blank" rel="noopener" id="drift-report-link">
                Open the drift report
              </a>{" "}
              (histograms of the training sample against the window)
            </p>
          </>
        )
        : <p class="muted">Not polled yet.</p>}
    </section>
  );
}
