/**
 * 0004: an index on the activity log's time, for its age retention. `DELETE … WHERE at < ?`
 * scanned the whole log (20 000 requests with their bodies) every few batches; with the index
 * it reads only what it deletes. Entries arrive in time order, so the index grows at one end.
 */
export default /* sql */ `
CREATE INDEX activity_at ON activity (at);
`;
