/**
 * Backup and export, one click each: a copy of the database, or the users and groups as SCIM
 * JSON or CSV, written into the data folder while the server keeps running.
 */
import { useMutation } from '@tanstack/react-query';
import type { Results } from '../../../contract/ipc';
import { call } from '../api/client';
import { Alert, ErrorAlert } from './Alert';
import { CopyButton } from './CopyButton';
import { InboxIcon } from './Icons';

type Done = { kind: 'backup'; file: string } | { kind: 'export'; result: Results['exportDirectory'] };

export function DataCard({ dataDir }: { dataDir: string }) {
  const run = useMutation<Done, unknown, 'backup' | 'json' | 'csv'>({
    mutationFn: async (what) =>
      what === 'backup' ? { kind: 'backup', ...(await call('backupNow')) } : { kind: 'export', result: await call('exportDirectory', { format: what }) },
  });
  const done = run.data;
  return (
    <section className="card" aria-labelledby="data-title">
      <div className="card-header">
        <div className="card-header-icon">
          <InboxIcon size={18} />
        </div>
        <div>
          <h2 className="card-title" id="data-title">
            Backup and export
          </h2>
          <p className="card-subtitle">
            Written to <span className="mono">{dataDir}</span> while the server keeps running.
          </p>
        </div>
      </div>
      <div className="card-body">
        <div className="button-row">
          <button type="button" className="btn btn-secondary" disabled={run.isPending} onClick={() => run.mutate('backup')}>
            Back up now
          </button>
          <button type="button" className="btn btn-secondary" disabled={run.isPending} onClick={() => run.mutate('json')}>
            Export users and groups (JSON)
          </button>
          <button type="button" className="btn btn-secondary" disabled={run.isPending} onClick={() => run.mutate('csv')}>
            Export users and groups (CSV)
          </button>
        </div>
        <div aria-live="polite">
          {run.isError && <ErrorAlert error={run.error} title="That did not work" />}
          {done?.kind === 'backup' && (
            <Alert tone="success" title="Backup written" actions={<CopyButton text={done.file} what="backup path" variant="ghost" />}>
              <span className="mono break">{done.file}</span>
            </Alert>
          )}
          {done?.kind === 'export' && (
            <Alert tone="success" title={`Exported ${done.result.users} users and ${done.result.groups} groups`}>
              {done.result.files.map((f) => (
                <div key={f} className="mono break">
                  {f}
                </div>
              ))}
            </Alert>
          )}
        </div>
      </div>
    </section>
  );
}
