/**
 * 0005: the audit trail, and the request log moves out.
 *
 * `audit` holds what happened to each user and group (before → after), written in the same
 * transaction as the change; it is never pruned by traffic, only a deleted record's entries
 * go, a set time after the delete. `changes` and `members` are JSON written by ScimDesk itself
 * (no json_valid CHECK: parsing them again cost each write more than the rest of the entry).
 * Every existing record gets its Create (the attributes it
 * was created with are not known any more, so the entry says when and by which connection).
 *
 * The request log (the old `activity` table) now lives in its own file, requests.db, written
 * off the request thread (server/store/request-log.ts); its old rows are dropped with the table.
 *
 * `retired_tokens` remembers fingerprints of a connection's replaced tokens (derived from their
 * hashes, never the hashes themselves, which live only in the secret store), so a 401 can say
 * "Okta is sending the token that was replaced at 05:10".
 */
export default /* sql */ `
CREATE TABLE audit (
  seq           INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  connection    TEXT,
  resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
  resource_seq  INTEGER NOT NULL,
  resource_id   TEXT NOT NULL,
  target        TEXT NOT NULL,
  action        TEXT NOT NULL CHECK (action IN ('create', 'update', 'deactivate', 'reactivate', 'members', 'delete')),
  summary       TEXT NOT NULL,
  changes       TEXT,
  members       TEXT
) STRICT;
-- By the record's internal key, not its UUID: a create's entry goes at the end of the index
-- instead of at a random place (one random B-tree write less per create). A key SQLite reuses
-- after a delete is told apart by resource_id, which every query also matches.
CREATE INDEX audit_resource ON audit (resource_type, resource_seq, seq);
CREATE INDEX audit_deletes ON audit (at) WHERE action = 'delete';

INSERT INTO audit (at, connection, resource_type, resource_seq, resource_id, target, action, summary)
  SELECT created, created_by, 'User', seq, id, user_name, 'create', 'Created (before the audit trail was kept)' FROM users ORDER BY seq;
INSERT INTO audit (at, connection, resource_type, resource_seq, resource_id, target, action, summary)
  SELECT created, created_by, 'Group', seq, id, display_name, 'create', 'Created (before the audit trail was kept)' FROM groups ORDER BY seq;

DROP TABLE activity;

CREATE TABLE retired_tokens (
  connection TEXT NOT NULL,
  generation INTEGER NOT NULL,
  digest     TEXT NOT NULL,
  retired_at TEXT NOT NULL,
  PRIMARY KEY (connection, generation)
) STRICT;
`;
