-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Consultations and priorities are written by one statement each, as
-- ballots, comments and submissions are (011): each function locks what
-- it changes, checks the rules in the order below and answers a code,
-- 'ok' with the id, or a refusal with the field it blames (or NULL).  A
-- refusal changes nothing.  f is the JSON object of the fields the
-- request gave, after the route validated them: a field absent from f was
-- not given, a JSON null in f was given as null ("unset").

-- The field a date constraint of consultations blames, or NULL.
CREATE FUNCTION consultation_date_field(constraint_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE constraint_name
	    WHEN 'consultation_closes_after_voting' THEN 'closes_at'
	    WHEN 'consultation_gathering_before_voting' THEN 'gathering_at'
	    WHEN 'consultation_publish_after_closing' THEN 'publish_at' END
$$;

-- The K of a vote by method: the method's own (max_choices of approval,
-- max_ranks of ranked: the values in force after the change) must be
-- set, and the other method's not given (in f) but as null.  A refusal
-- code and its field, or NULLs.
CREATE FUNCTION consultation_k_check(method text, max_choices integer,
    max_ranks integer, f jsonb, OUT code text, OUT field text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	approval boolean := method = 'approval';
	other	text := CASE WHEN approval THEN 'max_ranks' ELSE 'max_choices' END;
BEGIN
	IF (CASE WHEN approval THEN max_choices ELSE max_ranks END) IS NULL THEN
		code := CASE WHEN approval THEN 'max_choices_required'
		    ELSE 'max_ranks_required' END;
		field := CASE WHEN approval THEN 'max_choices' ELSE 'max_ranks' END;
	ELSIF f ? other AND f -> other <> 'null'::jsonb THEN
		code := 'not_for_method';
		field := other;
	END IF;
END
$$;

-- Replaces the profile targets of consultation c_id with t ({profile:
-- share}; JSON null clears them).  False, changing nothing, when the
-- shares do not add up to 1 (within 1e-6).
CREATE FUNCTION profile_targets_put(c_id bigint, t jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	total	double precision;
BEGIN
	IF t <> 'null'::jsonb THEN
		SELECT coalesce(sum(e.value::double precision), 0) INTO total
		FROM jsonb_each(t) e;
		IF total < 1 - 1e-6 OR total > 1 + 1e-6 THEN
			RETURN false;
		END IF;
	END IF;
	DELETE FROM profile_targets x WHERE x.consultation_id = c_id;
	INSERT INTO profile_targets (consultation_id, profile, share)
	SELECT c_id, e.key, e.value::double precision
	FROM jsonb_each(CASE WHEN t <> 'null'::jsonb THEN t END) e;
	RETURN true;
END
$$;

-- Writes n, a new consultation when c_id is NULL, else the change of
-- consultation c_id (locked by the caller), with the profile targets f
-- gives; max_choices and max_ranks are the values in force after the
-- write.  Refusals, in order: the method's K (consultation_k_check()), a
-- date rule (invalid_dates, with the field it blames), targets that do
-- not add up to 1 (invalid_profile_targets); nothing is written then.
CREATE FUNCTION consultation_write(c_id bigint, n consultations, f jsonb,
    max_choices integer, max_ranks integer,
    OUT code text, OUT id bigint, OUT field text)
LANGUAGE plpgsql AS $$
DECLARE
	cname	text;
BEGIN
	SELECT x.code, x.field INTO code, field
	FROM consultation_k_check(n.method, max_choices, max_ranks, f) x;
	IF code IS NOT NULL THEN
		RETURN;
	END IF;
	n.k := CASE WHEN n.method = 'approval' THEN max_choices
	    ELSE max_ranks END;
	BEGIN
		IF c_id IS NULL THEN
			INSERT INTO consultations AS x (title_fr, title_en,
			    summary_fr, summary_en, easy_summary_fr,
			    easy_summary_en, body_fr, body_en, gathering_at,
			    voting_at, closes_at, publish_at, method, k,
			    weighting, moderation, created_by, phase)
			VALUES (n.title_fr, n.title_en, n.summary_fr,
			    n.summary_en, n.easy_summary_fr, n.easy_summary_en,
			    n.body_fr, n.body_en, n.gathering_at, n.voting_at,
			    n.closes_at, n.publish_at, n.method, n.k,
			    n.weighting, n.moderation, n.created_by, n.phase)
			RETURNING x.id INTO id;
		ELSE
			UPDATE consultations x SET title_fr = n.title_fr,
			    title_en = n.title_en, summary_fr = n.summary_fr,
			    summary_en = n.summary_en,
			    easy_summary_fr = n.easy_summary_fr,
			    easy_summary_en = n.easy_summary_en,
			    body_fr = n.body_fr, body_en = n.body_en,
			    gathering_at = n.gathering_at,
			    voting_at = n.voting_at, closes_at = n.closes_at,
			    publish_at = n.publish_at, method = n.method,
			    k = n.k, weighting = n.weighting,
			    moderation = n.moderation, phase = n.phase,
			    updated_at = now()
			WHERE x.id = c_id;
			id := c_id;
		END IF;
		IF f ? 'profile_targets' AND
		    NOT profile_targets_put(id, f -> 'profile_targets') THEN
			RAISE SQLSTATE 'U0001';		-- undoes the write
		END IF;
	EXCEPTION
		WHEN check_violation THEN
			GET STACKED DIAGNOSTICS cname = CONSTRAINT_NAME;
			field := consultation_date_field(cname);
			IF field IS NULL THEN
				RAISE;
			END IF;
			code := 'invalid_dates';
			id := NULL;
			RETURN;
		WHEN SQLSTATE 'U0001' THEN
			code := 'invalid_profile_targets';
			field := 'profile_targets';
			id := NULL;
			RETURN;
	END;
	code := 'ok';
END
$$;

-- Inserts the consultation of the fields f of the creation route, by
-- account author (NULL: imported), in phase in_phase, with its profile
-- targets.  Refusals: those of consultation_write().
CREATE FUNCTION consultation_post(author bigint, f jsonb, in_phase text,
    OUT code text, OUT id bigint, OUT field text)
LANGUAGE plpgsql AS $$
DECLARE
	n	consultations := jsonb_populate_record(NULL::consultations, f);
BEGIN
	n.weighting := coalesce(n.weighting, 'none');
	n.moderation := coalesce(n.moderation, 'post');
	n.created_by := author;
	n.phase := in_phase;
	SELECT x.code, x.id, x.field INTO code, id, field
	FROM consultation_write(NULL, n, f, (f ->> 'max_choices')::integer,
	    (f ->> 'max_ranks')::integer) x;
END
$$;

-- The first field of names (in their order) that f gives, or NULL.
CREATE FUNCTION fields_first_given(f jsonb, names text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT u.name FROM unnest(names) WITH ORDINALITY u(name, n)
	WHERE f ? u.name ORDER BY u.n LIMIT 1
$$;

-- Changes consultation c_id by the fields f of the PATCH route, against
-- the phase in force, which it keeps (so that dates never move it back)
-- unless f moves it forward.  Refusals, in order: not_found; a phase that
-- moves back (phase_backwards); any field of a published consultation
-- (published, naming the first given); the rules of the vote once it has
-- opened, and its end once it has closed (voting_rules_frozen, naming the
-- field); then those of consultation_write().
CREATE FUNCTION consultation_patch(c_id bigint, f jsonb,
    OUT code text, OUT id bigint, OUT field text)
LANGUAGE plpgsql AS $$
DECLARE
	c	consultations;
	n	consultations;
	now_phase text;
BEGIN
	SELECT * INTO c FROM consultations x WHERE x.id = c_id FOR UPDATE;
	IF NOT FOUND THEN
		code := 'not_found';
		RETURN;
	END IF;
	now_phase := consultation_phase(c);
	IF f ? 'phase' AND phase_rank(f ->> 'phase') < phase_rank(now_phase) THEN
		code := 'phase_backwards';
		field := 'phase';
		RETURN;
	END IF;
	IF now_phase = 'published' THEN
		field := fields_first_given(f, ARRAY['title_fr', 'title_en',
		    'summary_fr', 'summary_en', 'easy_summary_fr',
		    'easy_summary_en', 'body_fr', 'body_en', 'gathering_at',
		    'voting_at', 'closes_at', 'publish_at', 'method',
		    'max_choices', 'max_ranks', 'weighting', 'moderation',
		    'profile_targets']);
		IF field IS NOT NULL THEN
			code := 'published';
			RETURN;
		END IF;
	ELSIF phase_rank(now_phase) >= phase_rank('voting') THEN
		field := fields_first_given(f, ARRAY['method', 'max_choices',
		    'max_ranks', 'weighting', 'voting_at', 'gathering_at',
		    'profile_targets']);
		IF field IS NULL AND now_phase = 'closed' AND f ? 'closes_at' THEN
			field := 'closes_at';
		END IF;
		IF field IS NOT NULL THEN
			code := 'voting_rules_frozen';
			RETURN;
		END IF;
	END IF;
	n := jsonb_populate_record(c, f);
	n.phase := coalesce(f ->> 'phase', now_phase);
	SELECT x.code, x.id, x.field INTO code, id, field
	FROM consultation_write(c_id, n, f, CASE WHEN f ? 'max_choices'
	    THEN (f ->> 'max_choices')::integer WHEN c.method = 'approval'
	    THEN c.k END, CASE WHEN f ? 'max_ranks'
	    THEN (f ->> 'max_ranks')::integer WHEN c.method = 'ranked'
	    THEN c.k END) x;
END
$$;

-- Replaces the sources of priority p_id with the submissions src (a JSON
-- array of ids) of consultation c_id.  False when one of them is not a
-- submission of c_id (the caller undoes what was written).
CREATE FUNCTION priority_sources_put(p_id bigint, c_id bigint, src jsonb)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	ids	bigint[] := ARRAY(SELECT jsonb_array_elements_text(src)::bigint);
BEGIN
	DELETE FROM priority_sources x
	WHERE x.priority_id = p_id AND x.submission_id <> ALL (ids);
	INSERT INTO priority_sources (priority_id, submission_id)
	SELECT p_id, s.id FROM submissions s
	WHERE s.consultation_id = c_id AND s.id = ANY (ids)
	ON CONFLICT DO NOTHING;
	RETURN (SELECT count(*) FROM submissions s
	    WHERE s.consultation_id = c_id AND s.id = ANY (ids))
	    = cardinality(ids);
END
$$;

-- Writes n, a new priority of consultation c_id when p_id is NULL, else
-- the change of priority p_id of c_id (locked by the caller), with the
-- sources f gives.  Refused, writing nothing, when a source is not a
-- submission of c_id (unknown_submission).
CREATE FUNCTION priority_write(p_id bigint, c_id bigint, n priorities,
    f jsonb, OUT code text, OUT id bigint, OUT field text)
LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		IF p_id IS NULL THEN
			INSERT INTO priorities AS x (consultation_id, title_fr,
			    title_en, description_fr, description_en, position,
			    question, evidence_status, evidence_links)
			VALUES (c_id, n.title_fr, n.title_en, n.description_fr,
			    n.description_en, n.position, n.question,
			    n.evidence_status, n.evidence_links)
			RETURNING x.id INTO id;
		ELSE
			UPDATE priorities x SET title_fr = n.title_fr,
			    title_en = n.title_en,
			    description_fr = n.description_fr,
			    description_en = n.description_en,
			    position = n.position, question = n.question,
			    evidence_status = n.evidence_status,
			    evidence_links = n.evidence_links, updated_at = now()
			WHERE x.id = p_id;
			id := p_id;
		END IF;
		IF f ? 'sources' AND
		    NOT priority_sources_put(id, c_id, f -> 'sources') THEN
			RAISE SQLSTATE 'U0001';		-- undoes the write
		END IF;
	EXCEPTION WHEN SQLSTATE 'U0001' THEN
		code := 'unknown_submission';
		field := 'sources';
		id := NULL;
		RETURN;
	END;
	code := 'ok';
END
$$;

-- Inserts a priority of consultation c_id from the fields f of the
-- creation route, with its sources; at the end of the list when f gives
-- no position.  Refusals, in order: not_found; priorities_frozen once the
-- vote has opened, unless imported (`concerto import` writes consultations
-- of any phase); those of priority_write().
CREATE FUNCTION priority_post(c_id bigint, f jsonb, imported boolean,
    OUT code text, OUT id bigint, OUT field text)
LANGUAGE plpgsql AS $$
DECLARE
	c	consultations;
	n	priorities := jsonb_populate_record(NULL::priorities, f);
BEGIN
	SELECT * INTO c FROM consultations x WHERE x.id = c_id FOR UPDATE;
	IF NOT FOUND THEN
		code := 'not_found';
		RETURN;
	END IF;
	IF NOT imported AND
	    phase_rank(consultation_phase(c)) >= phase_rank('voting') THEN
		code := 'priorities_frozen';
		RETURN;
	END IF;
	n.description_fr := coalesce(n.description_fr, '');
	n.position := coalesce(n.position, (SELECT least(coalesce(
	    max(y.position), 0) + 1, 1000) FROM priorities y
	    WHERE y.consultation_id = c_id));
	n.evidence_status := coalesce(n.evidence_status, 'unanswered');
	n.evidence_links := coalesce(n.evidence_links, '{}');
	SELECT x.code, x.id, x.field INTO code, id, field
	FROM priority_write(NULL, c_id, n, f) x;
END
$$;

-- Changes priority p_id by the fields f of the PATCH route.  Refusals, in
-- order: not_found; priorities_frozen once the vote has opened; those of
-- priority_write().
CREATE FUNCTION priority_patch(p_id bigint, f jsonb,
    OUT code text, OUT id bigint, OUT field text)
LANGUAGE plpgsql AS $$
DECLARE
	p	priorities;
	now_phase text;
BEGIN
	SELECT consultation_phase(c) INTO now_phase
	FROM priorities x JOIN consultations c ON c.id = x.consultation_id
	WHERE x.id = p_id FOR UPDATE OF x, c;
	IF NOT FOUND THEN
		code := 'not_found';
		RETURN;
	END IF;
	IF phase_rank(now_phase) >= phase_rank('voting') THEN
		code := 'priorities_frozen';
		RETURN;
	END IF;
	SELECT * INTO p FROM priorities x WHERE x.id = p_id;
	SELECT x.code, x.id, x.field INTO code, id, field
	FROM priority_write(p_id, p.consultation_id,
	    jsonb_populate_record(p, f), f) x;
END
$$;
