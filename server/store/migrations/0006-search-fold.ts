/**
 * 0006: the columns the panel searches, folded for search (case and accents, see foldForSearch
 * in server/scim/text.ts): for users, userName, name and email joined by U+001F (as
 * userSearchText in server/store/resource-table.ts builds it); for groups, displayName.
 * Existing rows are filled with the same rule through scim_search_fold. No index: a search
 * looks for a part of the text, which no index serves.
 */
export default /* sql */ `
ALTER TABLE users ADD COLUMN search_fold TEXT;
ALTER TABLE groups ADD COLUMN search_fold TEXT;

UPDATE users SET search_fold = scim_search_fold(user_name || char(31) || coalesce(name_ci, '') || char(31) || coalesce(email_ci, ''));
UPDATE groups SET search_fold = scim_search_fold(display_name);
`;
