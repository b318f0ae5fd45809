/** The admin panel: waits for the app status, then routes between the screens. */
import { useEffect, useRef } from 'react';
import { errorMessage, isApiError } from './api/client';
import { useStatus } from './api/useStatus';
import { ErrorAlert } from './components/Alert';
import { AppShell } from './components/AppShell';
import { FullPageMessage } from './components/FullPageMessage';
import { LeavePrompt } from './components/LeavePrompt';
import { Spinner } from './components/Spinner';
import { useHashRoute } from './hooks/useHashRoute';
import { DEFAULT_PATH, type Route } from './routes';
import { ActivityScreen } from './screens/ActivityScreen';
import { ConnectionScreen } from './screens/ConnectionScreen';
import { GroupsScreen } from './screens/GroupsScreen';
import { NotFoundScreen } from './screens/NotFoundScreen';
import { PublicUrlScreen } from './screens/PublicUrlScreen';
import { ScimScreen } from './screens/ScimScreen';
import { UsersScreen } from './screens/UsersScreen';

function pageKey(route: Route): string {
  return route.screen === 'connection' ? `connection:${route.connection}` : route.screen;
}

const TITLES: Record<Route['screen'], string> = {
  scim: 'SCIM',
  'public-url': 'Public URL',
  connection: 'SCIM',
  users: 'Users',
  groups: 'Groups',
  activity: 'Activity',
  'not-found': 'Page not found',
};

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'scim':
      return <ScimScreen />;
    case 'public-url':
      return <PublicUrlScreen />;
    case 'connection':
      // Keyed: a token shown on one connection's page never carries over to the other.
      return <ConnectionScreen key={route.connection} connection={route.connection} section={route.section} />;
    case 'users':
      return <UsersScreen selectedId={route.id} state={route.list} />;
    case 'groups':
      return <GroupsScreen selectedId={route.id} state={route.list} />;
    case 'activity':
      return <ActivityScreen selectedSeq={route.seq} tab={route.tab} filters={route.filters} />;
    default:
      return <NotFoundScreen path={route.path} />;
  }
}

export function App() {
  const route = useHashRoute();
  const status = useStatus();
  const key = pageKey(route);
  const previousKey = useRef<string | null>(null);

  useEffect(() => {
    if (!window.location.hash || window.location.hash === '#/' || window.location.hash === '#') window.location.replace(`#${DEFAULT_PATH}`);
  }, [key]);

  useEffect(() => {
    document.title = `${TITLES[route.screen]} · ScimDesk`;
  }, [route.screen]);

  // On a new page (not a new selection within one), it starts at the top, and screen readers
  // start at its heading.
  useEffect(() => {
    if (previousKey.current !== null && previousKey.current !== key) {
      document.getElementById('main')?.scrollTo({ top: 0 });
      document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
    }
    previousKey.current = key;
  }, [key, status.isSuccess]);

  if (status.isPending) {
    return (
      <FullPageMessage>
        <Spinner label="Starting ScimDesk…" size="lg" />
      </FullPageMessage>
    );
  }
  if (status.isError) {
    const startup = isApiError(status.error, 'startup-failed');
    return (
      <FullPageMessage>
        <h1 className="full-page-title">{startup ? 'ScimDesk could not start' : 'ScimDesk is not answering'}</h1>
        {startup ? (
          <div role="alert" className="alert alert-danger full-page-alert">
            <p>ScimDesk could not start: {errorMessage(status.error)}</p>
          </div>
        ) : (
          <ErrorAlert error={status.error} />
        )}
        {startup ? (
          <p className="muted">Fix the problem above, then restart ScimDesk. Its log holds the details.</p>
        ) : (
          <button type="button" className="btn btn-secondary" onClick={() => void status.refetch()}>
            Try again
          </button>
        )}
      </FullPageMessage>
    );
  }
  return (
    <AppShell status={status.data} route={route}>
      <Screen route={route} />
      <LeavePrompt />
    </AppShell>
  );
}
