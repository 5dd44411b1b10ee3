-- The lifecycle engine: VIMs, VNF instances and their LCM operation occurrences.

CREATE TABLE vims (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  vim_type text NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE UNIQUE INDEX vims_one_default ON vims (is_default) WHERE is_default;

CREATE TABLE vnf_instances (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  instantiation_state text NOT NULL,
  vnfd_id text NOT NULL,
  vnf_pkg_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- the VnfInstance as the API shows it (without _links)
  doc jsonb NOT NULL,
  -- what the infrastructure driver made: links, VNFC processes, address allocations
  resources jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX vnf_instances_vnfd_id ON vnf_instances (vnfd_id);

CREATE TABLE vnf_lcm_op_occs (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  vnf_instance_id uuid NOT NULL,
  operation text NOT NULL,
  operation_state text NOT NULL,
  -- what the runner must do next with a claimable occurrence: run | retry | rollback
  pending_action text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- lease: the worker that owns the occurrence and until when (heartbeat extends it)
  lease_owner text,
  lease_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  -- the operation's plan and the steps done so far, so a resumed run repeats nothing unsafely
  progress jsonb NOT NULL DEFAULT '{}'::jsonb,
  doc jsonb NOT NULL
);
-- At most one unfinished operation per VNF instance, across every mecano process: a second
-- request fails on this index (23505) and is answered 409. FAILED_TEMP counts as unfinished
-- (SOL003: it must be retried, rolled back or failed before another operation starts).
CREATE UNIQUE INDEX vnf_lcm_op_occs_one_active ON vnf_lcm_op_occs (vnf_instance_id)
  WHERE operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP');
-- The claim scans only occurrences that have work to do.
CREATE INDEX vnf_lcm_op_occs_claimable ON vnf_lcm_op_occs (lease_until, seq) WHERE pending_action IS NOT NULL;
CREATE INDEX vnf_lcm_op_occs_instance ON vnf_lcm_op_occs (vnf_instance_id, seq);
-- SOL013 eq/in filters on document attributes are answered through containment (see sol013-sql.ts).
CREATE INDEX vnf_instances_doc ON vnf_instances USING gin (doc jsonb_path_ops);
CREATE INDEX vnf_lcm_op_occs_doc ON vnf_lcm_op_occs USING gin (doc jsonb_path_ops);
