-- PostgreSQL twin of sqlite/0005.
ALTER TABLE operations ADD COLUMN target TEXT COLLATE "C";
ALTER TABLE operations ADD COLUMN created_ref TEXT COLLATE "C";
