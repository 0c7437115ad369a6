-- A consultation of realistic size for the plans of the reads, made with
-- generate_series in a few seconds (psql variables: tag, the run's prefix
-- of e-mails, pseudonyms and titles; accounts; threads; comments; votes;
-- fillers, consultations of 20 priorities made only to give the priority
-- and submission tables their size).  Everything it makes hangs off
-- accounts and consultations whose e-mail or title starts with the tag,
-- so that deleting those removes it all (cleanup.sql).
-- Tables: plans_accounts (the accounts made), plans_consultation (its id).

SELECT set_config('plans.comments', :'comments', false),
    set_config('plans.threads', :'threads', false) \gset plans_

CREATE TEMP TABLE plans_accounts AS
WITH made AS (
	INSERT INTO accounts (email, pseudonym, profile, terms_version,
	    terms_accepted_at, verified_at)
	SELECT :'tag' || '-' || i || '@plans.invalid', :'tag' || '-' || i,
	    'citizen', 'plans', now(), now()
	FROM generate_series(1, :accounts) i
	RETURNING id)
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM made;
CREATE UNIQUE INDEX ON plans_accounts (n);

CREATE TEMP TABLE plans_consultation AS
WITH made AS (
	INSERT INTO consultations (phase, title_fr, summary_fr, body_fr,
	    voting_at, closes_at, method, k)
	SELECT CASE WHEN i = 0 THEN 'gathering' ELSE 'draft' END,
	    :'tag' || ' ' || i, 'Résumé', 'Texte', now() + interval '30 days',
	    now() + interval '60 days', 'approval', 3
	FROM generate_series(0, :fillers) i
	RETURNING id, title_fr)
SELECT id, title_fr = :'tag' || ' 0' AS main FROM made;

INSERT INTO priorities (consultation_id, position, title_fr, description_fr)
SELECT c.id, i, 'Priorité ' || i, 'Description ' || i
FROM plans_consultation c, generate_series(1, 20) i;

-- Three submissions merged into each priority, one of them pending.
WITH s AS (
	INSERT INTO submissions (consultation_id, account_id, text, status)
	SELECT p.consultation_id, a.id, 'Question ' || p.id || '-' || k,
	    CASE WHEN k = 3 THEN 'pending' ELSE 'published' END
	FROM priorities p JOIN plans_consultation c ON c.id = p.consultation_id
	CROSS JOIN generate_series(1, 3) k
	JOIN plans_accounts a ON a.n = (p.id * 3 + k) % :accounts
	RETURNING id, consultation_id, text)
INSERT INTO priority_sources (priority_id, submission_id)
SELECT split_part(split_part(s.text, ' ', 2), '-', 1)::bigint, s.id FROM s;

-- The threads, then each level of replies under the one above it: replies
-- down to depth 7, fewer at each level.
INSERT INTO comments (id, consultation_id, parent_id, path, depth, account_id,
    body, status, up, down, created_at)
SELECT x.id, c.id, NULL, ARRAY[x.id], 0, a.id, 'Fil ' || x.g,
    CASE WHEN x.g % 50 = 0 THEN 'pending' ELSE 'published' END,
    (x.g * 7) % 23, (x.g * 11) % 7, now() - interval '1 day'
FROM (SELECT nextval(pg_get_serial_sequence('comments', 'id')) AS id, g
    FROM generate_series(1, :threads) g) x
JOIN plans_consultation c ON c.main
JOIN plans_accounts a ON a.n = (x.g * 13) % :accounts;

CREATE TEMP TABLE plans_levels (depth integer, share float8);
INSERT INTO plans_levels VALUES (1, 0.30), (2, 0.25), (3, 0.18), (4, 0.12),
    (5, 0.07), (6, 0.04), (7, 0.04);
DO $$
DECLARE
	l	record;
	total	bigint := (SELECT current_setting('plans.comments')::bigint);
	t	bigint := (SELECT current_setting('plans.threads')::bigint);
	cid	bigint := (SELECT id FROM plans_consultation WHERE main);
	na	bigint := (SELECT count(*) FROM plans_accounts);
	above	bigint;
BEGIN
	FOR l IN SELECT * FROM plans_levels ORDER BY depth LOOP
		-- Counted first: a join on an expression of both sides would
		-- be a nested loop.
		SELECT count(*) INTO above FROM comments
		WHERE consultation_id = cid AND depth = l.depth - 1;
		INSERT INTO comments (id, consultation_id, parent_id, path,
		    depth, account_id, body, status, up, down, created_at)
		SELECT x.id, cid, x.pid, x.path || x.id, l.depth, a.id,
		    'Réponse ' || x.g, CASE WHEN x.g % 40 = 0 THEN 'pending'
			WHEN x.g % 97 = 0 THEN 'hidden' ELSE 'published' END,
		    (x.g * 5) % 13, (x.g * 3) % 5, now() - interval '1 hour'
		FROM (SELECT nextval(pg_get_serial_sequence('comments', 'id'))
			AS id, p.id AS pid, p.path, g
		    FROM (SELECT id, path,
			    row_number() OVER (ORDER BY id) - 1 AS n
			FROM comments WHERE consultation_id = cid
			AND depth = l.depth - 1) p
		    JOIN generate_series(1, ((total - t) * l.share)::bigint) g
			ON p.n = (g * 7919) % above) x
		JOIN plans_accounts a ON a.n = (x.g * 17 + l.depth) % na;
	END LOOP;
END;
$$;

-- Votes: a few per comment, from accounts other than its author's.
INSERT INTO comment_votes (comment_id, account_id, value)
SELECT c.id, a.id, CASE WHEN (c.id + k) % 4 = 0 THEN -1 ELSE 1 END
FROM comments c JOIN plans_consultation p ON p.main AND p.id = c.consultation_id
CROSS JOIN generate_series(1, ceil(:votes::float8 / :comments)::integer) k
JOIN plans_accounts a ON a.n = (c.id * 31 + k * 7907) % :accounts
WHERE a.id <> c.account_id
ON CONFLICT DO NOTHING;
