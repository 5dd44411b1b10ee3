-- Notifications: the subscriptions of every API family and the transactional outbox that
-- delivers to them (and to one-off callbacks such as placement answers).

CREATE TABLE subscriptions (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  -- the API family ('vnflcm', 'vnfpkgm') and version ('v1', 'v2') that created it; the version
  -- decides how its notifications are rendered, so /vnflcm/v1 can reuse this table
  family text NOT NULL,
  api text NOT NULL,
  -- identical subscriptions (family, api, callbackUri, filter, verbosity) share this key (303 See Other)
  dedup_key text NOT NULL,
  -- authentication with its credentials: never copied into `doc`, never returned, never logged
  auth jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- the subscription as its API shows it, without _links
  doc jsonb NOT NULL
);
CREATE INDEX subscriptions_family ON subscriptions (family, api, seq);
CREATE INDEX subscriptions_dedup ON subscriptions (dedup_key);

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  -- NULL for one-off callbacks (enqueueCallback); no foreign key: delivered and failed rows
  -- outlive their subscription as a record, pending ones are deleted with it
  subscription_id uuid,
  kind text NOT NULL,
  correlation_id text,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- retries stop after this instant (creation + retry horizon; a redelivery restarts it)
  give_up_at timestamptz NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  last_status integer,
  last_error text,
  -- clock_timestamp, not now(): the latency metric measures from the state change, not from the
  -- start of the (possibly long) transaction that made it
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_at timestamptz,
  -- where to POST: { url, headers? }; headers may carry one-off credentials, so never shown
  target jsonb NOT NULL,
  -- the exact body POSTed, rendered once at publication (text: sent as stored, key order kept)
  payload text NOT NULL,
  -- the fixed part of the record /mecano/v1/notifications shows (ids, type, callbackUri)
  doc jsonb NOT NULL
);
-- Lanes: the oldest pending row of each subscription is its head (in-order delivery); the claim
-- walks this index once per subscription that has pending rows.
CREATE INDEX notifications_pending_lane ON notifications (subscription_id, seq) WHERE state = 'pending';
CREATE INDEX notifications_pending_callbacks ON notifications (next_attempt_at) WHERE state = 'pending' AND subscription_id IS NULL;
CREATE INDEX notifications_done ON notifications (created_at) WHERE state <> 'pending';

-- The record as /mecano/v1/notifications lists it (SOL013 list queries read `doc`): the fixed
-- part plus the delivery state, computed when read so that delivery writes stay small.
CREATE VIEW notification_records AS
SELECT id, seq, state, kind, attempts, subscription_id::text AS subscription_ref,
  doc
    || jsonb_strip_nulls(jsonb_build_object(
      'state', state,
      'attempts', attempts,
      'lastStatus', last_status,
      'lastError', last_error,
      'createdAt', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'nextAttemptAt', CASE WHEN state = 'pending' THEN to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
      'deliveredAt', to_char(delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
    || jsonb_build_object('notification', payload::jsonb) AS doc
FROM notifications;
