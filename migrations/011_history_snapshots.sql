-- Reach and feedback keep the district and category a person had at the event (issue 14 item 3).
-- A registration takes the profile's as it is at sign-up and again at check-in; a check-in
-- keeps its own, which is what reach counts (a walk-in's are the ones typed for them). A later
-- profile edit moves nothing that already happened. Erasure keeps district and category on the
-- person's row for the funder's counts, and so the snapshots stay too.
ALTER TABLE registrations ADD COLUMN district_at TEXT;
ALTER TABLE registrations ADD COLUMN category_at TEXT;
ALTER TABLE checkins ADD COLUMN district_at TEXT;
ALTER TABLE checkins ADD COLUMN category_at TEXT;

-- What happened before this release is counted where the person is now: nothing better is known.
UPDATE registrations SET
    district_at = (SELECT u.district FROM users u WHERE u.id = registrations.user_id),
    category_at = (SELECT u.category FROM users u WHERE u.id = registrations.user_id);
UPDATE checkins SET
    district_at = COALESCE(
        (SELECT u.district FROM users u WHERE u.id = checkins.user_id), walkin_district),
    category_at = COALESCE(
        (SELECT u.category FROM users u WHERE u.id = checkins.user_id), walkin_category);
