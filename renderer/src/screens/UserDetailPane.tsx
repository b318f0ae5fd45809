/** The "User details" pane: summary, attributes, groups, the SCIM resource and its history. */
import { isApiError } from '../api/client';
import { useConnectionLabel } from '../api/useStatus';
import { useUser } from '../api/useUsers';
import { AttributeList } from '../components/AttributeList';
import { ErrorAlert } from '../components/Alert';
import { Avatar } from '../components/Avatar';
import { ActiveBadge, Badge } from '../components/Badge';
import { DetailPane, DetailSection, Facts, resourceFacts } from '../components/DetailPane';
import { HistorySection } from '../components/HistoryTable';
import { JsonView } from '../components/JsonView';
import { Skeleton } from '../components/Spinner';
import { href } from '../routes';

/** `close` is the list's URL (its search, sort and page kept). */
export function UserDetailPane({ id, close }: { id: string; close: string }) {
  const user = useUser(id);
  const labelOf = useConnectionLabel();

  if (user.isPending) {
    return (
      <DetailPane label="Loading user details" closeHref={close} heading="User" busy>
        <Skeleton lines={8} />
      </DetailPane>
    );
  }
  if (user.isError) {
    return (
      <DetailPane label="User details" closeHref={close} heading="User">
        <ErrorAlert error={user.error} title={isApiError(user.error, 'not-found') ? 'This user does not exist (any more)' : 'The user could not be loaded'} />
      </DetailPane>
    );
  }
  const { summary: u, resource, groups, history } = user.data;
  const title = u.name ?? u.userName;
  return (
    <DetailPane label="User details" closeHref={close} heading="User">
      <header className="detail-header">
        <Avatar name={title} size="lg" />
        <div className="detail-header-text">
          <h2 className="detail-title">{title}</h2>
          <p className="detail-subtitle mono">{u.userName}</p>
          <div className="detail-badges">
            <ActiveBadge active={u.active} />
            {u.source && <Badge tone="info">{`From ${labelOf(u.source)}`}</Badge>}
          </div>
        </div>
      </header>

      <DetailSection title="Summary" id="user-summary">
        <Facts
          items={[
            ['User name', <span key="u" className="mono break">{u.userName}</span>],
            ['Name', u.name ?? '—'],
            ['Email', u.email ?? '—'],
            ['Status', u.active === false ? 'Deactivated' : 'Active'],
            ['Source', labelOf(u.source) ?? '—'],
            u.lastChangedBy !== null && u.lastChangedBy !== u.source && ['Last changed by', labelOf(u.lastChangedBy)],
            ...resourceFacts(u),
          ]}
        />
      </DetailSection>

      <DetailSection title="Attributes" id="user-attributes">
        <AttributeList resource={resource} />
      </DetailSection>

      <DetailSection title="Groups" id="user-groups" aside={<span className="count-pill">{groups.length}</span>}>
        {groups.length === 0 ? (
          <p className="muted">Not a member of any group.</p>
        ) : (
          <ul className="link-list">
            {groups.map((g) => (
              <li key={g.id}>
                <a href={href.groups(g.id)}>{g.displayName}</a>
              </li>
            ))}
          </ul>
        )}
      </DetailSection>

      <DetailSection title="SCIM JSON" id="user-json">
        <JsonView value={resource} label="SCIM JSON" copyWhat="SCIM JSON" />
      </DetailSection>

      <HistorySection history={history} label="user" name={u.userName} />
    </DetailPane>
  );
}
