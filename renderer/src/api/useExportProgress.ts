import { useEffect, useState } from 'react';
import type { ExportProgress } from '../../../contract/ipc';
import { bridge } from './client';

/**
 * How far the running export is, as main announces it: null until the first announcement
 * after mount. An export started before a remount (the admin left the page and came back)
 * shows again from its next announcement, a tenth of a second later at most.
 */
export function useExportProgress(): ExportProgress | null {
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  useEffect(() => bridge()?.onExportProgress(setProgress), []);
  return progress;
}
