import { attributeSections } from '../scim-attributes';
import { href } from '../routes';

/** The SCIM resource flattened into readable rows (core attributes, then each extension). */
export function AttributeList({ resource }: { resource: unknown }) {
  const sections = attributeSections(resource);
  return (
    <div className="attr-sections">
      {sections.map((section) => (
        <div key={section.title} className="attr-section">
          {sections.length > 1 && <p className="attr-section-title">{section.title}</p>}
          {section.rows.length === 0 ? (
            <p className="muted">None</p>
          ) : (
            <dl className="attr-list">
              {section.rows.map((row, i) => (
                <div className="attr-row" key={`${row.path}-${i}`}>
                  <dt>{row.path}</dt>
                  <dd>{row.userRef ? <a href={href.users(row.userRef)}>{row.value}</a> : row.value}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      ))}
    </div>
  );
}
