/**
 * 0001: connections, users, groups, memberships, activity.
 * Internal integer keys (`seq`) give a stable insertion order for paging and compact
 * membership rows; the public SCIM `id` is a UUID with its own unique index.
 */
export default /* sql */ `
CREATE TABLE connections (
  name                  TEXT PRIMARY KEY CHECK (name IN ('okta', 'entra')),
  enabled               INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
  token_generation      INTEGER NOT NULL DEFAULT 0,
  token_created_at      TEXT,
  token_last_used_at    TEXT,
  token_last_used_ip    TEXT,
  token_last_used_agent TEXT,
  updated_at            TEXT NOT NULL
) STRICT;

INSERT INTO connections (name, updated_at) VALUES
  ('okta', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('entra', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE users (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  user_name       TEXT NOT NULL,
  user_name_ci    TEXT NOT NULL UNIQUE,
  external_id     TEXT,
  display_name_ci TEXT,
  active          INTEGER CHECK (active IN (0, 1)),
  created         TEXT NOT NULL,
  last_modified   TEXT NOT NULL,
  version         INTEGER NOT NULL,
  created_by      TEXT,
  modified_by     TEXT,
  data            TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE INDEX users_external_id ON users (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_display_name_ci ON users (display_name_ci) WHERE display_name_ci IS NOT NULL;

CREATE TABLE groups (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  display_name_ci TEXT NOT NULL UNIQUE,
  external_id     TEXT,
  member_count    INTEGER NOT NULL DEFAULT 0,
  created         TEXT NOT NULL,
  last_modified   TEXT NOT NULL,
  version         INTEGER NOT NULL,
  created_by      TEXT,
  modified_by     TEXT,
  data            TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE INDEX groups_external_id ON groups (external_id) WHERE external_id IS NOT NULL;

CREATE TABLE group_members (
  group_seq INTEGER NOT NULL REFERENCES groups (seq) ON DELETE CASCADE,
  user_seq  INTEGER NOT NULL REFERENCES users (seq) ON DELETE CASCADE,
  PRIMARY KEY (group_seq, user_seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (user_seq, group_seq);

-- member_count stays right whatever removes a membership (PATCH, replace, user delete cascade).
CREATE TRIGGER group_members_count_add AFTER INSERT ON group_members BEGIN
  UPDATE groups SET member_count = member_count + 1 WHERE seq = NEW.group_seq;
END;
CREATE TRIGGER group_members_count_remove AFTER DELETE ON group_members BEGIN
  UPDATE groups SET member_count = member_count - 1 WHERE seq = OLD.group_seq;
END;

CREATE TABLE activity (
  seq           INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  connection    TEXT,
  method        TEXT NOT NULL,
  path          TEXT NOT NULL,
  status        INTEGER NOT NULL,
  duration_ms   REAL NOT NULL,
  action        TEXT NOT NULL,
  resource_type TEXT,
  resource_id   TEXT,
  client_ip     TEXT,
  user_agent    TEXT,
  request_body  TEXT,
  response_body TEXT,
  notes         TEXT
) STRICT;
CREATE INDEX activity_resource ON activity (resource_id) WHERE resource_id IS NOT NULL;
`;
