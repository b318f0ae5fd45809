/**
 * What the panel can do about a failed request, as one button: enable the connection (the same
 * action as the switch on its page), go to its token to make a new one, or open the user or group.
 */
import type { Remedy } from '../../../contract/model';
import { connectionLabel } from '../activity';
import { useSetConnectionEnabled, useStatus } from '../api/useStatus';
import { useAnnounce } from '../hooks/useAnnounce';
import { href, navigate } from '../routes';

export function remedyLabel(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'enable':
      return `Enable ${connectionLabel(remedy.connection)}`;
    case 'new-token':
      return `Make a new ${connectionLabel(remedy.connection)} token`;
    case 'open-user':
      return `Open user ${remedy.userName}`;
    case 'open-group':
      return `Open group ${remedy.displayName}`;
  }
}

export function RemedyButton({ remedy, variant = 'primary' }: { remedy: Remedy; variant?: 'primary' | 'secondary' }) {
  const setEnabled = useSetConnectionEnabled();
  const status = useStatus().data;
  const announce = useAnnounce();
  const className = `btn btn-${variant} btn-sm`;
  const label = remedyLabel(remedy);

  if (remedy.kind === 'enable') {
    const connection = status?.connections.find((c) => c.name === remedy.connection);
    if (connection?.enabled) {
      return <span className="remedy-done">{connectionLabel(remedy.connection)} is enabled now.</span>;
    }
    // The first enable makes the token, which is shown once on the connection page: go there.
    if (!connection?.hasToken) {
      return (
        <a className={className} href={href.connection(remedy.connection)}>
          {label}
        </a>
      );
    }
    return (
      <span className="remedy">
        <button
          type="button"
          className={className}
          disabled={setEnabled.isPending}
          onClick={() =>
            setEnabled.mutate(
              { connection: remedy.connection, enabled: true },
              {
                onSuccess: (result) => {
                  announce(`${connectionLabel(remedy.connection)} provisioning enabled`, 'success');
                  if (result.token !== null) navigate(href.connection(remedy.connection));
                },
              },
            )
          }
        >
          {setEnabled.isPending && <span className="spinner spinner-inline" aria-hidden="true" />}
          {label}
        </button>
        {setEnabled.isError && (
          <span className="text-danger remedy-error" role="alert">
            {setEnabled.error.message}
          </span>
        )}
      </span>
    );
  }
  const to =
    remedy.kind === 'new-token' ? href.connection(remedy.connection, 'token') : remedy.kind === 'open-user' ? href.users(remedy.id) : href.groups(remedy.id);
  return (
    <a className={className} href={to}>
      {label}
    </a>
  );
}
