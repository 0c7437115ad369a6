-- SPDX-License-Identifier: AGPL-3.0-or-later
-- What the benchmark needs of participants.sql's participants: a line
-- "session TOKEN CSRF" for each and "first_voter ID", the first of their
-- consecutive ids.
SELECT 'session ' || token || ' ' || csrf FROM bench_sessions ORDER BY g;
SELECT 'first_voter ' || min(id) FROM accounts
WHERE email LIKE 'bench-voter-%@concerto.test';
