/**
 * Help pages the panel opens in the browser through `window.scimdesk.openExternal`. The main
 * process opens only the URLs of its allow-list, HELP_LINKS in electron/contract.ts: these must
 * stay equal to it. The type below makes the compiler check that (the renderer may not import
 * the contract's values, only its types), and a test compares them too.
 */
import type { HELP_LINKS as ALLOWED_HELP_LINKS } from '../../electron/contract';

export const HELP_LINKS: typeof ALLOWED_HELP_LINKS = {
  oktaScimApp: 'https://help.okta.com/en-us/content/topics/apps/apps_app_integration_wizard_scim.htm',
  oktaProvisioning: 'https://help.okta.com/en-us/content/topics/provisioning/lcm/lcm-provision-application.htm',
  entraProvisioning: 'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
  rfc7644: 'https://datatracker.ietf.org/doc/html/rfc7644',
};

export type HelpLink = keyof typeof HELP_LINKS;
