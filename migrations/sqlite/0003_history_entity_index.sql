-- The history of a task, its milestones and relations is found through
-- task_id; only units, people and key works need the (entity, entity_id)
-- index. A partial index keeps it small, so appending a task's history no
-- longer touches a large random-order index (measured on 100k tasks).
DROP INDEX history_entity;
CREATE INDEX history_entity ON history(entity, entity_id) WHERE task_id IS NULL;
