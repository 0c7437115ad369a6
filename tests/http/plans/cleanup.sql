-- Removes what dataset.sql made under the tag (psql variable tag): its
-- consultations (with their priorities, submissions, comments and votes),
-- then its accounts.
DELETE FROM consultations WHERE title_fr LIKE :'tag' || ' %';
DELETE FROM accounts WHERE email LIKE :'tag' || '-%@plans.invalid';
