-- 006: nothing to change in SQLite. The PostgreSQL twin adds functions that make a PIN send and a
-- verify attempt one round trip each; SQLite runs in-process, where a round trip costs nothing.
SELECT 1;
