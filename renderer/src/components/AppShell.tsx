/** The frame: header with status chips, the left navigation, and the main area. */
import type { ReactNode } from 'react';
import type { AppStatus } from '../../../contract/model';
import { formatDateTime, formatFull, formatNumber } from '../format';
import { Alert } from './Alert';
import { type Route, href } from '../routes';
import { ActivityIcon, AppLogo, GlobeIcon, PlugIcon, UserIcon, UsersIcon } from './Icons';
import { StatusChips } from './StatusChips';
import { FaultDrillBanner } from './FaultDrillBanner';

function NavLink({ to, current, icon, children, count }: { to: string; current: boolean; icon: ReactNode; children: ReactNode; count?: number }) {
  return (
    <li>
      <a href={to} className={`nav-link${current ? ' is-current' : ''}`} aria-current={current ? 'page' : undefined}>
        <span className="nav-icon">{icon}</span>
        <span className="nav-text">{children}</span>
        {count !== undefined && (
          <span className="nav-count" aria-hidden="true">
            {formatNumber(count)}
          </span>
        )}
      </a>
    </li>
  );
}

/** The directory database cannot save: every screen says so, first, until it can again. */
function StoreAlert({ status }: { status: AppStatus }) {
  const store = status.store;
  if (store.state === 'ok') return null;
  return (
    <Alert
      tone="danger"
      role="alert"
      className="alert-prominent app-alert"
      title={store.state === 'disk-full' ? 'The disk is full: ScimDesk cannot save changes to users and groups' : 'ScimDesk cannot save changes to users and groups'}
    >
      <p>{store.message ?? 'Writes to the directory database fail. The identity providers get an error and will retry.'}</p>
      {store.since && (
        <p className="muted">
          Since{' '}
          <time dateTime={store.since} title={formatFull(store.since)}>
            {formatDateTime(store.since)}
          </time>
          .
        </p>
      )}
    </Alert>
  );
}

export function AppShell({ status, route, children }: { status: AppStatus; route: Route; children: ReactNode }) {
  const s = route.screen;
  return (
    <div className="app-shell">
      <a
        className="skip-link"
        href="#/"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="app-header">
        <a className="brand" href={href.scim()}>
          <AppLogo size={26} />
          <span className="brand-name">ScimDesk</span>
        </a>
        <StatusChips status={status} />
      </header>
      <div className="app-body">
        <nav className="sidebar" aria-label="Main">
          <p className="nav-section" id="nav-integrations">
            App Integrations
          </p>
          <ul className="nav-list" aria-labelledby="nav-integrations">
            <NavLink to={href.scim()} current={s === 'scim' || s === 'connection'} icon={<PlugIcon size={16} />}>
              SCIM
            </NavLink>
            <NavLink to={href.publicUrl()} current={s === 'public-url'} icon={<GlobeIcon size={16} />}>
              Public URL
            </NavLink>
          </ul>
          <p className="nav-section" id="nav-directory">
            Directory
          </p>
          <ul className="nav-list" aria-labelledby="nav-directory">
            <NavLink to={href.users()} current={s === 'users'} icon={<UserIcon size={16} />} count={status.counts.users}>
              Users
            </NavLink>
            <NavLink to={href.groups()} current={s === 'groups'} icon={<UsersIcon size={16} />} count={status.counts.groups}>
              Groups
            </NavLink>
          </ul>
          <p className="nav-section" id="nav-monitoring">
            Monitoring
          </p>
          <ul className="nav-list" aria-labelledby="nav-monitoring">
            <NavLink to={href.activity()} current={s === 'activity'} icon={<ActivityIcon size={16} />}>
              Activity
            </NavLink>
          </ul>
          <div className="sidebar-footer">
            <span>ScimDesk {status.version}</span>
            <span className="sidebar-footer-sub">SCIM 2.0 server</span>
          </div>
        </nav>
        <main id="main" className="app-main" tabIndex={-1}>
          <StoreAlert status={status} />
          <FaultDrillBanner status={status} />
          {children}
        </main>
      </div>
    </div>
  );
}
