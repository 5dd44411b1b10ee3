-- Content-addressed blobs (package CSARs) stored in PostgreSQL, so that several mecano processes
-- sharing one database see the same content. A blob row and its chunks are written in one
-- transaction, so a reader never sees a partial blob. The key is the SHA-256 of the content.

CREATE TABLE blobs (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  -- Bytes per chunk (the last one may be shorter); lets a range read fetch only the chunks it needs.
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
  sha256 text NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
  n integer NOT NULL CHECK (n >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (sha256, n)
);
