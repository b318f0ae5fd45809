/** The panel's help links are exactly the ones main allows openExternal to open. */
import { expect, it } from 'vitest';
import { HELP_LINKS as ALLOWED } from '../../electron/contract';
import { HELP_LINKS as SHOWN } from '../../renderer/src/links';

it('every help link the panel shows is on main’s openExternal allow-list, and vice versa', () => {
  expect(SHOWN).toEqual(ALLOWED);
});
