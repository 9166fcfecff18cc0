/** What every page shows while it loads or when a request fails. */
import { ApiError } from '../api/client';

export const Loading = ({ what }: { what: string }) => <p role="status">Loading {what}…</p>;

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiError && error.status === 404 ? 'Not found, or not yours to see.' : (error as Error).message;
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}

/** Previous and next over a cursor-paged list (the API's nextCursor). */
export function Pager({
  page,
  hasNext,
  onPrevious,
  onNext,
}: {
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  return (
    <div className="pager">
      <button type="button" onClick={onPrevious} disabled={page === 0}>
        Previous page
      </button>
      <span>Page {page + 1}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next page
      </button>
    </div>
  );
}
