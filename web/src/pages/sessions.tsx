/** My sessions: the caller's active logins; ending one stops its tokens at once (ending this one signs out). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fetchData, signOut } from '../api/client';
import { TableScroll } from '../components/table';
import { ErrorMessage, Loading } from '../components/status';
import { dateTime } from '../format';

export function SessionsPage() {
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => fetchData(() => api.GET('/api/auth/sessions')),
    staleTime: 0,
  });
  const end = useMutation({
    mutationFn: async ({ id, current }: { id: string; current: boolean }) => {
      if (current) return signOut();
      await call(() => api.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sessions'] }),
  });
  return (
    <section>
      <h1>My sessions</h1>
      <ErrorMessage error={end.error ?? sessions.error} />
      {sessions.isPending ? (
        <Loading what="sessions" />
      ) : (
        sessions.data && (
          <TableScroll label="Sessions">
            <table>
              <thead>
                <tr>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Device</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {sessions.data.sessions.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {dateTime(s.createdAt)}
                      {s.current && <strong> (this session)</strong>}
                    </td>
                    <td>{dateTime(s.lastUsedAt)}</td>
                    <td>{s.userAgent ?? 'unknown'}</td>
                    <td>
                      <button
                        type="button"
                        disabled={end.isPending}
                        onClick={() => end.mutate({ id: s.id, current: s.current })}
                        aria-label={
                          s.current
                            ? 'End session (this one: signs you out)'
                            : `End session from ${dateTime(s.createdAt)}`
                        }
                      >
                        End session
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )
      )}
    </section>
  );
}
