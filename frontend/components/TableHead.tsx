/** A table's header row: one column header per name, scoped to its column. */
import type { JSX } from "preact";

/** `<thead>` with a `<th scope="col">` per entry of `columns`. */
export function TableHead({ columns }: { columns: readonly string[] }): JSX.Element {
  return (
    <thead>
      <tr>
        {columns.map((name) => <th key={name} scope="col">{name}</th>)}
      </tr>
    </thead>
  );
}
