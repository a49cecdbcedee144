-- Message DB's own append (write_message), one message per transaction to a new stream of
-- the category 'task', with a TaskMoved-like body (about the size of Stradia's payload).
-- Run with search_path = message_store, as Message DB's role has it.
SELECT message_store.write_message(gen_random_uuid()::varchar, 'task-' || gen_random_uuid(), 'TaskMoved',
  '{"local_task_id": "9bf1a896-7c23-4cb1-8f09-647b9d8e8c7e", "local_board_id": "ad6b6688-8cb5-4a6f-a7d9-980ef51cca45", "new_status": "IN_PROGRESS", "expected_previous_status": "TODO"}'::jsonb,
  '{"user_id": "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004"}'::jsonb);
