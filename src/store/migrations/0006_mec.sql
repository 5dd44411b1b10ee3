-- MEC orchestration (seed 000, EdgeGallery MECM): the external system registry (app stores,
-- AppLCMs, MEC hosts), tenant app packages with their per-host distribution, MEC app instances
-- (views over engine instances), MEC subscriptions, and the edge (AppLCM) side's own records.
-- A NULL tenant_id marks a platform record shared read-only with every tenant (the embedded
-- AppLCM and host that a process in role `all` registers for itself).

-- Which package records are MEC app packages (the marketplace view shows both kinds).
ALTER TABLE vnf_packages ADD COLUMN kind text NOT NULL DEFAULT 'vnf';

CREATE TABLE mec_appstores (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL,
  -- AES-256-GCM sealed credentials; never copied into doc, never returned
  secret jsonb
);
CREATE UNIQUE INDEX mec_appstores_name ON mec_appstores (tenant_id, name);
CREATE UNIQUE INDEX mec_appstores_endpoint ON mec_appstores (tenant_id, (doc->>'appstoreIp'), (doc->>'appstorePort'));

CREATE TABLE mec_applcms (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL,
  secret jsonb
);
CREATE UNIQUE INDEX mec_applcms_name ON mec_applcms ((COALESCE(tenant_id, '')), name);
CREATE UNIQUE INDEX mec_applcms_endpoint ON mec_applcms ((COALESCE(tenant_id, '')), (doc->>'applcmIp'), (doc->>'applcmPort'));

CREATE TABLE mec_hosts (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text,
  host_ip text NOT NULL,
  applcm_id uuid REFERENCES mec_applcms (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE UNIQUE INDEX mec_hosts_ip ON mec_hosts ((COALESCE(tenant_id, '')), host_ip);
CREATE UNIQUE INDEX mec_hosts_name ON mec_hosts ((COALESCE(tenant_id, '')), (doc->>'mechostName'));

-- An app package of a tenant: the content and its parsed descriptor are the shared package record
-- (vnf_pkg_id); this row holds the MEC identity (appPkgId = appId || packageId) and the AppD's
-- MEC parts. appPkgId is unique across tenants because /packageresource/{appPkgId} has no tenant.
CREATE TABLE mec_packages (
  app_pkg_id text PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text NOT NULL,
  app_id text NOT NULL,
  vnf_pkg_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE INDEX mec_packages_tenant ON mec_packages (tenant_id, seq);

-- Distribution of a package to a host: Processing → Distributing → Distributed | Error | Timeout.
-- A Distributing row whose lease expired was being sent by a process that died: it is resumed.
CREATE TABLE mec_package_hosts (
  app_pkg_id text NOT NULL REFERENCES mec_packages (app_pkg_id) ON DELETE CASCADE,
  host_id uuid NOT NULL REFERENCES mec_hosts (id),
  tenant_id text NOT NULL,
  host_ip text NOT NULL,
  status text NOT NULL,
  error text,
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_pkg_id, host_id)
);
CREATE INDEX mec_package_hosts_claimable ON mec_package_hosts (updated_at) WHERE status IN ('Processing', 'Distributing');

-- A MEC app instance is the engine instance with the same id; this row is its MEC view: the
-- EdgeGallery status, the last error, the chosen host, and a follow-up action (instantiate after
-- a one-call create, remove after terminate) that a loop performs once the engine is idle.
CREATE TABLE mec_app_instances (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text NOT NULL,
  app_pkg_id text NOT NULL,
  host_id uuid,
  host_ip text,
  app_name text NOT NULL,
  status text NOT NULL,
  operation_info text NOT NULL DEFAULT '',
  next_action text,
  action_lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE INDEX mec_app_instances_tenant ON mec_app_instances (tenant_id, seq);
CREATE INDEX mec_app_instances_action ON mec_app_instances (seq) WHERE next_action IS NOT NULL;

CREATE TABLE mec_app_dependencies (
  app_instance_id uuid NOT NULL REFERENCES mec_app_instances (id) ON DELETE CASCADE,
  depends_on_id uuid NOT NULL REFERENCES mec_app_instances (id),
  PRIMARY KEY (app_instance_id, depends_on_id)
);
CREATE INDEX mec_app_dependencies_provider ON mec_app_dependencies (depends_on_id);

CREATE TABLE mec_subscriptions (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE INDEX mec_subscriptions_tenant ON mec_subscriptions (tenant_id, seq);

-- Edge (AppLCM) side: packages distributed to a host of this AppLCM, app instances it runs (each
-- an engine instance on the local driver), and kubeconfigs (sealed, never returned).
CREATE TABLE mec_edge_packages (
  tenant_id text NOT NULL,
  host_ip text NOT NULL,
  app_pkg_id text NOT NULL,
  vnf_pkg_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL,
  PRIMARY KEY (tenant_id, host_ip, app_pkg_id)
);

CREATE TABLE mec_edge_instances (
  app_instance_id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  tenant_id text NOT NULL,
  host_ip text NOT NULL,
  app_pkg_id text NOT NULL,
  engine_instance_id uuid NOT NULL,
  app_name text NOT NULL,
  next_action text,
  action_lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  doc jsonb NOT NULL
);
CREATE INDEX mec_edge_instances_host ON mec_edge_instances (tenant_id, host_ip, seq);

CREATE TABLE mec_edge_kubeconfigs (
  host_ip text PRIMARY KEY,
  sealed jsonb NOT NULL,
  size integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
