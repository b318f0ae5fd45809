/**
 * What an empty Users or Groups list means, by what is set up. With no connection enabled: how
 * to enable one. With one enabled, telling the admin to enable it would send them to a switch
 * that is already on: instead it says so, what the identity provider has still to do, and
 * where to look (Activity lists every request it sent, and those ScimDesk refused).
 */
import type { ConnectionName } from '../../../contract/connections';
import { useStatus } from '../api/useStatus';
import { href } from '../routes';
import { EmptyState } from './EmptyState';
import { UserIcon, UsersIcon } from './Icons';

type Kind = 'users' | 'groups';

/** What each identity provider still has to do, after "<IdP> is enabled but has not …". */
const MISSING: Record<Kind, Record<ConnectionName, string>> = {
  users: {
    okta: 'sent any user yet: assign people to the app on its Assignments tab in Okta, with Create Users on under Provisioning › To App.',
    entra: 'sent any user yet: assign users to the enterprise app, then use Provision on demand or wait for its next cycle (every 40 minutes).',
  },
  groups: {
    okta: "pushed any group yet: add groups on the app's Push Groups tab in Okta, or push them now from there.",
    entra: 'sent any group yet: assign groups to the enterprise app; they arrive with its next provisioning cycle (every 40 minutes).',
  },
};

export function ProvisioningEmptyState({ kind }: { kind: Kind }) {
  const enabled = useStatus().data?.connections.filter((c) => c.enabled) ?? [];
  const title = kind === 'users' ? 'No users yet.' : 'No groups yet.';
  const icon = kind === 'users' ? <UserIcon size={22} /> : <UsersIcon size={22} />;
  if (enabled.length === 0) {
    return (
      <EmptyState
        title={title}
        icon={icon}
        action={
          <a className="btn btn-primary" href={href.scim()}>
            Go to App Integrations › SCIM
          </a>
        }
      >
        {kind === 'users'
          ? 'Enable Okta or Microsoft Entra ID under App Integrations › SCIM, paste the SCIM URL and token into it, then assign people to the app.'
          : 'Enable Okta or Microsoft Entra ID under App Integrations › SCIM, paste the SCIM URL and token into it, then push or assign groups to the app.'}
      </EmptyState>
    );
  }
  return (
    <EmptyState
      title={title}
      icon={icon}
      action={
        <a className="btn btn-secondary" href={href.activity()}>
          See the requests in Activity
        </a>
      }
    >
      {enabled.map((c) => `${c.label} is enabled but has not ${MISSING[kind][c.name]}`).join(' ')}
    </EmptyState>
  );
}
