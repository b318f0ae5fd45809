import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { href } from '../routes';

export function NotFoundScreen({ path }: { path: string }) {
  return (
    <div className="page">
      <PageHeader title="Page not found" />
      <div className="card">
        <EmptyState
          title={`Nothing lives at ${path}.`}
          action={
            <a className="btn btn-primary" href={href.scim()}>
              Go to App Integrations › SCIM
            </a>
          }
        >
          The link may be out of date.
        </EmptyState>
      </div>
    </div>
  );
}
