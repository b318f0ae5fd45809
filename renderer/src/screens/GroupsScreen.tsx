/** Groups: the pushed groups, paged and sorted on the server, with a detail pane. */
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo } from 'react';
import type { GroupQuery } from '../../../contract/schemas';
import type { GroupSummary } from '../../../contract/model';
import { useGroupList } from '../api/useGroups';
import { useConnectionLabel } from '../api/useStatus';
import { sharedColumns } from '../components/columns';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { ProvisioningEmptyState } from '../components/ProvisioningEmptyState';
import { SearchInput } from '../components/SearchInput';
import { PAGE_SIZE, ServerList } from '../components/ServerList';
import { formatNumber, plural } from '../format';
import { useUrlList } from '../hooks/useUrlList';
import { type ListUrlState, href, navigate } from '../routes';
import { GroupDetailPane } from './GroupDetailPane';

type SortKey = NonNullable<GroupQuery['sort']>;

const col = createColumnHelper<GroupSummary>();

export function GroupsScreen({ selectedId, state }: { selectedId: string | null; state: ListUrlState<SortKey> }) {
  const url = useUrlList(state, { sort: 'displayName', desc: false }, (next) => href.groups(selectedId ?? undefined, next), PAGE_SIZE);
  const debouncedSearch = state.search?.trim() ?? '';
  const sort = url.sorting[0];
  const labelOf = useConnectionLabel();

  const query: GroupQuery = {
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
    sort: (sort?.id ?? 'displayName') as SortKey,
    order: sort?.desc ? 'desc' : 'asc',
    offset: url.offset,
    limit: PAGE_SIZE,
  };
  const list = useGroupList(query);
  const page = list.data;

  const columns = useMemo(
    () => [
      col.accessor('displayName', { id: 'displayName', header: 'Name', cell: (c) => <span className="cell-primary">{c.getValue()}</span>, meta: { className: 'col-groupname' } }),
      col.accessor('memberCount', {
        id: 'members',
        header: 'Members',
        sortDescFirst: true,
        cell: (c) => <span className="num">{formatNumber(c.getValue())}</span>,
        meta: { className: 'col-members cell-num' },
      }),
      ...sharedColumns<GroupSummary>(labelOf),
    ],
    [labelOf],
  );

  return (
    <div className="page page-list">
      <PageHeader title="Groups" subtitle="Groups pushed by your identity provider, with their members." />
      <div className="toolbar">
        <SearchInput label="Search groups" value={url.search} onChange={url.setSearch} placeholder="Search by name, external ID or ID" />
        <p className="toolbar-count">{page ? plural(page.total, debouncedSearch ? 'match' : 'group', debouncedSearch ? 'matches' : 'groups') : ''}</p>
      </div>
      <ServerList<GroupSummary>
        list={list}
        listKey={JSON.stringify(query)}
        columns={columns}
        sorting={url.sorting}
        onSortingChange={url.onSortingChange}
        onOffset={url.setOffset}
        caption="Groups"
        className="groups-table"
        selectedId={selectedId}
        onActivate={(group) => navigate(href.groups(group.id, state))}
        filtered={debouncedSearch !== ''}
        empty={<ProvisioningEmptyState kind="groups" />}
        noMatch={
          <EmptyState
            title="No matching groups."
            action={
              <button type="button" className="btn btn-secondary" onClick={() => {
                url.setSearch('');
                url.update({ search: undefined });
              }}>
                Clear search
              </button>
            }
          >
            <>No group matches “{debouncedSearch}”.</>
          </EmptyState>
        }
        detail={<GroupDetailPane key={selectedId} id={selectedId ?? ''} close={href.groups(undefined, state)} />}
      />
    </div>
  );
}
