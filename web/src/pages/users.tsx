/** Users (admin): role, disable or enable, and end every login of a user. Each change ends that user's logins at once. */
import { useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, fetchData, type Role, type Schemas } from '../api/client';
import { useCursorPages } from '../components/cursor-pages';
import { TableScroll } from '../components/table';
import { ErrorMessage, Loading, Pager } from '../components/status';
import { dateTime } from '../format';

type User = Schemas['ManagedUser'];
const ROLES: Role[] = ['admin', 'clinician', 'patient'];

export function UsersPage() {
  const pages = useCursorPages('users');
  const query = { limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) };
  const users = useQuery({
    queryKey: ['users', query],
    queryFn: () => fetchData(() => api.GET('/api/users', { params: { query } })),
  });
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: ({ user, patch }: { user: User; patch: Schemas['UserPatch'] }) =>
      fetchData(() => api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: patch })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const endLogins = useMutation({
    mutationFn: (user: User) =>
      call(() => api.DELETE('/api/users/{id}/sessions', { params: { path: { id: user.id } } })).then(() => user),
  });
  return (
    <section>
      <h1>Users</h1>
      <ErrorMessage error={change.error ?? endLogins.error ?? users.error} />
      {endLogins.isSuccess && <p role="status">Every login of {endLogins.data.email} has ended.</p>}
      {users.isPending ? (
        <Loading what="users" />
      ) : (
        users.data && (
          <>
            <TableScroll label="Users">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last login</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.users.map((u) => (
                    <tr key={u.id}>
                      <td>{u.email}</td>
                      <td>
                        <select
                          aria-label={`Role of ${u.email}`}
                          value={u.role}
                          disabled={change.isPending}
                          onChange={(e) => change.mutate({ user: u, patch: { role: e.target.value as Role } })}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>{u.status}</td>
                      <td>{dateTime(u.lastLoginAt)}</td>
                      <td className="row-actions">
                        <button
                          type="button"
                          disabled={change.isPending}
                          aria-label={`${u.status === 'active' ? 'Disable' : 'Enable'} ${u.email}`}
                          onClick={() =>
                            change.mutate({ user: u, patch: { status: u.status === 'active' ? 'disabled' : 'active' } })
                          }
                        >
                          {u.status === 'active' ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          aria-label={`End sessions of ${u.email}`}
                          onClick={() => endLogins.mutate(u)}
                        >
                          End sessions
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <Pager
              page={pages.page}
              hasNext={Boolean(users.data.nextCursor)}
              onPrevious={pages.previous}
              onNext={() => pages.next(users.data.nextCursor!)}
            />
          </>
        )
      )}
    </section>
  );
}
