/**
 * App Integrations › SCIM › Public URL: the one place, shared by Okta and Entra ID, for how the
 * identity providers reach ScimDesk — the tunnel's or own URL's state, the check from outside,
 * and the settings.
 */
import { useId } from 'react';
import { useLoadedStatus } from '../api/useStatus';
import { Breadcrumb } from '../components/Breadcrumb';
import { PageHeader } from '../components/PageHeader';
import { PublicCheckCard } from '../components/PublicCheckCard';
import { ReachBadge } from '../components/ReachBadge';
import { TunnelSettingsForm } from '../components/TunnelSettingsForm';
import { TunnelStateCard } from '../components/TunnelStateCard';
import { href } from '../routes';
import { BOTH_IDPS } from '../tunnel';
import { CardHeader } from '../components/CardHeader';

export function PublicUrlScreen() {
  const status = useLoadedStatus();
  const settingsId = useId();
  return (
    <div className="page page-narrow">
      <PageHeader
        title="Public URL"
        subtitle={`${BOTH_IDPS} run in the cloud: both reach ScimDesk on this computer through this one public HTTPS URL, each with its own token.`}
        actions={<ReachBadge status={status} />}
      >
        <Breadcrumb items={[{ label: 'App Integrations' }, { label: 'SCIM', href: href.scim() }, { label: 'Public URL' }]} />
      </PageHeader>
      <div className="stack">
        <TunnelStateCard status={status} />
        <PublicCheckCard status={status} />
        <section className="card" aria-labelledby={settingsId}>
          <CardHeader
            title="Tunnel or own URL"
            titleId={settingsId}
            subtitle="A change applies to both identity providers; their SCIM URL changes with it."
          />
          <TunnelSettingsForm status={status} />
        </section>
      </div>
    </div>
  );
}
