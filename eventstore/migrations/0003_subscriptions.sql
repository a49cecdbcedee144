-- Where each subscriber (relay, projection, expiry sweep) has got to in the log. Not
-- tenant data: positions only.
CREATE TABLE subscription_checkpoints (
  subscription_id text        PRIMARY KEY CHECK (length(subscription_id) BETWEEN 1 AND 200),
  global_position bigint      NOT NULL CHECK (global_position >= 0),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON subscription_checkpoints TO stradia_worker;
