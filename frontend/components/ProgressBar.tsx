/** A labelled progress bar with its figures spelled out as text. */

import type { JSX } from "preact";

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  id: string;
  label: string;
  value: number;
  max: number;
  /** Text after the bar, e.g. "120 of 200 requests". */
  text: string;
}

/** A native `<progress>` (announced by screen readers) with a visible label and text. */
export function ProgressBar({ id, label, value, max, text }: ProgressBarProps): JSX.Element {
  return (
    <div class="progress">
      <label for={id}>{label}</label>
      <progress id={id} value={value} max={Math.max(1, max)}>{text}</progress>
      <span class="progress-text" aria-hidden="true">{text}</span>
    </div>
  );
}
