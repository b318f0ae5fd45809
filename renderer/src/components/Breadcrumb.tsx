import { Fragment } from 'react';

export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

/** App Integrations › SCIM › Okta; the last crumb is the current page. */
export function Breadcrumb({ items }: { items: readonly Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <ol>
        {items.map((item, i) => {
          const last = i === items.length - 1;
          return (
            <Fragment key={item.label}>
              <li>
                {last ? (
                  <span aria-current="page">{item.label}</span>
                ) : item.href ? (
                  <a href={item.href}>{item.label}</a>
                ) : (
                  <span>{item.label}</span>
                )}
              </li>
              {!last && (
                <li aria-hidden="true" className="breadcrumb-sep">
                  ›
                </li>
              )}
            </Fragment>
          );
        })}
      </ol>
    </nav>
  );
}
