/** Numbered, append-only migrations. Never edit a released one: add the next number. */
import m0001 from './0001-initial';
import m0002 from './0002-settings-and-panel-columns';
import m0003 from './0003-activity-change-index';
import m0004 from './0004-activity-age-index';
import m0005 from './0005-audit-trail';
import m0006 from './0006-search-fold';
import m0007 from './0007-token-overlap';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: m0001 },
  { version: 2, name: 'settings-and-panel-columns', sql: m0002 },
  { version: 3, name: 'activity-change-index', sql: m0003 },
  { version: 4, name: 'activity-age-index', sql: m0004 },
  { version: 5, name: 'audit-trail', sql: m0005 },
  { version: 6, name: 'search-fold', sql: m0006 },
  { version: 7, name: 'token-overlap', sql: m0007 },
];
