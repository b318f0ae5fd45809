/** App Integrations › SCIM: one tile per identity provider. */
import type { AppStatus, ConnectionStatus } from '../../../contract/model';
import { useLoadedStatus } from '../api/useStatus';
import { DataCard } from '../components/DataCard';
import { ConnectionStateBadge, HealthFacts } from '../components/Health';
import { Breadcrumb } from '../components/Breadcrumb';
import { CopyButton } from '../components/CopyButton';
import { HelpLink } from '../components/ExternalLink';
import { ActivityIcon, ArrowRightIcon, GlobeIcon } from '../components/Icons';
import { IdpLogo } from '../components/IdpLogo';
import { PageHeader } from '../components/PageHeader';
import { RelativeTime } from '../components/RelativeTime';
import { formatNumber } from '../format';
import { href } from '../routes';
import { ReachBadge } from '../components/ReachBadge';
import { reachBadge } from '../tunnel';
import { CardHeader, CardIcon } from '../components/CardHeader';

const TAGLINES: Record<string, string> = {
  okta: 'SCIM 2.0 Test App (Header Auth): users, deactivation and group push.',
  entra: 'Enterprise application (non-gallery): users, groups and the enterprise extension.',
};

function Tile({ connection, status }: { connection: ConnectionStatus; status: AppStatus }) {
  const reach = reachBadge(status);
  const showHealth = connection.enabled || connection.health.state !== 'idle';
  return (
    <li>
      <a className="tile" href={href.connection(connection.name)}>
        <div className="tile-head">
          <IdpLogo connection={connection.name} size={44} />
          <div className="tile-title">
            <span className="tile-name">{connection.label}</span>
          </div>
          <ConnectionStateBadge connection={connection} />
        </div>
        <p className="tile-text">{TAGLINES[connection.name]}</p>
        {showHealth && (
          <div className={`tile-health tile-health-${connection.health.state}`}>
            <p className="tile-health-sentence">{connection.health.sentence}</p>
            <HealthFacts health={connection.health} className="health-facts-compact" />
          </div>
        )}
        <div className="tile-meta">
          {/* The health box above already says when requests last worked. */}
          {!showHealth && (
            <span className="tile-meta-item">
              <ActivityIcon size={14} />
              {connection.lastUsedAt ? (
                <span>
                  Last request <RelativeTime iso={connection.lastUsedAt} />
                </span>
              ) : (
                <span>No requests yet</span>
              )}
            </span>
          )}
          <span className="tile-meta-item">
            <GlobeIcon size={14} />
            <span>{reach.label}</span>
          </span>
        </div>
        <span className="tile-cta">
          {connection.enabled ? 'Manage connection' : 'Set up'}
          <ArrowRightIcon size={14} />
        </span>
      </a>
    </li>
  );
}

export function ScimScreen() {
  const status = useLoadedStatus();
  return (
    <div className="page">
      <PageHeader
        title="SCIM"
        subtitle="Let your identity provider create, update and deactivate users and push groups into ScimDesk with SCIM 2.0."
      >
        <Breadcrumb items={[{ label: 'App Integrations' }, { label: 'SCIM' }]} />
      </PageHeader>

      <ul className="tiles" aria-label="Identity providers">
        {status.connections.map((c) => (
          <Tile key={c.name} connection={c} status={status} />
        ))}
      </ul>

      <section className="card endpoint-card" aria-labelledby="endpoint-title">
        <CardHeader
          icon={<CardIcon><GlobeIcon size={18} /></CardIcon>}
          title="Provisioning endpoint"
          titleId="endpoint-title"
          subtitle="Both identity providers use the same endpoint, each with its own token."
          aside={<ReachBadge status={status} />}
        />
        <div className="card-body endpoint-body">
          <div className="endpoint-url">
            <span className="mono">{status.scimUrl ?? 'Not available yet'}</span>
            {status.scimUrl && <CopyButton text={status.scimUrl} what="endpoint URL" variant="ghost" />}
          </div>
          <dl className="endpoint-stats">
            <div>
              <dt>Users</dt>
              <dd>
                <a href={href.users()}>
                  {/* The number alone would be announced as "0": the link says what it counts. */}
                  {formatNumber(status.counts.users)}
                  <span className="sr-only"> {status.counts.users === 1 ? 'user' : 'users'}</span>
                </a>
              </dd>
            </div>
            <div>
              <dt>Groups</dt>
              <dd>
                <a href={href.groups()}>
                  {/* The number alone would be announced as "0": the link says what it counts. */}
                  {formatNumber(status.counts.groups)}
                  <span className="sr-only"> {status.counts.groups === 1 ? 'group' : 'groups'}</span>
                </a>
              </dd>
            </div>
          </dl>
        </div>
        <div className="card-footer endpoint-footer">
          <a className="endpoint-link" href={href.publicUrl()}>
            Public URL: tunnel, own URL, check from outside <ArrowRightIcon size={14} />
          </a>
          <span>
            ScimDesk implements the SCIM 2.0 protocol: <HelpLink link="rfc7644">RFC 7644</HelpLink>
          </span>
        </div>
      </section>

      <DataCard dataDir={status.dataDir} />
    </div>
  );
}
