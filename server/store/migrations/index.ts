/** Numbered, append-only migrations. Never edit a released one: add the next number. */
import m0001 from './0001-initial';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: m0001 }];
