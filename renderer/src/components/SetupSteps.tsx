/**
 * The identity provider's setup, step by step (after the vendor guide this panel reproduces),
 * with the values to paste shown inline and copyable.
 */
import type { ReactNode } from 'react';
import type { ConnectionName } from '../../../contract/connections';
import { CopyButton } from './CopyButton';
import { HelpLink } from './ExternalLink';
import { href } from '../routes';

/** A value to paste into the IdP: its field name, the value in monospace, a copy button. */
function PasteValue({ field, value, copyable = true, note }: { field: string; value: string; copyable?: boolean; note?: ReactNode }) {
  return (
    <div className="paste-value">
      <span className="paste-field">{field}</span>
      <code className="paste-code">{value}</code>
      {copyable && <CopyButton text={value} what={field} variant="ghost" />}
      {note && <span className="paste-note">{note}</span>}
    </div>
  );
}

/** The SCIM URL to paste, or why there is none yet, with the way to the Public URL page. */
function PasteUrl({ field, scimUrl, noUrl }: { field: string; scimUrl: string | null; noUrl: string }) {
  if (scimUrl !== null) return <PasteValue field={field} value={scimUrl} />;
  return (
    <div className="paste-value">
      <span className="paste-field">{field}</span>
      <span className="paste-unavailable">
        Not available: {noUrl}. <a href={href.publicUrl()}>Public URL settings</a>
      </span>
    </div>
  );
}

const B = ({ children }: { children: ReactNode }) => <strong className="ui-term">{children}</strong>;

function Step({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <li className="step">
      <p className="step-title">{title}</p>
      {children && <div className="step-body">{children}</div>}
    </li>
  );
}

interface StepsProps {
  readonly scimUrl: string | null;
  /** Why there is no SCIM URL (from noUrlReason), shown in its place. */
  readonly noUrl: string;
  /** The token, while it is shown on the page; null otherwise. */
  readonly token: string | null;
}

function OktaSteps({ scimUrl, noUrl, token }: StepsProps) {
  return (
    <ol className="steps">
      <Step
        title={
          <>
            In the Okta Admin Console, open <B>Applications › Applications</B> and click <B>Browse App Catalog</B>.
          </>
        }
      >
        <p>
          Search for <B>SCIM</B>, select <B>SCIM 2.0 Test App (Header Auth)</B> and click <B>Add Integration</B>.
        </p>
      </Step>
      <Step
        title={
          <>
            In <B>General Settings</B>, set the <B>Application label</B>, for example <B>SCIM 2.0 - ScimDesk</B>.
          </>
        }
      >
        <p>
          Click <B>Next</B>, then <B>Done</B> on <B>Sign-On Options</B>.
        </p>
      </Step>
      <Step
        title={
          <>
            On the app&apos;s <B>Provisioning</B> tab, click <B>Configure API Integration</B> and tick <B>Enable API Integration</B>.
          </>
        }
      >
        <p>Fill in the two fields with these values:</p>
        <PasteUrl field="Base URL" scimUrl={scimUrl} noUrl={noUrl} />
        {token ? (
          <PasteValue field="API Token" value={`Bearer ${token}`} />
        ) : (
          <PasteValue
            field="API Token"
            value="Bearer <your token>"
            copyable={false}
            note="The word Bearer, a space, then the SCIM token shown when it was generated (the token alone also works)."
          />
        )}
      </Step>
      <Step
        title={
          <>
            Click <B>Test API Credentials</B>.
          </>
        }
      >
        <p>
          Okta reports that the app was verified successfully; its test requests appear under <a href="#/activity">Activity</a>. Click <B>Save</B>.
        </p>
      </Step>
      <Step
        title={
          <>
            Under <B>Provisioning › To App</B>, click <B>Edit</B>.
          </>
        }
      >
        <p>
          Enable <B>Create Users</B>, <B>Update User Attributes</B> and <B>Deactivate Users</B>, then click <B>Save</B>.
        </p>
      </Step>
      <Step title={<>Sync the users of one group.</>}>
        <p>
          In <B>Directory › Groups</B>, open the group, go to its <B>Applications</B> tab and click <B>Assign Application</B>. Click <B>Assign</B> next to{' '}
          <B>SCIM 2.0 - ScimDesk</B>, then <B>Save and Go Back</B> and <B>Done</B>. Every user in the group, and everyone who joins it later, is provisioned
          automatically.
        </p>
      </Step>
      <Step title={<>Optionally, sync the group itself.</>}>
        <p>
          On the app&apos;s <B>Push Groups</B> tab, click <B>Push Groups › Find groups by name</B>, find the group and click <B>Save</B>. The group and its
          memberships then appear under <a href="#/groups">Groups</a>.
        </p>
      </Step>
    </ol>
  );
}

function EntraSteps({ scimUrl, noUrl, token }: StepsProps) {
  return (
    <ol className="steps">
      <Step
        title={
          <>
            In the Microsoft Entra admin center, open <B>Enterprise applications</B> and click <B>New application</B>.
          </>
        }
      >
        <p>
          Click <B>Create your own application</B>, name it (for example <B>ScimDesk</B>), choose <B>Integrate any other application you don&apos;t find in the
          gallery (Non-gallery)</B> and click <B>Create</B>.
        </p>
      </Step>
      <Step
        title={
          <>
            Open <B>Provisioning</B>, click <B>Get started</B> and set <B>Provisioning Mode</B> to <B>Automatic</B>.
          </>
        }
      />
      <Step
        title={
          <>
            Under <B>Admin credentials</B>, fill in:
          </>
        }
      >
        <PasteUrl field="Tenant URL" scimUrl={scimUrl} noUrl={noUrl} />
        {token ? (
          <PasteValue field="Secret Token" value={token} />
        ) : (
          <PasteValue field="Secret Token" value="<your token>" copyable={false} note="The SCIM token shown when it was generated." />
        )}
      </Step>
      <Step
        title={
          <>
            Click <B>Test Connection</B>.
          </>
        }
      >
        <p>
          Entra ID confirms that the credentials are authorized; its test request appears under <a href="#/activity">Activity</a>. Click <B>Save</B>.
        </p>
      </Step>
      <Step
        title={
          <>
            Review <B>Mappings</B>.
          </>
        }
      >
        <p>
          <B>Provision Microsoft Entra ID Users</B> and <B>Provision Microsoft Entra ID Groups</B> work with their defaults, including the enterprise extension
          (employee number, department, manager).
        </p>
      </Step>
      <Step
        title={
          <>
            Assign people under <B>Users and groups</B>, then set <B>Provisioning Status</B> to <B>On</B> and click <B>Save</B>.
          </>
        }
      >
        <p>
          Entra ID provisions in cycles (about every 40 minutes); <B>Provision on demand</B> sends one user right away.
        </p>
      </Step>
    </ol>
  );
}

export function SetupSteps({ connection, ...props }: StepsProps & { connection: ConnectionName }) {
  return connection === 'okta' ? <OktaSteps {...props} /> : <EntraSteps {...props} />;
}

export function SetupHelpLinks({ connection }: { connection: ConnectionName }) {
  return connection === 'okta' ? (
    <ul className="help-links">
      <li>
        <HelpLink link="oktaScimApp">Okta: add a SCIM app integration</HelpLink>
      </li>
      <li>
        <HelpLink link="oktaProvisioning">Okta: provisioning to apps</HelpLink>
      </li>
    </ul>
  ) : (
    <ul className="help-links">
      <li>
        <HelpLink link="entraProvisioning">Microsoft Learn: provision users and groups with SCIM</HelpLink>
      </li>
    </ul>
  );
}
