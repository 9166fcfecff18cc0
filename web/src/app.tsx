/** The frame of every page: header with the navigation the user's role allows, and the routes. */
import { lazy, Suspense } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Redirect, Route, Switch } from 'wouter';
import { signOut } from './api/client';
import { isAdmin, isStaff, useSession } from './session';
import { SignInPage } from './pages/sign-in';
import { PatientsPage } from './pages/patients';
import { PatientPage } from './pages/patient';
import { NewPatientPage, EditPatientPage } from './pages/patient-form';
import { UsersPage } from './pages/users';
import { SessionsPage } from './pages/sessions';
import { Loading } from './components/status';

// The charts' code (Chart.js) is most of the app's weight and only this page needs it: it loads when first opened.
const AnalyticsPage = lazy(() => import('./pages/analytics').then((m) => ({ default: m.AnalyticsPage })));

export function App() {
  const session = useSession();
  const queryClient = useQueryClient();
  if (!session) {
    return (
      <main>
        <SignInPage />
      </main>
    );
  }
  const leave = async () => {
    await signOut().catch(() => undefined);
    queryClient.clear();
  };
  return (
    <>
      <header className="top">
        <span className="brand">Patient Management</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href="/patients">Patients</Link>
            </li>
            {isStaff(session) && (
              <li>
                <Link href="/analytics">Analytics</Link>
              </li>
            )}
            {isAdmin(session) && (
              <li>
                <Link href="/users">Users</Link>
              </li>
            )}
            <li>
              <Link href="/sessions">My sessions</Link>
            </li>
          </ul>
        </nav>
        <span className="who">
          {session.email} ({session.role})
        </span>
        <button type="button" onClick={() => void leave()}>
          Sign out
        </button>
      </header>
      <main>
        <Switch>
          <Route path="/patients" component={PatientsPage} />
          <Route path="/patients/new">{isStaff(session) ? <NewPatientPage /> : <Redirect to="/patients" />}</Route>
          <Route path="/patients/:id/edit">
            {(params) =>
              isStaff(session) ? <EditPatientPage id={params.id} /> : <Redirect to={`/patients/${params.id}`} />
            }
          </Route>
          <Route path="/patients/:id">{(params) => <PatientPage id={params.id} />}</Route>
          <Route path="/analytics">
            {isStaff(session) ? (
              <Suspense fallback={<Loading what="analytics" />}>
                <AnalyticsPage />
              </Suspense>
            ) : (
              <Redirect to="/patients" />
            )}
          </Route>
          <Route path="/users">{isAdmin(session) ? <UsersPage /> : <Redirect to="/patients" />}</Route>
          <Route path="/sessions" component={SessionsPage} />
          <Route>
            <Redirect to="/patients" />
          </Route>
        </Switch>
      </main>
    </>
  );
}
