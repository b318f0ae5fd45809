/**
 * Help pages the panel may open in the browser. The main process opens nothing else besides
 * the app's own public and SCIM URLs (electron/ipc.ts checks every openExternal against this).
 */
export const HELP_LINKS = {
  oktaScimApp: 'https://help.okta.com/en-us/content/topics/apps/apps_app_integration_wizard_scim.htm',
  oktaProvisioning: 'https://help.okta.com/en-us/content/topics/provisioning/lcm/lcm-provision-application.htm',
  entraProvisioning: 'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
  rfc7644: 'https://datatracker.ietf.org/doc/html/rfc7644',
} as const;

export type HelpLink = keyof typeof HELP_LINKS;
