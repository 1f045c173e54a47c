-- Placeholder in branch h-support only, so its migration 014 applies: another part of issue 16 holds this
-- number. Drop this file when merging (the real 013 comes from that branch).
SELECT 1;
