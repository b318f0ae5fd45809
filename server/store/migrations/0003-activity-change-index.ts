/**
 * 0003: the activity log indexes by resource only the requests that change something.
 * Lookups (GET) are most of an IdP's traffic and have random resource ids: indexing them cost
 * more per request than the rest of the log (a random B-tree page written per entry). A
 * resource's history is the changes made to it.
 */
export default /* sql */ `
DROP INDEX activity_resource;
CREATE INDEX activity_changes ON activity (resource_id) WHERE resource_id IS NOT NULL AND method <> 'GET';
`;
