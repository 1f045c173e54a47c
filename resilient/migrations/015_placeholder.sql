-- Placeholder so migration 021 applies on this branch alone: another part of issues 16/17 owns number 015.
-- Drop this file when merging (the real 015 replaces it).
SELECT 1;
