-- Optional gender and age band in the participant profile (issue 14 item 8), asked only where
-- the deployment switches them on (PROFILE_DEMOGRAPHICS). NULL: not asked or skipped;
-- 'undisclosed': the person chose "prefer not to say". Reports count both, apart.
-- gender: 'female', 'male', 'undisclosed'.
-- age_band: '14-17', '18-29', '30-39', '40-49', '50-59', '60+', 'undisclosed'. A band, never a
-- birth date: funders' monitoring counts youth, and a band is all it needs. Youth is 14-29 in
-- Kazakhstan's law on state youth policy (2015), so 14-17 and 18-29 add up to it exactly, and
-- 18-29 on its own is the adult youth that grant indicators often count; no band starts below
-- 14, where youth begins, since younger children are not expected to sign up on their own.
-- Erasure keeps both on the anonymous row, as it keeps district and category, for the funder's
-- counts (bot/people/store.py, erase_identity).
ALTER TABLE users ADD COLUMN gender TEXT;
ALTER TABLE users ADD COLUMN age_band TEXT;
