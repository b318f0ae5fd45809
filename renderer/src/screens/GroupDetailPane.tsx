/** The "Group details" pane: summary, members (searched and paged on the server), SCIM JSON, history. */
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useGroup } from '../api/useGroups';
import { useConnectionLabel } from '../api/useStatus';
import { ErrorAlert } from '../components/Alert';
import { Avatar } from '../components/Avatar';
import { ActiveBadge, Badge } from '../components/Badge';
import { DetailPane, DetailSection, Facts, resourceFacts } from '../components/DetailPane';
import { HistorySection } from '../components/HistoryTable';
import { JsonView } from '../components/JsonView';
import { Pagination } from '../components/Pagination';
import { SearchInput } from '../components/SearchInput';
import { Skeleton } from '../components/Spinner';
import { formatNumber, plural } from '../format';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { useListPaging } from '../hooks/useListPaging';
import { href } from '../routes';

const MEMBERS_PAGE = 25;

/** `close` is the list's URL (its search, sort and page kept). */
export function GroupDetailPane({ id, close }: { id: string; close: string }) {
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebouncedValue(search.trim(), 250);
  const [offset, setOffset] = useListPaging(debouncedSearch);
  const group = useGroup(id, { ...(debouncedSearch ? { search: debouncedSearch } : {}), offset, limit: MEMBERS_PAGE });
  const labelOf = useConnectionLabel();

  if (group.isPending) {
    return (
      <DetailPane label="Loading group details" closeHref={close} heading="Group" busy>
        <Skeleton lines={8} />
      </DetailPane>
    );
  }
  if (group.isError && !group.data) {
    return (
      <DetailPane label="Group details" closeHref={close} heading="Group">
        <ErrorAlert error={group.error} title={isApiError(group.error, 'not-found') ? 'This group does not exist (any more)' : 'The group could not be loaded'} />
      </DetailPane>
    );
  }
  const { summary: g, resource, members, history } = group.data;
  return (
    <DetailPane label="Group details" closeHref={close} heading="Group">
      <header className="detail-header">
        <span className="group-mark" aria-hidden="true">
          {g.displayName.slice(0, 1).toUpperCase()}
        </span>
        <div className="detail-header-text">
          <h2 className="detail-title">{g.displayName}</h2>
          <p className="detail-subtitle">{plural(g.memberCount, 'member')}</p>
          <div className="detail-badges">{g.source && <Badge tone="info">{`From ${labelOf(g.source)}`}</Badge>}</div>
        </div>
      </header>

      <DetailSection title="Summary" id="group-summary">
        <Facts
          items={[
            ['Name', g.displayName],
            ['Members', formatNumber(g.memberCount)],
            ['Source', labelOf(g.source) ?? '—'],
            g.lastChangedBy !== null && g.lastChangedBy !== g.source && ['Last changed by', labelOf(g.lastChangedBy)],
            ...resourceFacts(g),
          ]}
        />
      </DetailSection>

      <DetailSection title="Members" id="group-members" aside={<span className="count-pill">{formatNumber(g.memberCount)}</span>}>
        {g.memberCount > 0 && (
          <div className="members-toolbar">
            <SearchInput label="Search members" value={search} onChange={setSearch} placeholder="Search members by user name or name" />
          </div>
        )}
        {g.memberCount === 0 ? (
          <p className="muted">No members. Okta adds them when it pushes the group&apos;s memberships.</p>
        ) : members.items.length === 0 ? (
          <p className="muted">No member matches “{debouncedSearch}”.</p>
        ) : (
          <table className={`mini-table members-table${group.isPlaceholderData ? ' is-stale' : ''}`}>
            <caption className="sr-only">Members of {g.displayName}</caption>
            <thead>
              <tr>
                <th scope="col">User name</th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {members.items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <span className="member-cell">
                      <Avatar name={m.name ?? m.userName} size="sm" />
                      <a href={href.users(m.id)} title={m.userName}>
                        {m.userName}
                      </a>
                    </span>
                  </td>
                  <td>{m.name ?? <span className="muted">—</span>}</td>
                  <td>
                    <ActiveBadge active={m.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {members.total > MEMBERS_PAGE && (
          <Pagination offset={members.offset} count={members.items.length} total={members.total} limit={MEMBERS_PAGE} onOffset={setOffset} noun="members" busy={group.isFetching} />
        )}
      </DetailSection>

      <DetailSection title="SCIM JSON" id="group-json">
        <JsonView value={resource} label="SCIM JSON" copyWhat="SCIM JSON" />
      </DetailSection>

      <HistorySection history={history} label="group" name={g.displayName} />
    </DetailPane>
  );
}
