-- Placeholder so migration 021 applies on this branch alone: another part of issues 16/17 owns number 019.
-- Drop this file when merging (the real 019 replaces it).
SELECT 1;
