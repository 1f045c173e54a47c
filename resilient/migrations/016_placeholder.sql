-- PLACEHOLDER on branch h-codes only, so migrations 017 and 018 apply without a gap: the supplies work (issue
-- 16) owns this number. Drop this file when merging; the real 016 comes from its branch.
SELECT 1;
