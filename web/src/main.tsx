import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError, refreshSession } from './api/client';
import { App } from './app';
import { patientsQuery } from './pages/patients';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

function render() {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}

/**
 * Renders the app once the session is restored from the refresh request the page's entry sent (boot.ts). The
 * patients list, the page most visits open, is asked for the moment the token is back; the first render waits
 * a task, so that request is on its way before rendering takes the thread.
 */
export function start(sentRefresh: Promise<Response>): void {
  void refreshSession(sentRefresh)
    .then((signedIn) => {
      if (signedIn && window.location.pathname === '/patients') void queryClient.prefetchQuery(patientsQuery());
    })
    .finally(() => setTimeout(render));
}
