-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The "small" dataset of `make bench` (BENCH_SCALE=small, tests/bench/
-- run.sh: seed_dataset in scenarios.sh), loaded once as concerto_owner:
--   psql -v ballots=N -v voters=M -v read_method=ranked -v vote_method=approval
--        -v k=K -f seed.sql
-- Two consultations of 20 priorities each, with texts of realistic length:
--   * "read": published, with :ballots ballots of 1..:k random choices in
--     random cells (their tallies are built afterwards by `concerto results
--     recount`), weighted by the eight IDF départements (unevenly, Paris
--     over-represented) with target shares of the six profiles, so that its
--     results are raked; and 60 comment threads, each with replies down to
--     depth 3 and votes, so that its page of 40 threads is full; its read,
--     its comment page and its results (unweighted and raked) are measured;
--   * "vote": open to the vote and to comments, whose ballots the :voters
--     signed-in verified participants replace (tests/bench/ballot.lua) and
--     on which they post comments (comment.lua) during the benchmark.
-- And bench_ballots, a table shaped like ballots for pgbench's upserts
-- (tests/bench/ballot.pgbench).  Prints "read ID", "vote ID", a line
-- "session TOKEN CSRF" per participant, "first_voter ID" and "priorities
-- ID,ID,..." (vote's).  Scale S does not use this file: `concerto dev
-- generate` makes its accounts, consultations, ballots and comments, and
-- participants.sql its signed-in participants (scenarios.sh).
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on

BEGIN;

CREATE TEMP TABLE bench_c (name text PRIMARY KEY, id bigint);

WITH ins AS (
	INSERT INTO consultations (phase, title_fr, title_en, summary_fr,
	    summary_en, easy_summary_fr, body_fr, body_en, voting_at, closes_at,
	    method, k, weighting)
	SELECT v.phase,
	    'Priorités de recherche sur l''après-cancer (' || v.name || ')',
	    'Research priorities for life after cancer (' || v.name || ')',
	    repeat('Quelles questions de recherche comptent le plus pour '
	        || 'les personnes qui vivent après un cancer ? ', 6),
	    repeat('Which research questions matter most to people living '
	        || 'after cancer? ', 6),
	    repeat('Dites-nous ce qui compte pour vous. ', 8),
	    repeat('Patients, proches, soignants et chercheurs ont proposé '
	        || 'des questions ; un comité les a regroupées et a vérifié '
	        || 'ce que la recherche sait déjà. Classez celles qui '
	        || 'comptent le plus pour vous.' || E'\n\n', 12),
	    repeat('Patients, carers, clinicians and researchers proposed '
	        || 'questions; a steering group merged them and checked the '
	        || 'evidence. Rank those that matter most to you.' || E'\n\n', 12),
	    v.voting_at, v.closes_at, v.method, :k, v.weighting
	FROM (VALUES
	    ('read', 'published', now() - interval '60 days',
		now() - interval '30 days', :'read_method', 'idf-departements'),
	    ('vote', 'voting', now() - interval '1 day',
		now() + interval '30 days', :'vote_method', 'none'))
	    v(name, phase, voting_at, closes_at, method, weighting)
	RETURNING id, title_fr
)
INSERT INTO bench_c
SELECT substring(title_fr FROM '\((\w+)\)$'), id FROM ins;

INSERT INTO priorities (consultation_id, position, title_fr, title_en,
    description_fr, description_en, question, evidence_status, evidence_links)
SELECT c.id, n,
    'Question ' || n || ' : fatigue, douleur et retour au travail après les traitements',
    'Question ' || n || ': fatigue, pain and return to work after treatment',
    repeat('Comment mieux repérer et prendre en charge les effets '
        || 'tardifs des traitements, à l''hôpital comme en ville ? ', 2),
    repeat('How best to detect and manage late effects of treatment, '
        || 'in hospital and in the community? ', 2),
    'Chez les adultes traités pour un cancer (P), un programme de '
        || 'réadaptation (I) comparé aux soins habituels (C) réduit-il la '
        || 'fatigue à un an (O) ?',
    'unanswered',
    ARRAY['https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD00' || n,
          'https://www.has-sante.fr/jcms/p_' || (3000000 + n)]
FROM bench_c c, generate_series(1, 20) n;

-- Target shares of the six profiles of "read" (summing to 1): with its
-- weighting scheme, its results are raked over départements and profiles.
INSERT INTO profile_targets (consultation_id, profile, share)
SELECT (SELECT id FROM bench_c WHERE name = 'read'), t.profile, t.share
FROM (VALUES ('patient', 0.3), ('carer', 0.1), ('citizen', 0.3),
    ('health_professional', 0.1), ('researcher', 0.1), ('other', 0.1))
    t(profile, share);

-- Random ballots: a pool of 8192 random orderings of 1..k distinct
-- priorities of "read", each ballot taking one at random, in one of the
-- eight IDF départements, unevenly (bench_strata: one row per per cent of
-- the ballots; Paris has 30 for 18 of the population).
CREATE TEMP TABLE bench_pool AS
SELECT n, (SELECT array_agg(p.id ORDER BY random())
	   FROM (SELECT id FROM priorities
		 WHERE consultation_id = (SELECT id FROM bench_c WHERE name = 'read')
		 ORDER BY random()
		 LIMIT 1 + (n + floor(random() * :k)::int) % :k) p) AS choices
FROM generate_series(0, 8191) n;

CREATE TEMP TABLE bench_strata (i int PRIMARY KEY, stratum text);
INSERT INTO bench_strata
SELECT row_number() OVER (ORDER BY v.o) - 1, v.stratum
FROM (VALUES (1, '75', 30), (2, '77', 8), (3, '78', 10), (4, '91', 8),
    (5, '92', 16), (6, '93', 10), (7, '94', 10), (8, '95', 8))
    v(o, stratum, pct), generate_series(1, v.pct);

-- Loading a million rows through foreign-key triggers and unique indexes
-- would take a minute: they are dropped for the load and made again after
-- it, from their own definitions (checked then, in one pass each).
SET LOCAL maintenance_work_mem = '256MB';
CREATE TEMP TABLE bench_constraints AS
SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
FROM pg_constraint
WHERE conrelid = 'ballots'::regclass AND contype IN ('f', 'u');
CREATE TEMP TABLE bench_indexes AS
SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def
FROM pg_index i
WHERE indrelid = 'accounts'::regclass AND NOT indisprimary
    AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.indexrelid);
DO $$
DECLARE
	r	record;
BEGIN
	FOR r IN SELECT * FROM bench_constraints LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
	END LOOP;
	FOR r IN SELECT * FROM bench_indexes LOOP
		EXECUTE format('DROP INDEX %s', r.name);
	END LOOP;
END
$$;

-- The voters of "read": verified accounts of every profile, one in ten
-- with declared interests, each with a ballot.
WITH a AS (
	INSERT INTO accounts (email, pseudonym, profile, interests_declared,
	    terms_version, terms_accepted_at, health_consent_version,
	    health_consent_at, verified_at)
	SELECT 'bench-' || g || '@concerto.test', 'bench-' || g,
	    (ARRAY['patient', 'carer', 'citizen', 'health_professional',
		'researcher', 'other'])[1 + g % 6],
	    g % 10 = 0, '1', now(), '1', now(), now()
	FROM generate_series(1, :ballots) g
	RETURNING id, profile, interests_declared
)
INSERT INTO ballots (consultation_id, account_id, choices, stratum, profile,
    interests)
SELECT (SELECT id FROM bench_c WHERE name = 'read'), a.id, pool.choices,
    s.stratum, a.profile, a.interests_declared
FROM a
JOIN bench_pool pool ON pool.n = (hashint8(a.id) & 8191)
JOIN bench_strata s ON s.i = abs(hashint8(a.id * 31) % 100);

DO $$
DECLARE
	r	record;
BEGIN
	FOR r IN SELECT * FROM bench_indexes LOOP
		EXECUTE r.def;
	END LOOP;
	FOR r IN SELECT * FROM bench_constraints LOOP
		EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl,
		    r.conname, r.def);
	END LOOP;
END
$$;

-- The participants of "vote", signed in (their accounts come first: the
-- comments below are theirs), and pgbench's table.
\ir participants.sql

-- The comments of "read": 60 threads (a page of 40, sort oldest, is full
-- and has a next page), each with 3 replies, the first of which has 2
-- replies of its own and the first of those one more (depth 3), all
-- published, by the participants of "vote", with votes of other
-- participants (up and down kept equal to them, as comment_vote() keeps
-- them).
CREATE TEMP TABLE bench_comments (n int, parent int, depth int,
    id bigint, path bigint[]);
INSERT INTO bench_comments (n, parent, depth)
SELECT t, NULL, 0 FROM generate_series(1, 60) t
UNION ALL SELECT 1000 * t + r, t, 1
    FROM generate_series(1, 60) t, generate_series(1, 3) r
UNION ALL SELECT 100000 * t + r, 1000 * t + 1, 2
    FROM generate_series(1, 60) t, generate_series(1, 2) r
UNION ALL SELECT 10000000 * t, 100000 * t + 1, 3
    FROM generate_series(1, 60) t;
UPDATE bench_comments
SET id = nextval(pg_get_serial_sequence('comments', 'id'));
UPDATE bench_comments c SET path = ARRAY[c.id] WHERE depth = 0;
UPDATE bench_comments c SET path = p.path || c.id
FROM bench_comments p WHERE p.n = c.parent AND c.depth = 1;
UPDATE bench_comments c SET path = p.path || c.id
FROM bench_comments p WHERE p.n = c.parent AND c.depth = 2;
UPDATE bench_comments c SET path = p.path || c.id
FROM bench_comments p WHERE p.n = c.parent AND c.depth = 3;

WITH b AS (
	SELECT c.*, CASE WHEN c.depth = 0
		THEN 'Il faudrait d''abord étudier la fatigue qui dure des années '
		    || 'après les traitements : au travail, personne ne la voit, '
		    || 'et les consultations de suivi n''en parlent presque jamais. '
		    || '(fil ' || c.n || ')'
		ELSE 'Je suis d''accord, et j''ajouterais le retour à l''emploi '
		    || 'des proches aidants, souvent oublié. (réponse ' || c.n || ')'
	    END AS body
	FROM bench_comments c
)
INSERT INTO comments (id, consultation_id, priority_id, parent_id, path,
    depth, account_id, alignment, body, fingerprint, status, created_at)
SELECT b.id, (SELECT id FROM bench_c WHERE name = 'read'), NULL,
    (SELECT p.id FROM bench_comments p WHERE p.n = b.parent), b.path,
    b.depth, v.id, (ARRAY['for', 'against', 'neutral'])[1 + b.n % 3],
    b.body, text_fingerprint(b.body), 'published',
    now() - interval '40 days' + b.n % 997 * interval '1 minute'
FROM b JOIN accounts v
    ON v.email = 'bench-voter-' || (1 + b.n % :voters) || '@concerto.test';

INSERT INTO comment_votes (comment_id, account_id, value)
SELECT c.id, v.id, CASE WHEN (c.n + g) % 5 = 0 THEN -1 ELSE 1 END
FROM bench_comments c, generate_series(1, 12) g
JOIN accounts v ON v.email = 'bench-voter-' || (1 + (g * 7919) % :voters)
    || '@concerto.test'
WHERE g <= 1 + c.n % 12
ON CONFLICT DO NOTHING;
UPDATE comments c SET up = x.up, down = x.down
FROM (SELECT comment_id, count(*) FILTER (WHERE value = 1) AS up,
	count(*) FILTER (WHERE value = -1) AS down
      FROM comment_votes GROUP BY comment_id) x
WHERE x.comment_id = c.id;

COMMIT;
ANALYZE accounts, sessions, consultations, priorities, profile_targets,
    ballots, comments, comment_votes;

SELECT 'read ' || id FROM bench_c WHERE name = 'read';
SELECT 'vote ' || id FROM bench_c WHERE name = 'vote';
\ir participants_print.sql
SELECT 'priorities ' || string_agg(p.id::text, ',' ORDER BY p.id)
FROM priorities p JOIN bench_c c ON c.id = p.consultation_id AND c.name = 'vote';
