-- Core tables: settings (shared secrets such as the paging-marker key) and VNF packages.
-- Resources are JSONB documents (`doc`) plus the columns that queries and constraints need.
-- `seq` is the creation order used for keyset paging (stable under concurrent inserts).

CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE vnf_packages (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  onboarding_state text NOT NULL,
  operational_state text NOT NULL,
  usage_state text NOT NULL,
  vnfd_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL,
  -- SHA-256 of the uploaded CSAR in the blob store, and the parsed VNFD (the engine's view of it)
  content_sha256 text,
  vnfd_model jsonb
);
-- One ONBOARDED package per vnfdId (SOL005: vnfdId identifies the package's VNFD).
CREATE UNIQUE INDEX vnf_packages_vnfd_id_onboarded ON vnf_packages (vnfd_id) WHERE onboarding_state = 'ONBOARDED';
CREATE INDEX vnf_packages_onboarding_state ON vnf_packages (onboarding_state, seq);
-- SOL013 eq/in filters on document attributes are answered through containment (see sol013-sql.ts).
CREATE INDEX vnf_packages_doc ON vnf_packages USING gin (doc jsonb_path_ops);
