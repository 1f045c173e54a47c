-- Each resident's health code as it stood on a day (codes shown after it do not count yet): the one definition
-- the code counts and the overview's building colours share, so the two never disagree on "current".
CREATE MACRO health_code_as_of(as_of) AS TABLE
    SELECT code_id, resident_id, colour, shown_on, source, set_by, set_at
    FROM health_code
    WHERE shown_on <= as_of
    QUALIFY row_number() OVER (PARTITION BY resident_id ORDER BY shown_on DESC, set_at DESC, code_id DESC) = 1;
