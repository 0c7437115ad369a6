-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The tallies move out of the ballot's own work (issue 14).  Moving them in
-- place cost a ballot three upserts into rows every concurrent ballot of
-- the same cell wants (and a key-share lock on each priority it names):
-- ballot_put() ran at 2,588 transactions a second in pgbench (32 clients,
-- durable), against 4,645 with no tally at all.  A ballot now appends its
-- move, one row, to tally_log (4,527 a second), and every 64th move folds
-- the whole log into the tallies in one statement, where the moves of the
-- same cell add up before they are written.
--
-- What reads a tally reads it through the *_now views: the folded rows and
-- the moves not folded yet, so a ballot counts in the results as soon as it
-- is committed, whenever it is folded.

CREATE TABLE tally_log (
	consultation_id	bigint NOT NULL,	-- no foreign key: tally_fold() joins
	method		text NOT NULL,		-- the consultation's when cast
	k		integer NOT NULL,
	stratum		text NOT NULL,
	profile		text NOT NULL,
	interests	boolean NOT NULL,
	assisted	boolean NOT NULL,
	old_choices	bigint[] NOT NULL,	-- '{}': a first ballot
	new_choices	bigint[] NOT NULL	-- '{}': a withdrawal
);
CREATE INDEX tally_log_consultation ON tally_log (consultation_id);
-- Every row is deleted within 64 moves: vacuum it at every round of the
-- autovacuum launcher, whatever its size.
ALTER TABLE tally_log SET (autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 500, autovacuum_vacuum_insert_threshold = 500);
CREATE SEQUENCE tally_log_moves;

-- Folds every move of tally_log into tally_cells, tally_items and
-- tally_pairs, summed by row first and written in key order (concurrent
-- folds queue on the log's rows, and never deadlock on the tallies'); moves
-- of a consultation or priority deleted since are dropped.  How many moves.
CREATE FUNCTION tally_fold() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	moved	bigint;
BEGIN
	WITH d AS (
		DELETE FROM tally_log RETURNING *
	), m AS (
		SELECT d.*, (pg_backend_pid() % 4)::smallint AS shard,
		    (sign(cardinality(d.new_choices)) -
		     sign(cardinality(d.old_choices)))::bigint AS delta
		FROM d JOIN consultations c ON c.id = d.consultation_id
	), u AS (
		SELECT m.consultation_id, m.stratum, m.profile, m.interests,
		    m.shard, m.method, m.k, x.sgn, e.p, e.ord, x.ch
		FROM m, LATERAL (VALUES (-1, m.old_choices), (1, m.new_choices))
		    x(sgn, ch),
		    unnest(x.ch) WITH ORDINALITY e(p, ord)
		JOIN priorities p ON p.id = e.p
	), cell AS (
		INSERT INTO tally_cells AS t (consultation_id, stratum, profile,
		    interests, shard, ballots, assisted)
		SELECT m.consultation_id, m.stratum, m.profile, m.interests,
		    m.shard, sum(m.delta),
		    sum(CASE WHEN m.assisted THEN m.delta ELSE 0 END)
		FROM m WHERE m.delta <> 0
		GROUP BY 1, 2, 3, 4, 5
		HAVING sum(m.delta) <> 0
		    OR sum(CASE WHEN m.assisted THEN m.delta ELSE 0 END) <> 0
		ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (consultation_id, stratum, profile, interests, shard)
		DO UPDATE SET ballots = t.ballots + excluded.ballots,
		    assisted = t.assisted + excluded.assisted
		RETURNING 1
	), item AS (
		INSERT INTO tally_items AS t (consultation_id, priority_id, stratum,
		    profile, interests, shard, supporters, points, firsts)
		SELECT u.consultation_id, u.p, u.stratum, u.profile, u.interests,
		    u.shard, sum(u.sgn),
		    sum(CASE WHEN u.method = 'ranked'
			THEN u.sgn * (u.k - u.ord + 1) ELSE 0 END),
		    sum(CASE WHEN u.method = 'ranked' AND u.ord = 1
			THEN u.sgn ELSE 0 END)
		FROM u
		GROUP BY u.p, u.stratum, u.profile, u.interests, u.shard,
		    u.consultation_id
		HAVING sum(u.sgn) <> 0
		    OR sum(CASE WHEN u.method = 'ranked'
			THEN u.sgn * (u.k - u.ord + 1) ELSE 0 END) <> 0
		    OR sum(CASE WHEN u.method = 'ranked' AND u.ord = 1
			THEN u.sgn ELSE 0 END) <> 0
		ORDER BY u.p, u.stratum, u.profile, u.interests, u.shard
		ON CONFLICT (priority_id, stratum, profile, interests, shard)
		DO UPDATE SET supporters = t.supporters + excluded.supporters,
		    points = t.points + excluded.points,
		    firsts = t.firsts + excluded.firsts
		RETURNING 1
	), pair AS (
		INSERT INTO tally_pairs AS t (consultation_id, winner, loser,
		    interests, shard, ballots)
		SELECT u.consultation_id, u.p, l.p, u.interests, u.shard, sum(u.sgn)
		FROM u, unnest(u.ch) WITH ORDINALITY l(p, ord)
		JOIN priorities p ON p.id = l.p
		WHERE u.method = 'ranked' AND u.ord < l.ord
		GROUP BY u.p, l.p, u.interests, u.shard, u.consultation_id
		HAVING sum(u.sgn) <> 0
		ORDER BY u.p, l.p, u.interests, u.shard
		ON CONFLICT (winner, loser, interests, shard)
		DO UPDATE SET ballots = t.ballots + excluded.ballots
		RETURNING 1
	)
	SELECT count(*) INTO moved FROM m;
	RETURN moved;
END
$$;

-- Moves the tallies of one cell from the ballot old_choices to new_choices
-- (either may be empty: a first ballot, a withdrawal): appends the move to
-- tally_log, and folds the log at every 64th.
CREATE OR REPLACE FUNCTION tally_move(c_id bigint, method text, k integer,
    old_choices bigint[], new_choices bigint[],
    c_stratum text, c_profile text, c_interests boolean,
    c_assisted boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tally_log (consultation_id, method, k, stratum, profile,
	    interests, assisted, old_choices, new_choices)
	VALUES (c_id, method, k, c_stratum, c_profile, c_interests, c_assisted,
	    old_choices, new_choices);
	IF nextval('tally_log_moves') % 64 = 0 THEN
		PERFORM tally_fold();
	END IF;
END
$$;

-- The tallies as they are now: the folded rows (one per shard) and the
-- moves waiting in tally_log, to be summed by the reader.
CREATE VIEW tally_cells_now AS
	SELECT t.consultation_id, t.stratum, t.profile, t.interests,
	    t.ballots, t.assisted
	FROM tally_cells t
	UNION ALL
	SELECT l.consultation_id, l.stratum, l.profile, l.interests, l.delta,
	    CASE WHEN l.assisted THEN l.delta ELSE 0 END
	FROM (SELECT g.*, (sign(cardinality(g.new_choices)) -
		sign(cardinality(g.old_choices)))::bigint AS delta
	    FROM tally_log g) l
	WHERE l.delta <> 0;

CREATE VIEW tally_items_now AS
	SELECT t.consultation_id, t.priority_id, t.stratum, t.profile,
	    t.interests, t.supporters, t.points, t.firsts
	FROM tally_items t
	UNION ALL
	SELECT l.consultation_id, e.p, l.stratum, l.profile, l.interests,
	    x.sgn::bigint,
	    CASE WHEN l.method = 'ranked' THEN x.sgn * (l.k - e.ord + 1)
	    ELSE 0 END::bigint,
	    CASE WHEN l.method = 'ranked' AND e.ord = 1 THEN x.sgn
	    ELSE 0 END::bigint
	FROM tally_log l,
	    LATERAL (VALUES (-1, l.old_choices), (1, l.new_choices)) x(sgn, ch),
	    unnest(x.ch) WITH ORDINALITY e(p, ord);

CREATE VIEW tally_pairs_now AS
	SELECT t.consultation_id, t.winner, t.loser, t.interests, t.ballots
	FROM tally_pairs t
	UNION ALL
	SELECT l.consultation_id, a.p, b.p, l.interests, x.sgn::bigint
	FROM tally_log l,
	    LATERAL (VALUES (-1, l.old_choices), (1, l.new_choices)) x(sgn, ch),
	    unnest(x.ch) WITH ORDINALITY a(p, ord),
	    unnest(x.ch) WITH ORDINALITY b(p, ord)
	WHERE l.method = 'ranked' AND a.ord < b.ord;

-- The recount folds the log first, under its exclusive lock: no ballot of
-- the consultation is in flight then, so what it compares with the ballots
-- is the whole tally.
CREATE OR REPLACE FUNCTION tally_recount(c_id bigint)
RETURNS TABLE (kind text, key text, kept bigint, recounted bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
	PERFORM pg_advisory_xact_lock(7302, c_id::integer);
	PERFORM 1 FROM consultations WHERE id = c_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no consultation %', c_id USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM tally_fold();
	RETURN QUERY SELECT * FROM tally_differences(c_id);
	DELETE FROM tally_cells t WHERE t.consultation_id = c_id;
	DELETE FROM tally_items t WHERE t.consultation_id = c_id;
	DELETE FROM tally_pairs t WHERE t.consultation_id = c_id;
	INSERT INTO tally_cells
	SELECT c_id, r.stratum, r.profile, r.interests, 0, r.ballots, r.assisted
	FROM recount_cells(c_id) r;
	INSERT INTO tally_items
	SELECT c_id, r.priority_id, r.stratum, r.profile, r.interests, 0,
	    r.supporters, r.points, r.firsts
	FROM recount_items(c_id) r;
	INSERT INTO tally_pairs
	SELECT c_id, r.winner, r.loser, r.interests, 0, r.ballots
	FROM recount_pairs(c_id) r;
END
$$;

-- consultation_json() of 010, its participants counted from tally_cells_now.
CREATE OR REPLACE FUNCTION consultation_json(c consultations, with_priorities boolean,
    staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN with_priorities THEN (left(o::text, -1) ||
	    ',"priorities":' || coalesce((SELECT json_agg(priority_json(p, staff)
		ORDER BY p.position, p.id)::text FROM priorities p
		WHERE p.consultation_id = c.id), '[]') || '}')::json
	ELSE o END
	FROM (SELECT json_build_object('id', c.id, 'phase', consultation_phase(c),
	    'title_fr', c.title_fr, 'title_en', c.title_en,
	    'summary_fr', c.summary_fr, 'summary_en', c.summary_en,
	    'easy_summary_fr', c.easy_summary_fr, 'easy_summary_en', c.easy_summary_en,
	    'body_fr', c.body_fr, 'body_en', c.body_en,
	    'gathering_at', iso(c.gathering_at), 'voting_at', iso(c.voting_at),
	    'closes_at', iso(c.closes_at), 'publish_at', iso(c.publish_at),
	    'method', c.method,
	    'max_choices', CASE WHEN c.method = 'approval' THEN c.k END,
	    'max_ranks', CASE WHEN c.method = 'ranked' THEN c.k END,
	    'weighting', c.weighting, 'moderation', c.moderation,
	    'profile_targets', (SELECT json_object_agg(t.profile, t.share
		ORDER BY t.profile) FROM profile_targets t
		WHERE t.consultation_id = c.id),
	    'participants', (SELECT coalesce(sum(t.ballots), 0)::bigint
		FROM tally_cells_now t WHERE t.consultation_id = c.id),
	    'created_at', iso(c.created_at), 'updated_at', iso(c.updated_at)) AS o) x
$$;
