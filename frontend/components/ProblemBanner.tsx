/** An error message the user must notice: announced with role="alert". */

import type { JSX } from "preact";

/** A problem to show (the same fields as a problem+json body). */
export interface ProblemView {
  title: string;
  detail: string;
  status: number;
}

/** Props of {@link ProblemBanner}. */
export interface ProblemBannerProps {
  problem: ProblemView | null;
  /** What the page keeps doing meanwhile, e.g. "Retrying every 2 s". */
  note?: string;
  id?: string;
}

/** The heading of a problem: its title plus the status once, e.g. "Not found (HTTP 404)". */
export function problemHeading(problem: ProblemView): string {
  const status = `HTTP ${problem.status}`;
  // A title that already names the status (a body that was not a problem) gets it once.
  if (problem.status <= 0 || problem.title.includes(status)) return problem.title;
  return `${problem.title} (${status})`;
}

/** Render nothing when there is no problem; otherwise the title, the detail and the status as text. */
export function ProblemBanner({ problem, note, id }: ProblemBannerProps): JSX.Element | null {
  if (!problem) return null;
  return (
    <div class="problem" role="alert" id={id}>
      <strong>
        <span aria-hidden="true">⚠</span> {problemHeading(problem)}
      </strong>
      <p>{problem.detail}</p>
      {note ? <p class="note">{note}</p> : null}
    </div>
  );
}
