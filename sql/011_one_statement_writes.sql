-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A ballot is one statement.  The worker resolves the participant's
-- stratum in every weighting scheme before the call (their declared
-- postcode, else GeoIP of the request) and passes them all; the function
-- takes the one of the consultation's scheme when it fixes the
-- participant's cell.  An Idempotency-Key is claimed and answered inside
-- the same function and transaction, so a first ballot with a key costs
-- one round trip after the session's.  Every function answers code 'ok'
-- on success, as the others do.

-- What a key keeps is the function's answer (its code and values), from
-- which the worker makes the same HTTP answer again.  Keys live a day;
-- those kept before this migration held HTTP answers and are let go (a
-- ballot PUT is a replacement anyway).
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys DROP COLUMN status, DROP COLUMN body,
    ADD COLUMN answer jsonb;

-- Claims key k of acct for a request of hash h, in the caller's
-- transaction, after letting go of acct's keys older than a day.  NULL
-- when the key was free: the caller does its work, then idem_keep() or
-- idem_release().  Otherwise the answer the key keeps, or an answer with
-- code idempotency_key_reused when the key came with another request.  A
-- concurrent request with the same key waits here for the first to end.
CREATE FUNCTION idem_claim(acct bigint, k text, h bytea) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	kept	idempotency_keys;
BEGIN
	DELETE FROM idempotency_keys x
	WHERE x.account_id = acct AND x.created_at < now() - interval '1 day';
	INSERT INTO idempotency_keys (account_id, key, request_hash)
	VALUES (acct, k, h) ON CONFLICT DO NOTHING;
	IF FOUND THEN
		RETURN NULL;
	END IF;
	SELECT * INTO kept FROM idempotency_keys x
	WHERE x.account_id = acct AND x.key = k;
	IF kept.request_hash <> h THEN
		RETURN jsonb_build_object('code', 'idempotency_key_reused');
	END IF;
	RETURN coalesce(kept.answer,
	    jsonb_build_object('code', 'idempotency_key_in_use'));
END
$$;

-- Keeps answer as the answer of acct's key k (claimed by idem_claim()).
CREATE FUNCTION idem_keep(acct bigint, k text, answer jsonb) RETURNS void
LANGUAGE sql AS $$
	UPDATE idempotency_keys x SET answer = idem_keep.answer
	WHERE x.account_id = acct AND x.key = k;
$$;

-- Lets acct's key k go: the answer was a refusal for now (a retry later
-- must be served).
CREATE FUNCTION idem_release(acct bigint, k text) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM idempotency_keys x WHERE x.account_id = acct AND x.key = k;
$$;

-- The participant's cell in consultation c, fixed at their first
-- contribution from strata ({scheme: {"stratum", "source", "agrees"}},
-- as the worker resolved them) and their account's profile and interests;
-- afterwards, the cell as it was fixed.
CREATE FUNCTION participation_fix(c consultations, acct bigint, strata jsonb)
RETURNS participations
LANGUAGE plpgsql AS $$
DECLARE
	p	participations;
	s	jsonb := strata -> c.weighting;
BEGIN
	SELECT * INTO p FROM participations x
	WHERE x.consultation_id = c.id AND x.account_id = acct;
	IF FOUND THEN
		RETURN p;
	END IF;
	INSERT INTO participations (consultation_id, account_id, stratum,
	    stratum_source, geoip_agrees, profile, interests)
	SELECT c.id, a.id, coalesce(s ->> 'stratum', 'unknown'),
	    coalesce(s ->> 'source', 'unknown'), (s ->> 'agrees')::boolean,
	    a.profile, a.interests_declared
	FROM accounts a WHERE a.id = acct
	ON CONFLICT DO NOTHING;
	SELECT * INTO p FROM participations x
	WHERE x.consultation_id = c.id AND x.account_id = acct;
	RETURN p;
END
$$;

CREATE TYPE ballot_answer AS (code text, choices bigint[], created_at text,
    updated_at text, method text);

-- Casts or replaces the ballot of acct (see ballot_put()).  A first ballot
-- that loses a race on the unique key becomes a replacement.
CREATE FUNCTION ballot_cast(c_id bigint, acct bigint, new_choices bigint[],
    strata jsonb) RETURNS ballot_answer
LANGUAGE plpgsql AS $$
DECLARE
	chk	record;
	r	ballot_answer;
	p	participations;
	b	ballots;
	try	integer;
BEGIN
	chk := ballot_check(c_id, new_choices);
	r.method := chk.c_method;
	IF chk.code <> '' THEN
		r.code := chk.code;
		RETURN r;
	END IF;
	r.code := 'ok';
	FOR try IN 1..2 LOOP
		SELECT * INTO b FROM ballots x
		WHERE x.consultation_id = c_id AND x.account_id = acct FOR UPDATE;
		IF FOUND THEN
			UPDATE ballots x SET choices = new_choices, updated_at = now()
			WHERE x.id = b.id
			RETURNING x.choices, iso(x.created_at), iso(x.updated_at)
			INTO r.choices, r.created_at, r.updated_at;
			PERFORM tally_move(c_id, chk.c_method, chk.c_k, b.choices,
			    new_choices, b.stratum, b.profile, b.interests);
			RETURN r;
		END IF;
		p := participation_fix((SELECT c FROM consultations c
		    WHERE c.id = c_id), acct, strata);
		INSERT INTO ballots AS x (consultation_id, account_id, choices,
		    stratum, profile, interests)
		VALUES (c_id, acct, new_choices, p.stratum, p.profile, p.interests)
		ON CONFLICT (consultation_id, account_id) DO NOTHING
		RETURNING x.choices, iso(x.created_at), iso(x.updated_at)
		INTO r.choices, r.created_at, r.updated_at;
		IF FOUND THEN
			PERFORM tally_move(c_id, chk.c_method, chk.c_k, '{}',
			    new_choices, p.stratum, p.profile, p.interests);
			RETURN r;
		END IF;
		-- A concurrent first ballot was committed: replace it.
	END LOOP;
	RAISE EXCEPTION 'ballot of % in % kept changing', acct, c_id
	    USING ERRCODE = 'serialization_failure';
END
$$;

-- Casts or replaces the ballot of acct in consultation c_id, the tallies
-- moved with it, in one transaction; with an Idempotency-Key (idem_key,
-- idem_hash: the request's hash), a request already answered gets that
-- answer again.  code 'ok' (with the ballot) or a refusal, nothing changed.
DROP FUNCTION ballot_put(bigint, bigint, bigint[], text, text, boolean);
CREATE FUNCTION ballot_put(c_id bigint, acct bigint, new_choices bigint[],
    strata jsonb, idem_key text, idem_hash bytea) RETURNS ballot_answer
LANGUAGE plpgsql AS $$
DECLARE
	kept	jsonb;
	r	ballot_answer;
BEGIN
	IF idem_key IS NOT NULL THEN
		kept := idem_claim(acct, idem_key, idem_hash);
		IF kept IS NOT NULL THEN
			RETURN jsonb_populate_record(NULL::ballot_answer, kept);
		END IF;
	END IF;
	r := ballot_cast(c_id, acct, new_choices, strata);
	IF idem_key IS NOT NULL THEN
		PERFORM idem_keep(acct, idem_key, to_jsonb(r));
	END IF;
	RETURN r;
END
$$;

-- Withdraws the ballot of acct: 'ok' or a refusal (ballot_withdraw(), the
-- function of 003, answers '' for 'ok').
ALTER FUNCTION ballot_delete(bigint, bigint) RENAME TO ballot_withdraw;
CREATE FUNCTION ballot_delete(c_id bigint, acct bigint) RETURNS text
LANGUAGE sql AS $$
	SELECT CASE WHEN w = '' THEN 'ok' ELSE w END
	FROM ballot_withdraw(c_id, acct) w;
$$;

ALTER FUNCTION ballot_assisted(bigint, bigint, bigint[], text, text, boolean,
    text, integer) RENAME TO ballot_assisted_insert;

CREATE TYPE assisted_answer AS (code text, id bigint, created_at text,
    retry integer);

-- A paper or telephone ballot entered by a facilitator (see
-- ballot_assisted_insert(), the function of 008 it wraps), with the facilitator's Idempotency-Key as ballot_put()
-- has it.  A consultation that does not exist is refused before the key
-- is claimed or the budget spent; a refusal for now (the budget) lets the
-- key go.  code 'ok' (with id) or a refusal.
CREATE FUNCTION ballot_assisted(c_id bigint, facilitator bigint,
    new_choices bigint[], in_profile text, strata jsonb,
    in_interests boolean, note text, per_minute integer,
    idem_key text, idem_hash bytea) RETURNS assisted_answer
LANGUAGE plpgsql AS $$
DECLARE
	c	consultations;
	kept	jsonb;
	r	assisted_answer;
BEGIN
	SELECT * INTO c FROM consultations x WHERE x.id = c_id;
	IF NOT FOUND THEN
		r.code := 'not_found';
		RETURN r;
	END IF;
	IF idem_key IS NOT NULL THEN
		kept := idem_claim(facilitator, idem_key, idem_hash);
		IF kept IS NOT NULL THEN
			RETURN jsonb_populate_record(NULL::assisted_answer, kept);
		END IF;
	END IF;
	SELECT x.code, x.id, x.created_at, x.retry INTO r
	FROM ballot_assisted_insert(c_id, facilitator, new_choices, in_profile,
	    coalesce(strata -> c.weighting ->> 'stratum', 'unknown'),
	    in_interests, note, per_minute) x;
	IF r.code = '' THEN
		r.code := 'ok';
	END IF;
	IF idem_key IS NOT NULL AND r.code = 'too_many_assisted_ballots' THEN
		PERFORM idem_release(facilitator, idem_key);
	ELSIF idem_key IS NOT NULL THEN
		PERFORM idem_keep(facilitator, idem_key, to_jsonb(r));
	END IF;
	RETURN r;
END
$$;

-- The consultation c_id as the viewer may see it: NULL when there is none,
-- or it is a draft and the viewer is not staff.
CREATE FUNCTION consultation_shown(c_id bigint, staff boolean)
RETURNS consultations
LANGUAGE sql STABLE AS $$
	SELECT c.* FROM consultations c
	WHERE c.id = c_id AND (staff OR consultation_phase(c) <> 'draft');
$$;

-- Submits a research question of acct to consultation c_id: refused
-- (code) when the consultation is not shown to the viewer (a draft, but
-- to staff), not gathering, when acct sent per_hour questions in the last
-- hour (retry: seconds until the oldest ages), or when acct already sent
-- this text (ignoring case).  Otherwise code 'ok' and the new id, pending
-- under pre-moderation, published under post-moderation; the
-- participant's cell is fixed at their first contribution (and stays so
-- when the text was a duplicate).
CREATE FUNCTION submission_post(c_id bigint, acct bigint, body text,
    strata jsonb, staff boolean, per_hour integer,
    OUT code text, OUT id bigint, OUT retry integer)
LANGUAGE plpgsql AS $$
DECLARE
	c	consultations;
	recent	integer;
	wait	integer;
BEGIN
	c := consultation_shown(c_id, staff);
	IF c.id IS NULL THEN
		code := 'not_found';
		RETURN;
	END IF;
	IF consultation_phase(c) <> 'gathering' THEN
		code := 'not_gathering';
		RETURN;
	END IF;
	SELECT count(*), coalesce(ceil(extract(epoch FROM min(x.created_at)
	    + interval '1 hour' - now())), 0)::integer
	INTO recent, wait
	FROM submissions x
	WHERE x.account_id = acct AND x.created_at > now() - interval '1 hour';
	IF recent >= per_hour THEN
		code := 'too_many_submissions';
		retry := wait;
		RETURN;
	END IF;
	PERFORM participation_fix(c, acct, strata);
	INSERT INTO submissions AS x (consultation_id, account_id, text, status)
	VALUES (c_id, acct, body,
	    CASE WHEN c.moderation = 'pre' THEN 'pending' ELSE 'published' END)
	ON CONFLICT DO NOTHING
	RETURNING x.id INTO id;
	code := CASE WHEN FOUND THEN 'ok' ELSE 'duplicate_submission' END;
END
$$;

-- Posts a comment of author on consultation cid (see comment_insert(), the
-- function of 008 it wraps, for the budget, duplicates, priority, parent
-- and depth): refused when the consultation is not shown to the viewer (a
-- draft, but to staff) or takes no comments (before gathering, after the
-- vote).  The consultation's moderation says whether it waits; the
-- participant's cell is fixed at their first contribution.
ALTER FUNCTION comment_post(bigint, bigint, bigint, bigint, text, text,
    boolean, boolean, integer) RENAME TO comment_insert;
CREATE FUNCTION comment_post(cid bigint, author bigint, prio bigint,
    parent bigint, align text, txt text, strata jsonb, staff boolean,
    per_minute integer, OUT code text, OUT id bigint, OUT retry integer)
LANGUAGE plpgsql AS $$
DECLARE
	c	consultations;
BEGIN
	c := consultation_shown(cid, staff);
	IF c.id IS NULL THEN
		code := 'not_found';
		RETURN;
	END IF;
	IF consultation_phase(c) NOT IN ('gathering', 'voting') THEN
		code := 'comments_closed';
		RETURN;
	END IF;
	PERFORM participation_fix(c, author, strata);
	SELECT x.code, x.id, x.retry INTO code, id, retry
	FROM comment_insert(cid, author, prio, parent, align, txt,
	    c.moderation = 'pre', staff, per_minute) x;
END
$$;
