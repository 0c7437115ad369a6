-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Write costs (issue 14), measured with pgbench and pg_stat_statements
-- (track = all) on durable settings.
--
-- tally_move() becomes PL/pgSQL.  A LANGUAGE sql function that cannot be
-- inlined, as a query with data-modifying CTEs cannot, is planned again at
-- every call (PostgreSQL 15 keeps no plan of it): 2.5 ms of the 3.3 ms a
-- ballot's tally_move() took, its query running in 0.8 ms.  PL/pgSQL keeps
-- the plan of each of its statements for the session.
CREATE OR REPLACE FUNCTION tally_move(c_id bigint, method text, k integer,
    old_choices bigint[], new_choices bigint[],
    c_stratum text, c_profile text, c_interests boolean,
    c_assisted boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	moved	integer;
BEGIN
	WITH m AS (
		SELECT (pg_backend_pid() % 4)::smallint AS shard,
		    (sign(cardinality(new_choices)) -
		     sign(cardinality(old_choices)))::bigint AS delta
	), cell AS (
		INSERT INTO tally_cells AS t (consultation_id, stratum, profile,
		    interests, shard, ballots, assisted)
		SELECT c_id, c_stratum, c_profile, c_interests, m.shard, m.delta,
		    CASE WHEN c_assisted THEN m.delta ELSE 0 END
		FROM m WHERE m.delta <> 0
		ON CONFLICT (consultation_id, stratum, profile, interests, shard)
		DO UPDATE SET ballots = t.ballots + excluded.ballots,
		    assisted = t.assisted + excluded.assisted
		RETURNING 1
	), item AS (
		INSERT INTO tally_items AS t (consultation_id, priority_id, stratum,
		    profile, interests, shard, supporters, points, firsts)
		SELECT c_id, d.p, c_stratum, c_profile, c_interests, m.shard,
		    sum(d.sgn), sum(d.pts), sum(d.fst)
		FROM m, (
			SELECT u.p, x.sgn,
			    CASE WHEN method = 'ranked' THEN x.sgn * (k - u.ord + 1)
			    ELSE 0 END AS pts,
			    CASE WHEN method = 'ranked' AND u.ord = 1 THEN x.sgn
			    ELSE 0 END AS fst
			FROM (VALUES (-1, old_choices), (1, new_choices)) x(sgn, ch),
			    unnest(x.ch) WITH ORDINALITY u(p, ord)
		) d
		GROUP BY d.p, m.shard
		HAVING sum(d.sgn) <> 0 OR sum(d.pts) <> 0 OR sum(d.fst) <> 0
		ORDER BY d.p
		ON CONFLICT (priority_id, stratum, profile, interests, shard)
		DO UPDATE SET supporters = t.supporters + excluded.supporters,
		    points = t.points + excluded.points,
		    firsts = t.firsts + excluded.firsts
		RETURNING 1
	), pair AS (
		INSERT INTO tally_pairs AS t (consultation_id, winner, loser,
		    interests, shard, ballots)
		SELECT c_id, d.w, d.l, c_interests, m.shard, sum(d.sgn)
		FROM m, (
			SELECT a.p AS w, b.p AS l, x.sgn
			FROM (VALUES (-1, old_choices), (1, new_choices)) x(sgn, ch),
			    unnest(x.ch) WITH ORDINALITY a(p, ord),
			    unnest(x.ch) WITH ORDINALITY b(p, ord)
			WHERE a.ord < b.ord
		) d
		WHERE method = 'ranked'
		GROUP BY d.w, d.l, m.shard
		HAVING sum(d.sgn) <> 0
		ORDER BY d.w, d.l
		ON CONFLICT (winner, loser, interests, shard)
		DO UPDATE SET ballots = t.ballots + excluded.ballots
		RETURNING 1
	)
	SELECT 1 INTO moved FROM m;
END
$$;

-- Indexes no read uses, each a cost to every comment written: the page
-- reads go through comments_siblings and comments_siblings_best (013),
-- which serve the top level as well as the replies, and nothing searches
-- the path array (the ancestors are found by their primary key).
DROP INDEX comments_threads;
DROP INDEX comments_best;
DROP INDEX comments_path;
