/** A table of records with a header row, scrolling sideways on its own on narrow screens. */
import type { ReactNode } from 'react';

export function Table<T>({
  columns,
  items,
  rowKey,
  cells,
}: {
  columns: string[];
  items: T[];
  rowKey: (item: T) => string | number;
  cells: (item: T) => ReactNode[];
}) {
  return (
    <div className="table-wrap">
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
    </div>
  );
}
