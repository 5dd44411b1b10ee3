-- Placement (seed 002, ONAP OOF): the candidate inventory is the `vims` table (VIMs and MEC hosts
-- alike), plus placement policies, licence pools with their allocations, and the OOF placement
-- requests, each row the durable unit of work of one asynchronous solve.

-- 'vim': a VIM the lifecycle engine can instantiate VNFs on; 'mec-host': a MEC host registered
-- by the MEC orchestrator (a candidate for OOF requests, never for VNF instantiation).
ALTER TABLE vims ADD COLUMN kind text NOT NULL DEFAULT 'vim';
-- A cloud region is named once per cloud owner (OOF answers with cloudOwner + cloudRegionId).
CREATE UNIQUE INDEX vims_region ON vims ((doc ->> 'cloudOwner'), (doc ->> 'cloudRegionId')) WHERE doc ? 'cloudRegionId';
CREATE INDEX vims_doc ON vims USING gin (doc jsonb_path_ops);

CREATE TABLE placement_policies (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  policy_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE UNIQUE INDEX placement_policies_name ON placement_policies ((doc ->> 'name'));
CREATE INDEX placement_policies_doc ON placement_policies USING gin (doc jsonb_path_ops);

CREATE TABLE license_pools (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE INDEX license_pools_doc ON license_pools USING gin (doc jsonb_path_ops);

-- One licence per (service instance, resource): a completed request (re)assigns it, a request of
-- type `delete` for the service instance releases them. A pool's effective use is its declared
-- `used` plus its allocations.
CREATE TABLE license_allocations (
  service_instance_id text NOT NULL,
  service_resource_id text NOT NULL,
  pool_id uuid NOT NULL REFERENCES license_pools (id) ON DELETE CASCADE,
  request_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_instance_id, service_resource_id)
);
CREATE INDEX license_allocations_pool ON license_allocations (pool_id);

CREATE TABLE placement_requests (
  request_id text PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  transaction_id text NOT NULL,
  -- accepted → pending (claimed, solving) → completed | failed
  state text NOT NULL CHECK (state IN ('accepted', 'pending', 'completed', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  -- SHA-256 of the request as received: a duplicate requestId with another body is reported
  body_hash text NOT NULL,
  -- the request without callbackHeader (which may carry credentials: kept apart, never shown)
  body jsonb NOT NULL,
  callback_header jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- what GET /api/oof/v1/placement/{requestId} and /mecano/v1/placement/requests show
  doc jsonb NOT NULL
);
CREATE INDEX placement_requests_claimable ON placement_requests (seq) WHERE state IN ('accepted', 'pending');
-- No GIN index on `doc`: it holds the explanation (hundreds of paths per request), which would
-- make every answer's write expensive for the sake of rare list filters.
