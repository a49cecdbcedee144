-- The timeline is read per task in log order: one index, its primary key, serves that and
-- keeps an entry from being recorded twice. The index on the position alone served no
-- query and was about a quarter of what a rebuild spent writing the timeline. Workers of an earlier
-- version upsert on the position alone: stop them before this runs.
ALTER TABLE read_task_timeline DROP CONSTRAINT read_task_timeline_pkey;
DROP INDEX read_task_timeline_by_task;
ALTER TABLE read_task_timeline ADD PRIMARY KEY (local_task_id, position);
