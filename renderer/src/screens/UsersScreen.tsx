/** Users: the provisioned people, paged and sorted on the server, with a detail pane. */
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo } from 'react';
import type { UserQuery } from '../../../contract/schemas';
import type { UserSummary } from '../../../contract/model';
import { useConnectionLabel } from '../api/useStatus';
import { useUserList } from '../api/useUsers';
import { ActiveBadge } from '../components/Badge';
import { sharedColumns } from '../components/columns';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { ProvisioningEmptyState } from '../components/ProvisioningEmptyState';
import { SearchInput } from '../components/SearchInput';
import { SelectField } from '../components/SelectField';
import { PAGE_SIZE, ServerList } from '../components/ServerList';
import { plural } from '../format';
import { useUrlList } from '../hooks/useUrlList';
import { type ListUrlState, href, navigate } from '../routes';
import { UserDetailPane } from './UserDetailPane';

type StatusFilter = NonNullable<UserQuery['status']>;
type SortKey = NonNullable<UserQuery['sort']>;

const col = createColumnHelper<UserSummary>();

export function UsersScreen({ selectedId, state }: { selectedId: string | null; state: ListUrlState<SortKey> }) {
  const url = useUrlList(state, { sort: 'created', desc: true }, (next) => href.users(selectedId ?? undefined, next), PAGE_SIZE);
  const debouncedSearch = state.search?.trim() ?? '';
  const statusFilter: StatusFilter = state.status ?? 'all';
  const sort = url.sorting[0];
  const labelOf = useConnectionLabel();

  const query: UserQuery = {
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
    status: statusFilter,
    sort: (sort?.id ?? 'created') as SortKey,
    order: sort?.desc ? 'desc' : 'asc',
    offset: url.offset,
    limit: PAGE_SIZE,
  };
  const list = useUserList(query);
  const page = list.data;

  const columns = useMemo(
    () => [
      col.accessor('userName', {
        id: 'userName',
        header: 'User name',
        cell: (c) => <span className="cell-primary">{c.getValue()}</span>,
        meta: { className: 'col-username' },
      }),
      col.accessor('name', { id: 'name', header: 'Name', cell: (c) => c.getValue() ?? <span className="muted">—</span>, meta: { className: 'col-name' } }),
      col.accessor('email', { id: 'email', header: 'Email', cell: (c) => c.getValue() ?? <span className="muted">—</span>, meta: { className: 'col-email' } }),
      col.accessor('active', { id: 'active', header: 'Status', cell: (c) => <ActiveBadge active={c.getValue()} />, meta: { className: 'col-status' } }),
      ...sharedColumns<UserSummary>(labelOf),
    ],
    [labelOf],
  );

  const filtered = debouncedSearch !== '' || statusFilter !== 'all';

  return (
    <div className="page page-list">
      <PageHeader title="Users" subtitle="People provisioned by Okta and Microsoft Entra ID. Select a user to see its attributes, groups and history." />
      <div className="toolbar">
        <SearchInput label="Search users" value={url.search} onChange={url.setSearch} placeholder="Search by user name, name, email or ID" />
        <SelectField<StatusFilter>
          label="Status"
          value={statusFilter}
          onChange={(status) => url.update({ status: status === 'all' ? undefined : status })}
          options={[
            { value: 'all', label: 'All' },
            { value: 'active', label: 'Active' },
            { value: 'inactive', label: 'Deactivated' },
          ]}
        />
        <p className="toolbar-count">{page ? plural(page.total, filtered ? 'match' : 'user', filtered ? 'matches' : 'users') : ''}</p>
      </div>
      <ServerList<UserSummary>
        list={list}
        listKey={JSON.stringify(query)}
        columns={columns}
        sorting={url.sorting}
        onSortingChange={url.onSortingChange}
        onOffset={url.setOffset}
        caption="Users"
        className="users-table"
        selectedId={selectedId}
        onActivate={(user) => navigate(href.users(user.id, state))}
        filtered={filtered}
        empty={<ProvisioningEmptyState kind="users" />}
        noMatch={
          <EmptyState
            title="No matching users."
            action={
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => {
                  url.setSearch('');
                  url.update({ search: undefined, status: undefined });
                }}
              >
                Clear filters
              </button>
            }
          >
            <>{debouncedSearch ? `No user matches “${debouncedSearch}”${statusFilter !== 'all' ? ' with this status' : ''}.` : 'No user has this status.'}</>
          </EmptyState>
        }
        detail={<UserDetailPane id={selectedId ?? ''} close={href.users(undefined, state)} />}
      />
    </div>
  );
}
