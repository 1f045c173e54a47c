-- Placeholder so migration 021 applies on this branch alone: another part of issues 16/17 owns number 013.
-- Drop this file when merging (the real 013 replaces it).
SELECT 1;
