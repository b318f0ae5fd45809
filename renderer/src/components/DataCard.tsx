/**
 * Backup and export, one click each: a copy of the database, or the users and groups as SCIM
 * JSON or CSV, written into the data folder while the server keeps running. An export of
 * 100 000 users takes seconds: only the export buttons wait for it (the server allows one at a
 * time), with its progress shown; Backup and the rest of the app stay usable meanwhile.
 */
import { useMutation } from '@tanstack/react-query';
import type { ExportFormat, ExportProgress } from '../../../contract/ipc';
import { EXPORT_FORMATS } from '../../../contract/choices';
import { call } from '../api/client';
import { useExportProgress } from '../api/useExportProgress';
import { formatNumber, plural } from '../format';
import { Alert, ErrorAlert } from './Alert';
import { CopyButton } from './CopyButton';
import { InboxIcon } from './Icons';
import { Spinner } from './Spinner';
import { CardHeader, CardIcon } from './CardHeader';

const FORMAT_LABELS: Record<ExportFormat, string> = { json: 'JSON', csv: 'CSV' };

/** "Exporting… 42,000 of 100,066 users", then the groups. */
function progressText(p: ExportProgress | null): string {
  if (!p) return 'Exporting…';
  if (p.users < p.totalUsers || p.totalGroups === 0) return `Exporting… ${formatNumber(p.users)} of ${plural(p.totalUsers, 'user')}`;
  return `Exporting… ${formatNumber(p.groups)} of ${plural(p.totalGroups, 'group')}`;
}

function ExportProgressBar({ progress }: { progress: ExportProgress | null }) {
  const total = progress ? progress.totalUsers + progress.totalGroups : 0;
  const done = progress ? progress.users + progress.groups : 0;
  const text = progressText(progress);
  return (
    <div className="data-progress">
      <p className="data-progress-text" aria-hidden="true">
        {text}
      </p>
      {/* Not a live region: a sentence every tenth of a second would drown a screen reader; the bar says it when asked. */}
      <div className="data-progress-track" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-valuetext={text}>
        <div className="data-progress-fill" style={{ width: `${total ? Math.min(100, (100 * done) / total) : 0}%` }} />
      </div>
    </div>
  );
}

/** Reveals a file this run wrote in the system's file manager. */
function ShowInFolder({ file, onShow }: { file: string; onShow: (file: string) => void }) {
  return (
    <button type="button" className="btn btn-ghost btn-sm" onClick={() => onShow(file)}>
      Show in folder
    </button>
  );
}

export function DataCard({ dataDir }: { dataDir: string }) {
  const backup = useMutation({ mutationFn: () => call('backupNow') });
  const exported = useMutation({ mutationFn: (format: ExportFormat) => call('exportDirectory', { format }) });
  const show = useMutation({ mutationFn: (file: string) => call('showInFolder', { file }) });
  const progress = useExportProgress();
  // Also an export this card did not start (it was left and opened again while one ran).
  const exporting = exported.isPending || progress?.done === false;
  const onShow = (file: string): void => show.mutate(file);
  return (
    <section className="card data-card" aria-labelledby="data-title">
      <CardHeader
        icon={<CardIcon><InboxIcon size={18} /></CardIcon>}
        title="Backup and export"
        titleId="data-title"
        subtitle={<>Written to <span className="mono">{dataDir}</span> while the server keeps running.</>}
      />
      <div className="card-body">
        <div className="button-row">
          <button type="button" className="btn btn-secondary" disabled={backup.isPending} onClick={() => backup.mutate()}>
            Back up now
          </button>
          {EXPORT_FORMATS.map((format) => (
            <button
              key={format}
              type="button"
              className="btn btn-secondary"
              disabled={exporting}
              aria-busy={exported.isPending && exported.variables === format}
              onClick={() => exported.mutate(format)}
            >
              {exported.isPending && exported.variables === format && <Spinner size="sm" />}
              Export users and groups ({FORMAT_LABELS[format]})
            </button>
          ))}
        </div>
        {exporting && <ExportProgressBar progress={progress?.done === false ? progress : null} />}
        <div aria-live="polite">
          {backup.isError && <ErrorAlert error={backup.error} title="The backup did not work" />}
          {backup.data && (
            <Alert
              tone="success"
              title="Backup written"
              className="data-result-backup"
              actions={
                <>
                  <ShowInFolder file={backup.data.file} onShow={onShow} />
                  <CopyButton text={backup.data.file} what="backup path" variant="ghost" />
                </>
              }
            >
              <span className="mono break">{backup.data.file}</span>
            </Alert>
          )}
          {exported.isError && <ErrorAlert error={exported.error} title="The export did not work" />}
          {exported.data && (
            <Alert
              tone="success"
              title={`Exported ${plural(exported.data.users, 'user')} and ${plural(exported.data.groups, 'group')}`}
              className="data-result-export"
              actions={exported.data.files[0] && <ShowInFolder file={exported.data.files[0]} onShow={onShow} />}
            >
              {exported.data.files.map((f) => (
                <div key={f} className="mono break">
                  {f}
                </div>
              ))}
            </Alert>
          )}
          {show.isError && <ErrorAlert error={show.error} title="Could not show the file" />}
        </div>
      </div>
    </section>
  );
}
