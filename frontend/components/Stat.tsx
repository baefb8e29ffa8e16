/** One labelled figure in a counters list (`<dl>`). */

import type { JSX } from "preact";

/** Props of {@link Stat}. */
export interface StatProps {
  label: string;
  value: string | number;
  /** Stable id for tests and `aria-describedby`. */
  id?: string;
  /** A short explanation shown under the value. */
  hint?: string;
}

/** A `<div>` of a `<dl>`: the label as `<dt>`, the value as `<dd>`. */
export function Stat({ label, value, id, hint }: StatProps): JSX.Element {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd id={id} data-value={String(value)}>
        {value}
        {hint ? <small>{hint}</small> : null}
      </dd>
    </div>
  );
}
