-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Consultations, research priorities, question gathering, ballots and their
-- tallies.  Tallies are kept per (priority, cell), where a cell is a
-- participant's stratum x profile x declared interests for a consultation,
-- and updated in the same transaction as the ballot, so that results cost
-- O(priorities x cells) whatever the number of ballots.  Each tally row is
-- split into shards (by backend) so that concurrent ballots of one cell do
-- not queue on one row; results add the shards up.

CREATE FUNCTION phase_rank(phase text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT array_position(
	    ARRAY['draft', 'gathering', 'voting', 'closed', 'published'], phase) - 1
$$;

CREATE TABLE consultations (
	id		bigserial PRIMARY KEY,
	phase		text NOT NULL DEFAULT 'draft' CHECK (phase_rank(phase) IS NOT NULL),
	title_fr	text NOT NULL,
	title_en	text,
	summary_fr	text NOT NULL,
	summary_en	text,
	easy_summary_fr	text,
	easy_summary_en	text,
	body_fr		text NOT NULL,
	body_en		text,
	gathering_at	timestamptz,
	voting_at	timestamptz NOT NULL,
	closes_at	timestamptz NOT NULL,
	publish_at	timestamptz,
	method		text NOT NULL CHECK (method IN ('approval', 'ranked')),
	k		integer NOT NULL CHECK (k BETWEEN 1 AND 50),
	weighting	text NOT NULL DEFAULT 'none'
			CHECK (weighting IN ('none', 'idf-departements', 'fr-regions')),
	moderation	text NOT NULL DEFAULT 'post' CHECK (moderation IN ('pre', 'post')),
	created_by	bigint REFERENCES accounts,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT consultation_closes_after_voting CHECK (closes_at > voting_at),
	CONSTRAINT consultation_gathering_before_voting
	    CHECK (gathering_at IS NULL OR gathering_at < voting_at),
	CONSTRAINT consultation_publish_after_closing
	    CHECK (publish_at IS NULL OR publish_at >= closes_at)
);

-- The phase in force: the stored one, moved forward by the dates once the
-- consultation has left the draft.  Never trusted from a client.
CREATE FUNCTION consultation_phase(c consultations) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN c.phase = 'draft' THEN 'draft' ELSE
	    (ARRAY['draft', 'gathering', 'voting', 'closed', 'published'])[1 +
	    greatest(phase_rank(c.phase),
		CASE WHEN c.publish_at <= now() THEN 4
		     WHEN c.closes_at <= now() THEN 3
		     WHEN c.voting_at <= now() THEN 2
		     ELSE 0 END)]
	END
$$;

CREATE TABLE priorities (
	id		bigserial PRIMARY KEY,
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	position	integer NOT NULL CHECK (position BETWEEN 1 AND 1000),
	title_fr	text NOT NULL,
	title_en	text,
	description_fr	text NOT NULL DEFAULT '',
	description_en	text,
	question	text,			-- the structured research question
	evidence_status	text NOT NULL DEFAULT 'unanswered'
			CHECK (evidence_status IN ('unanswered', 'partly_answered', 'answered')),
	evidence_links	text[] NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX priorities_consultation ON priorities (consultation_id, position, id);

CREATE TABLE submissions (
	id		bigserial PRIMARY KEY,
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	account_id	bigint NOT NULL REFERENCES accounts,
	text		text NOT NULL,
	status		text NOT NULL CHECK (status IN ('pending', 'published', 'rejected')),
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX submissions_consultation ON submissions (consultation_id, id);
CREATE INDEX submissions_account ON submissions (account_id, created_at);
CREATE UNIQUE INDEX submissions_once ON submissions
    (consultation_id, account_id, md5(lower(text)));

-- Submissions merged into a priority stay linked to it, and shown with it.
CREATE TABLE priority_sources (
	priority_id	bigint NOT NULL REFERENCES priorities ON DELETE CASCADE,
	submission_id	bigint NOT NULL REFERENCES submissions ON DELETE CASCADE,
	PRIMARY KEY (priority_id, submission_id)
);
CREATE INDEX priority_sources_submission ON priority_sources (submission_id);

-- Target shares of participant profiles for raking (optional, per
-- consultation); the shares of a consultation sum to 1.
CREATE TABLE profile_targets (
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	profile		text NOT NULL CHECK (profile IN ('patient', 'carer', 'citizen',
			    'health_professional', 'researcher', 'other')),
	share		double precision NOT NULL CHECK (share >= 0 AND share <= 1),
	PRIMARY KEY (consultation_id, profile)
);

-- A priority as the API shows it, with the submissions merged into it.
CREATE FUNCTION priority_json(p priorities) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', p.id, 'consultation_id', p.consultation_id,
	    'position', p.position, 'title_fr', p.title_fr, 'title_en', p.title_en,
	    'description_fr', p.description_fr, 'description_en', p.description_en,
	    'question', p.question, 'evidence_status', p.evidence_status,
	    'evidence_links', to_json(p.evidence_links),
	    'in_vote', p.evidence_status <> 'answered',
	    'sources', coalesce((
		SELECT json_agg(json_build_object('id', s.id, 'text', s.text,
		    'created_at', iso(s.created_at)) ORDER BY s.id)
		FROM priority_sources ps JOIN submissions s ON s.id = ps.submission_id
		WHERE ps.priority_id = p.id AND s.status <> 'rejected'), '[]'),
	    'created_at', iso(p.created_at), 'updated_at', iso(p.updated_at))
$$;

-- A consultation as the API shows it; with its priorities when asked
-- (spliced in as the last key of the object json_build_object made, which
-- always ends with its closing brace: jsonb would cost twice the time).
CREATE FUNCTION consultation_json(c consultations, with_priorities boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN with_priorities THEN (left(o::text, -1) ||
	    ',"priorities":' || coalesce((SELECT json_agg(priority_json(p)
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
	    'created_at', iso(c.created_at), 'updated_at', iso(c.updated_at)) AS o) x
$$;

-- A participant's cell in a consultation, fixed at their first
-- contribution: stratum (GeoIP weighting fills it), profile and declared
-- interests.  Never an address.
CREATE TABLE participations (
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	account_id	bigint NOT NULL REFERENCES accounts,
	stratum		text NOT NULL DEFAULT 'unknown',
	stratum_source	text NOT NULL DEFAULT 'unknown'
			CHECK (stratum_source IN ('declared', 'geoip', 'unknown')),
	geoip_agrees	boolean,
	profile		text NOT NULL,
	interests	boolean NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (consultation_id, account_id)
);

-- One ballot per participant and consultation (account_id), or one per
-- person met by a facilitator (assisted_by, no account).  The cell is a
-- copy of the participation's, so a recount needs only this table.
CREATE TABLE ballots (
	id		bigserial PRIMARY KEY,
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	account_id	bigint REFERENCES accounts,
	choices		bigint[] NOT NULL CHECK (cardinality(choices) >= 1),
	stratum		text NOT NULL,
	profile		text NOT NULL,
	interests	boolean NOT NULL,
	assisted_by	bigint REFERENCES accounts,
	assisted_note	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (consultation_id, account_id),
	CHECK ((account_id IS NULL) <> (assisted_by IS NULL))
);
CREATE INDEX ballots_assisted ON ballots (consultation_id) WHERE assisted_by IS NOT NULL;

CREATE TABLE tally_cells (
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	stratum		text NOT NULL,
	profile		text NOT NULL,
	interests	boolean NOT NULL,
	shard		smallint NOT NULL,
	ballots		bigint NOT NULL,
	assisted	bigint NOT NULL DEFAULT 0,	-- of which entered by a facilitator
	PRIMARY KEY (consultation_id, stratum, profile, interests, shard)
);

CREATE TABLE tally_items (
	consultation_id	bigint NOT NULL,
	priority_id	bigint NOT NULL REFERENCES priorities ON DELETE CASCADE,
	stratum		text NOT NULL,
	profile		text NOT NULL,
	interests	boolean NOT NULL,
	shard		smallint NOT NULL,
	supporters	bigint NOT NULL,	-- ballots approving or ranking it
	points		bigint NOT NULL,	-- Borda: rank r of K gives K - r + 1
	firsts		bigint NOT NULL,	-- ranked first
	PRIMARY KEY (priority_id, stratum, profile, interests, shard)
);
CREATE INDEX tally_items_consultation ON tally_items (consultation_id);

-- Ranked ballots: how many rank both winner and loser, winner above.  With
-- the supporters of each item this gives the whole pairwise matrix.
CREATE TABLE tally_pairs (
	consultation_id	bigint NOT NULL,
	winner		bigint NOT NULL REFERENCES priorities ON DELETE CASCADE,
	loser		bigint NOT NULL REFERENCES priorities ON DELETE CASCADE,
	interests	boolean NOT NULL,
	shard		smallint NOT NULL,
	ballots		bigint NOT NULL,
	PRIMARY KEY (winner, loser, interests, shard)
);
CREATE INDEX tally_pairs_consultation ON tally_pairs (consultation_id);

-- Moves the tallies of one cell from the ballot old_choices to new_choices
-- (either may be empty: a first ballot, a withdrawal).  Rows are touched
-- in key order, net of what did not change, so concurrent ballots never
-- deadlock and a replaced ballot costs only its difference.
CREATE FUNCTION tally_move(c_id bigint, method text, k integer,
    old_choices bigint[], new_choices bigint[],
    c_stratum text, c_profile text, c_interests boolean,
    c_assisted boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	s	smallint := pg_backend_pid() % 4;
	ranked	boolean := method = 'ranked';
	delta	integer := sign(cardinality(new_choices)) - sign(cardinality(old_choices));
BEGIN
	IF delta <> 0 THEN
		INSERT INTO tally_cells AS t VALUES
		    (c_id, c_stratum, c_profile, c_interests, s, delta,
		    CASE WHEN c_assisted THEN delta ELSE 0 END)
		ON CONFLICT (consultation_id, stratum, profile, interests, shard)
		DO UPDATE SET ballots = t.ballots + excluded.ballots,
		    assisted = t.assisted + excluded.assisted;
	END IF;

	INSERT INTO tally_items AS t
	SELECT c_id, d.p, c_stratum, c_profile, c_interests, s,
	    sum(d.sgn), sum(d.pts), sum(d.fst)
	FROM (
		SELECT u.p, x.sgn,
		    CASE WHEN ranked THEN x.sgn * (k - u.ord + 1) ELSE 0 END AS pts,
		    CASE WHEN ranked AND u.ord = 1 THEN x.sgn ELSE 0 END AS fst
		FROM (VALUES (-1, old_choices), (1, new_choices)) x(sgn, ch),
		    unnest(x.ch) WITH ORDINALITY u(p, ord)
	) d
	GROUP BY d.p
	HAVING sum(d.sgn) <> 0 OR sum(d.pts) <> 0 OR sum(d.fst) <> 0
	ORDER BY d.p
	ON CONFLICT (priority_id, stratum, profile, interests, shard)
	DO UPDATE SET supporters = t.supporters + excluded.supporters,
	    points = t.points + excluded.points,
	    firsts = t.firsts + excluded.firsts;

	IF ranked THEN
		INSERT INTO tally_pairs AS t
		SELECT c_id, d.w, d.l, c_interests, s, sum(d.sgn)
		FROM (
			SELECT a.p AS w, b.p AS l, x.sgn
			FROM (VALUES (-1, old_choices), (1, new_choices)) x(sgn, ch),
			    unnest(x.ch) WITH ORDINALITY a(p, ord),
			    unnest(x.ch) WITH ORDINALITY b(p, ord)
			WHERE a.ord < b.ord
		) d
		GROUP BY d.w, d.l
		HAVING sum(d.sgn) <> 0
		ORDER BY d.w, d.l
		ON CONFLICT (winner, loser, interests, shard)
		DO UPDATE SET ballots = t.ballots + excluded.ballots;
	END IF;
END
$$;

-- Checks a ballot against the consultation: '' when it may be cast, else
-- the error code.  Locks out a concurrent recount (shared advisory lock).
CREATE FUNCTION ballot_check(c_id bigint, choices bigint[],
    OUT code text, OUT c_method text, OUT c_k integer, OUT c_scheme text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	c	consultations;
	found_n	integer;
	open_n	integer;
BEGIN
	PERFORM pg_advisory_xact_lock_shared(7302, c_id::integer);
	SELECT * INTO c FROM consultations WHERE id = c_id;
	IF NOT FOUND THEN
		code := 'not_found';
		RETURN;
	END IF;
	c_method := c.method;
	c_k := c.k;
	c_scheme := c.weighting;
	IF c.phase = 'draft' THEN
		code := 'not_found';		-- drafts are not shown
	ELSIF consultation_phase(c) <> 'voting' THEN
		code := 'not_voting';
	ELSIF choices IS NOT NULL AND cardinality(choices) > c.k THEN
		code := 'too_many_choices';
	ELSE
		SELECT count(*), count(*) FILTER (WHERE evidence_status <> 'answered')
		INTO found_n, open_n
		FROM priorities WHERE consultation_id = c_id AND id = ANY (choices);
		IF choices IS NOT NULL AND found_n < cardinality(choices) THEN
			code := 'unknown_priority';
		ELSIF choices IS NOT NULL AND open_n < found_n THEN
			code := 'priority_not_in_vote';
		ELSE
			code := '';
		END IF;
	END IF;
END
$$;

-- Casts or replaces the ballot of account acct.  A replacement locks the
-- ballot's row, so concurrent ballots of one participant queue; a first
-- ballot that loses a race on the unique key becomes a replacement.  The
-- participant's cell (participations) is fixed at their first
-- contribution: without one and without in_stratum, code is
-- 'need_stratum' (with scheme) and nothing is changed, so that the caller
-- resolves the stratum only when it is needed.  Returns code '' and the
-- ballot, or an error code and nothing changed.
CREATE FUNCTION ballot_put(c_id bigint, acct bigint, new_choices bigint[],
    in_stratum text, in_source text, in_agrees boolean,
    OUT code text, OUT choices bigint[], OUT created_at text,
    OUT updated_at text, OUT method text, OUT scheme text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	chk	record;
	p	participations;
	b	ballots;
	try	integer;
BEGIN
	chk := ballot_check(c_id, new_choices);
	code := chk.code;
	method := chk.c_method;
	scheme := chk.c_scheme;
	IF code <> '' THEN
		RETURN;
	END IF;
	FOR try IN 1..2 LOOP
		SELECT * INTO b FROM ballots x
		WHERE x.consultation_id = c_id AND x.account_id = acct FOR UPDATE;
		IF FOUND THEN
			UPDATE ballots x SET choices = new_choices, updated_at = now()
			WHERE x.id = b.id
			RETURNING x.choices, iso(x.created_at), iso(x.updated_at)
			INTO choices, created_at, updated_at;
			PERFORM tally_move(c_id, chk.c_method, chk.c_k, b.choices,
			    new_choices, b.stratum, b.profile, b.interests);
			RETURN;
		END IF;
		SELECT * INTO p FROM participations x
		WHERE x.consultation_id = c_id AND x.account_id = acct;
		IF NOT FOUND THEN
			IF in_stratum IS NULL THEN
				code := 'need_stratum';
				RETURN;
			END IF;
			INSERT INTO participations (consultation_id, account_id,
			    stratum, stratum_source, geoip_agrees, profile, interests)
			SELECT c_id, a.id, in_stratum, in_source, in_agrees,
			    a.profile, a.interests_declared
			FROM accounts a WHERE a.id = acct
			ON CONFLICT DO NOTHING;
			SELECT * INTO p FROM participations x
			WHERE x.consultation_id = c_id AND x.account_id = acct;
		END IF;
		INSERT INTO ballots AS x (consultation_id, account_id, choices,
		    stratum, profile, interests)
		VALUES (c_id, acct, new_choices, p.stratum, p.profile, p.interests)
		ON CONFLICT (consultation_id, account_id) DO NOTHING
		RETURNING x.choices, iso(x.created_at), iso(x.updated_at)
		INTO choices, created_at, updated_at;
		IF FOUND THEN
			PERFORM tally_move(c_id, chk.c_method, chk.c_k, '{}',
			    new_choices, p.stratum, p.profile, p.interests);
			RETURN;
		END IF;
		-- A concurrent first ballot was committed: replace it.
	END LOOP;
	RAISE EXCEPTION 'ballot of % in % kept changing', acct, c_id
	    USING ERRCODE = 'serialization_failure';
END
$$;

-- Withdraws the ballot of acct: '' or an error code.
CREATE FUNCTION ballot_delete(c_id bigint, acct bigint) RETURNS text
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	chk	record;
	b	ballots;
BEGIN
	chk := ballot_check(c_id, NULL);
	IF chk.code <> '' THEN
		RETURN chk.code;
	END IF;
	DELETE FROM ballots x WHERE x.consultation_id = c_id AND x.account_id = acct
	RETURNING * INTO b;
	IF NOT FOUND THEN
		RETURN 'no_ballot';
	END IF;
	PERFORM tally_move(c_id, chk.c_method, chk.c_k, b.choices, '{}',
	    b.stratum, b.profile, b.interests);
	RETURN '';
END
$$;

-- A paper or telephone ballot entered by a facilitator for a person
-- without an account: counted like any other, marked as assisted.
CREATE FUNCTION ballot_assisted(c_id bigint, facilitator bigint,
    new_choices bigint[], in_profile text, in_stratum text,
    in_interests boolean, note text,
    OUT code text, OUT id bigint, OUT created_at text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	chk	record;
BEGIN
	chk := ballot_check(c_id, new_choices);
	code := chk.code;
	IF code <> '' THEN
		RETURN;
	END IF;
	INSERT INTO ballots AS b (consultation_id, choices, stratum, profile,
	    interests, assisted_by, assisted_note)
	VALUES (c_id, new_choices, in_stratum, in_profile, in_interests,
	    facilitator, note)
	RETURNING b.id, iso(b.created_at) INTO id, created_at;
	PERFORM tally_move(c_id, chk.c_method, chk.c_k, '{}', new_choices,
	    in_stratum, in_profile, in_interests, true);
END
$$;

-- The tallies of a consultation as its ballots say they should be.
CREATE FUNCTION recount_cells(c_id bigint)
RETURNS TABLE (stratum text, profile text, interests boolean, ballots bigint,
    assisted bigint)
LANGUAGE sql STABLE AS $$
	SELECT b.stratum, b.profile, b.interests, count(*),
	    count(*) FILTER (WHERE b.assisted_by IS NOT NULL)
	FROM ballots b WHERE b.consultation_id = c_id
	GROUP BY 1, 2, 3
$$;

CREATE FUNCTION recount_items(c_id bigint)
RETURNS TABLE (priority_id bigint, stratum text, profile text,
    interests boolean, supporters bigint, points bigint, firsts bigint)
LANGUAGE sql STABLE AS $$
	SELECT u.p, b.stratum, b.profile, b.interests, count(*),
	    sum(CASE WHEN c.method = 'ranked' THEN c.k - u.ord + 1 ELSE 0 END)::bigint,
	    count(*) FILTER (WHERE c.method = 'ranked' AND u.ord = 1)
	FROM consultations c JOIN ballots b ON b.consultation_id = c.id,
	    unnest(b.choices) WITH ORDINALITY u(p, ord)
	WHERE c.id = c_id
	GROUP BY 1, 2, 3, 4
$$;

CREATE FUNCTION recount_pairs(c_id bigint)
RETURNS TABLE (winner bigint, loser bigint, interests boolean, ballots bigint)
LANGUAGE sql STABLE AS $$
	SELECT x.p, y.p, b.interests, count(*)
	FROM consultations c JOIN ballots b ON b.consultation_id = c.id,
	    unnest(b.choices) WITH ORDINALITY x(p, ord),
	    unnest(b.choices) WITH ORDINALITY y(p, ord)
	WHERE c.id = c_id AND c.method = 'ranked' AND x.ord < y.ord
	GROUP BY 1, 2, 3
$$;

-- Every difference between the tallies kept for a consultation and a
-- recount of its ballots (no row: they are right).
CREATE FUNCTION tally_differences(c_id bigint)
RETURNS TABLE (kind text, key text, kept bigint, recounted bigint)
LANGUAGE sql STABLE AS $$
	WITH kc AS (
		SELECT t.stratum, t.profile, t.interests, sum(t.ballots)::bigint AS n,
		    sum(t.assisted)::bigint AS a
		FROM tally_cells t WHERE t.consultation_id = c_id GROUP BY 1, 2, 3
	), cells AS (
		SELECT concat_ws(' ', coalesce(k.stratum, r.stratum),
		    coalesce(k.profile, r.profile), coalesce(k.interests, r.interests))
		    AS key, coalesce(k.n, 0) AS kn, coalesce(r.ballots, 0) AS rn,
		    coalesce(k.a, 0) AS ka, coalesce(r.assisted, 0) AS ra
		FROM kc k FULL JOIN recount_cells(c_id) r
		    USING (stratum, profile, interests)
	), ki AS (
		SELECT t.priority_id, t.stratum, t.profile, t.interests,
		    sum(t.supporters)::bigint AS s, sum(t.points)::bigint AS pt,
		    sum(t.firsts)::bigint AS f
		FROM tally_items t WHERE t.consultation_id = c_id GROUP BY 1, 2, 3, 4
	), kp AS (
		SELECT t.winner, t.loser, t.interests, sum(t.ballots)::bigint AS n
		FROM tally_pairs t WHERE t.consultation_id = c_id GROUP BY 1, 2, 3
	), items AS (
		SELECT concat_ws(' ', 'priority', coalesce(k.priority_id, r.priority_id),
		    coalesce(k.stratum, r.stratum), coalesce(k.profile, r.profile),
		    coalesce(k.interests, r.interests)) AS key,
		    coalesce(k.s, 0) AS ks, coalesce(r.supporters, 0) AS rs,
		    coalesce(k.pt, 0) AS kpt, coalesce(r.points, 0) AS rpt,
		    coalesce(k.f, 0) AS kf, coalesce(r.firsts, 0) AS rf
		FROM ki k FULL JOIN recount_items(c_id) r
		    USING (priority_id, stratum, profile, interests)
	)
	SELECT v.kind, c.key, v.kept, v.recounted FROM cells c,
	    LATERAL (VALUES ('cell ballots', c.kn, c.rn),
		('cell assisted', c.ka, c.ra)) v(kind, kept, recounted)
	WHERE v.kept <> v.recounted
	UNION ALL
	SELECT v.kind, i.key, v.kept, v.recounted FROM items i,
	    LATERAL (VALUES ('supporters', i.ks, i.rs), ('points', i.kpt, i.rpt),
		('firsts', i.kf, i.rf)) v(kind, kept, recounted)
	WHERE v.kept <> v.recounted
	UNION ALL
	SELECT 'pair ballots', concat_ws(' ', coalesce(k.winner, r.winner),
	    'over', coalesce(k.loser, r.loser), coalesce(k.interests, r.interests)),
	    coalesce(k.n, 0), coalesce(r.ballots, 0)
	FROM kp k FULL JOIN recount_pairs(c_id) r USING (winner, loser, interests)
	WHERE coalesce(k.n, 0) <> coalesce(r.ballots, 0)
$$;

-- Rebuilds the tallies of a consultation from its ballots, under an
-- exclusive lock against ballots being cast, and returns the differences
-- found before (none: the tallies were right).
CREATE FUNCTION tally_recount(c_id bigint)
RETURNS TABLE (kind text, key text, kept bigint, recounted bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
	PERFORM pg_advisory_xact_lock(7302, c_id::integer);
	PERFORM 1 FROM consultations WHERE id = c_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no consultation %', c_id USING ERRCODE = 'no_data_found';
	END IF;
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

-- Retried requests (Idempotency-Key): the first answer is kept for a day
-- and given again to a retry with the same key and the same request.
CREATE TABLE idempotency_keys (
	account_id	bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	key		text NOT NULL,
	request_hash	bytea NOT NULL,
	status		integer,
	body		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, key)
);
