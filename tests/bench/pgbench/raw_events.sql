-- The raw baseline's table: the events table's columns, constraints and indexes, without
-- Stradia's triggers (append lock, notify) or row-level security.
CREATE TABLE raw_events (LIKE events INCLUDING ALL);
