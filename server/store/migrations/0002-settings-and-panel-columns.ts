/**
 * 0002: app settings (tunnel, confirmed public URL) and the columns the panel lists users by:
 * the user's email (primary, else first) and name (displayName, else formatted, else given +
 * family), both case-folded and indexed, plus lastModified indexes for sorting.
 * Existing rows are filled in with the same rules server/store/resource-table.ts applies.
 */
export default /* sql */ `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;

ALTER TABLE users ADD COLUMN email_ci TEXT;
ALTER TABLE users ADD COLUMN name_ci TEXT;

UPDATE users SET
  email_ci = scim_fold((
    SELECT json_extract(e.value, '$."value"') FROM json_each(users.data, '$."emails"') AS e
    ORDER BY json_extract(e.value, '$."primary"') IS NOT 1, e.key LIMIT 1
  )),
  name_ci = scim_fold(coalesce(
    json_extract(data, '$."displayName"'),
    json_extract(data, '$."name"."formatted"'),
    nullif(trim(coalesce(json_extract(data, '$."name"."givenName"'), '') || ' ' || coalesce(json_extract(data, '$."name"."familyName"'), '')), '')
  ));

-- Full (not partial) indexes: the panel sorts whole lists by them, empty values included.
CREATE INDEX users_email_ci ON users (email_ci);
CREATE INDEX users_name_ci ON users (name_ci);
CREATE INDEX users_active ON users (active);
CREATE INDEX users_created_by ON users (created_by);
CREATE INDEX users_last_modified ON users (last_modified);
CREATE INDEX groups_last_modified ON groups (last_modified);
CREATE INDEX groups_member_count ON groups (member_count);
CREATE INDEX groups_created_by ON groups (created_by);
`;
