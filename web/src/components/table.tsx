/** A table of records with a header row, scrolling sideways on its own on narrow screens. */
import type { ReactNode } from 'react';

/**
 * The box a table scrolls sideways in on narrow screens: a region named "`label` table" (its section is the region
 * named `label`) that the keyboard can reach and then scroll with the arrow keys, as axe's
 * scrollable-region-focusable asks.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={`${label} table`} tabIndex={0}>
      {children}
    </div>
  );
}

export function Table<T>({
  label,
  columns,
  items,
  rowKey,
  cells,
}: {
  label: string;
  columns: string[];
  items: T[];
  rowKey: (item: T) => string | number;
  cells: (item: T) => ReactNode[];
}) {
  return (
    <TableScroll label={label}>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={rowKey(item)}>
              {cells(item).map((cell, i) => (
                <td key={columns[i]}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
