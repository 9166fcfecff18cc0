/** Cursor paging as a stack of the cursors seen so far: the API pages forwards only. */
import { useState } from 'react';

export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: resetKey,
    cursors: [undefined],
  });
  // A new search or filter starts again from the first page.
  const cursors = state.key === resetKey ? state.cursors : [undefined];
  return {
    page: cursors.length - 1,
    cursor: cursors[cursors.length - 1],
    next: (cursor: string) => setState({ key: resetKey, cursors: [...cursors, cursor] }),
    previous: () => setState({ key: resetKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
  };
}
