-- The package store seen as the ONAP marketplace (seed 004) and the /vnfpkgm/v1 content views.
-- Both are views of the same vnf_packages rows: these columns hold what the marketplace filters
-- on and counts, and what the content endpoints need without re-reading the archive.

ALTER TABLE vnf_packages
  -- PackageMetaData name / provider / version / type, derived from the package when it is onboarded
  ADD COLUMN pkg_name text,
  ADD COLUMN pkg_provider text,
  ADD COLUMN pkg_version text,
  ADD COLUMN pkg_type text,
  -- bytes of the uploaded CSAR
  ADD COLUMN content_size bigint,
  -- incremented by the download itself, in one statement (ONAP's read-modify-write loses counts)
  ADD COLUMN download_count bigint NOT NULL DEFAULT 0,
  -- shortDesc, details, remarks given at upload (marketplace `params` part)
  ADD COLUMN marketplace jsonb,
  -- VNFD files, manifest and certificate paths, per-artifact signatures: read from the package once
  ADD COLUMN content_index jsonb,
  -- a re-upload's new content while it is validated: referenced, so the blob is not collected
  ADD COLUMN staged_sha256 text;

-- The marketplace lists onboarded packages only, filtered by equality and paged by seq: one
-- partial index per filter attribute lets each filter (and keyset order) use an index. `type`
-- has a handful of values, so an index on it would not be selective.
CREATE INDEX vnf_packages_mp_name ON vnf_packages (pkg_name, seq) WHERE onboarding_state = 'ONBOARDED';
CREATE INDEX vnf_packages_mp_provider ON vnf_packages (pkg_provider, seq) WHERE onboarding_state = 'ONBOARDED';
CREATE INDEX vnf_packages_mp_version ON vnf_packages (pkg_version, seq) WHERE onboarding_state = 'ONBOARDED';
-- Blob garbage collection asks "does any package still use this content?".
CREATE INDEX vnf_packages_content ON vnf_packages (content_sha256) WHERE content_sha256 IS NOT NULL;
CREATE INDEX vnf_packages_staged ON vnf_packages (staged_sha256) WHERE staged_sha256 IS NOT NULL;
