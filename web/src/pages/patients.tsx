/** Patients: search (prefix of name or email), a state filter, a page of rows; staff may add one. */
import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, fetchData } from '../api/client';
import { useCursorPages } from '../components/cursor-pages';
import { TableScroll } from '../components/table';
import { ErrorMessage, Loading, Pager } from '../components/status';
import { isStaff, useSession } from '../session';

const PAGE_SIZE = 20;

type ListQuery = { limit: number; cursor?: string; search?: string; state?: string };

/** One page of the list; main.tsx starts the first page with these very options as soon as the session is back. */
export const patientsQuery = (query: ListQuery = { limit: PAGE_SIZE }) => ({
  queryKey: ['patients', query],
  queryFn: () => fetchData(() => api.GET('/api/patients', { params: { query } })),
});

/** The value after the user stops typing for a moment: one request per search, not one per key. */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function PatientsPage() {
  const session = useSession();
  const [search, setSearch] = useState('');
  const [state, setState] = useState('');
  const filters = { search: useSettled(search.trim()), state: useSettled(state.trim()) };
  const pages = useCursorPages(JSON.stringify(filters));
  const query: ListQuery = {
    limit: PAGE_SIZE,
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
    ...(filters.search ? { search: filters.search } : {}),
    ...(filters.state ? { state: filters.state } : {}),
  };
  const list = useQuery({ ...patientsQuery(query), placeholderData: keepPreviousData });

  return (
    <section>
      <div className="title-row">
        <h1>Patients</h1>
        {isStaff(session) && (
          <Link className="button" href="/patients/new">
            New patient
          </Link>
        )}
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="patient-search">Search</label>
          <input
            id="patient-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Name or email"
          />
        </div>
        <div className="field">
          <label htmlFor="patient-state">Filter by state</label>
          <input
            id="patient-state"
            value={state}
            onChange={(e) => setState(e.target.value)}
            placeholder="e.g. CA"
            size={6}
          />
        </div>
      </form>
      <ErrorMessage error={list.error} />
      {list.isPending ? (
        <Loading what="patients" />
      ) : (
        list.data && (
          <>
            <TableScroll label="Patients">
              <table>
                <caption className="sr-only">Patients</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Date of birth</th>
                    <th scope="col">City</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.patients.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link href={`/patients/${p.id}`}>
                          {p.firstName} {p.lastName}
                        </Link>
                      </td>
                      <td>{p.email}</td>
                      <td>{p.dateOfBirth}</td>
                      <td>{p.address.city}</td>
                      <td>{p.address.state}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {list.data.patients.length === 0 && <p>No patients match.</p>}
            <Pager
              page={pages.page}
              hasNext={Boolean(list.data.nextCursor)}
              onPrevious={pages.previous}
              onNext={() => pages.next(list.data.nextCursor!)}
            />
          </>
        )
      )}
    </section>
  );
}
