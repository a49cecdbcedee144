-- 100 event-shaped rows per transaction, one statement.
INSERT INTO raw_events (event_id, tenant_id, stream_id, stream_version, event_type, payload, metadata)
SELECT gen_random_uuid(), '5b0d8a56-6a2e-4c49-9e1c-0d6a7d3b2a01', 'task-' || gen_random_uuid(), 1, 'TaskMoved',
       decode('f40add3e2ee25dc5433623e6f04e729c733708ce39f917b42180486b289c9132ca0c4b96a068ec13289c4c94f76709f3eb4648d63f2a838aa9a857ec75381a3e454a2f952bc33aeb833520f934fd62eda47455438716d9b3382da737c2b55449b087be77cb4579c45f11d853ecb13094dfdbc98b321e6b07', 'hex'), '{"user_id": "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004"}'
FROM generate_series(1, 100);
