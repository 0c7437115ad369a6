-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Content security, one section each:
--   priority sources: the public sees only the published ones;
--   redacted comments: no longer their authors' to edit;
--   thread depth: a cap, and the descendants read bounded by its consultation;
--   assisted ballots: logged in moderation_log, rate-limited per facilitator.

-- ------------------------------------------------------ priority sources

-- A priority as the API shows it, with the submissions merged into it:
-- to the public only the published ones; to staff every one, with its
-- status (a source hidden by flags or rejected is still theirs to see).
CREATE FUNCTION priority_json(p priorities, staff boolean) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', p.id, 'consultation_id', p.consultation_id,
	    'position', p.position, 'title_fr', p.title_fr, 'title_en', p.title_en,
	    'description_fr', p.description_fr, 'description_en', p.description_en,
	    'question', p.question, 'evidence_status', p.evidence_status,
	    'evidence_links', to_json(p.evidence_links),
	    'in_vote', p.evidence_status <> 'answered',
	    'sources', coalesce((
		SELECT json_agg(CASE WHEN staff THEN
		    json_build_object('id', s.id, 'text', s.text,
			'created_at', iso(s.created_at), 'status', s.status)
		    ELSE json_build_object('id', s.id, 'text', s.text,
			'created_at', iso(s.created_at)) END ORDER BY s.id)
		FROM priority_sources ps JOIN submissions s ON s.id = ps.submission_id
		WHERE ps.priority_id = p.id
		AND (staff OR s.status = 'published')), '[]'),
	    'created_at', iso(p.created_at), 'updated_at', iso(p.updated_at))
$$;

-- The public view, for every caller that does not say who reads.
CREATE OR REPLACE FUNCTION priority_json(p priorities) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT priority_json(p, false)
$$;

-- A consultation as the API shows it, its priorities as staff or the
-- public see them (see consultation_json(c, with_priorities) in 003).
CREATE FUNCTION consultation_json(c consultations, with_priorities boolean,
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
	    'created_at', iso(c.created_at), 'updated_at', iso(c.updated_at)) AS o) x
$$;

CREATE OR REPLACE FUNCTION consultation_json(c consultations,
    with_priorities boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT consultation_json(c, with_priorities, false)
$$;

-- ------------------------------------------------------ redacted comments

-- The author edits a comment within window seconds; the version replaced
-- goes to the history.  Under pre-moderation (or with words of distress)
-- the edited comment waits for a moderator again.  A comment a moderator
-- has redacted is no longer the author's to edit (comment_redacted):
-- an edit would put the removed passage back.
CREATE OR REPLACE FUNCTION comment_edit(cid bigint, author bigint, txt text,
    align text, window_s integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	o		record;
	d		boolean;
	premoderated	boolean;
BEGIN
	SELECT * INTO o FROM comment_own(cid, author);
	IF o.code <> 'ok' THEN
		RETURN o.code;
	ELSIF (o.c).deleted_at IS NOT NULL THEN
		RETURN 'comment_deleted';
	ELSIF (o.c).redacted THEN
		RETURN 'comment_redacted';
	ELSIF NOT comments_open((o.c).consultation_id) THEN
		RETURN 'comments_closed';
	ELSIF (o.c).created_at < now() - make_interval(secs => window_s) THEN
		RETURN 'edit_window_closed';
	END IF;
	IF txt IS NOT NULL AND txt IS DISTINCT FROM (o.c).body THEN
		INSERT INTO comment_edits (comment_id, body)
		VALUES (cid, (o.c).body);
		d := distress_in(txt);
		SELECT x.moderation = 'pre' INTO premoderated
		FROM consultations x WHERE x.id = (o.c).consultation_id;
		UPDATE comments SET body = txt, fingerprint = text_fingerprint(txt),
		    edited_at = now(), distress = distress OR d,
		    status = CASE WHEN status = 'published'
			AND (premoderated OR d) THEN 'pending' ELSE status END
		WHERE id = cid;
	END IF;
	IF align IS NOT NULL THEN
		UPDATE comments SET alignment = align,
		    edited_at = CASE WHEN alignment = align THEN edited_at
			ELSE now() END
		WHERE id = cid;
	END IF;
	RETURN 'ok';
END;
$$;

-- ---------------------------------------------------------- thread depth

-- The deepest a comment sits: threads are at depth 0, so a thread has at
-- most this many levels of replies, and a path at most this many + 1 ids.
-- A reply to a comment at this depth joins that comment's parent (it
-- sits beside what it answers), so no chain grows without bound.
CREATE FUNCTION comment_depth_max() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT 8
$$;

-- Writes a comment.  code: ok (with id), too_many_comments (with retry
-- seconds), duplicate_comment, invalid_priority or invalid_parent.
-- Comments wait as pending under pre-moderation, and whenever they carry
-- words of distress (a person reads them first).  A reply to a comment at
-- comment_depth_max() is attached to the ancestor one level up, so it
-- lands at comment_depth_max() itself.
CREATE OR REPLACE FUNCTION comment_post(cid bigint, author bigint, prio bigint,
    parent bigint, align text, txt text, premoderated boolean,
    staff boolean, per_minute integer,
    OUT code text, OUT id bigint, OUT retry integer)
LANGUAGE plpgsql AS $$
DECLARE
	p	comments;
	fp	text := text_fingerprint(txt);
	d	boolean := distress_in(txt);
	cap	integer := comment_depth_max();
BEGIN
	-- Under the account's lock, the duplicate check cannot race either.
	retry := minute_budget('comment', author, per_minute);
	IF retry > 0 THEN
		code := 'too_many_comments';
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM comments c WHERE c.account_id = author
	    AND c.consultation_id = cid AND c.fingerprint = fp
	    AND c.created_at > now() - interval '1 day') THEN
		code := 'duplicate_comment';
		RETURN;
	END IF;
	IF prio IS NOT NULL AND NOT EXISTS (SELECT 1 FROM priorities x
	    WHERE x.id = prio AND x.consultation_id = cid) THEN
		code := 'invalid_priority';
		RETURN;
	END IF;
	IF parent IS NOT NULL THEN
		SELECT * INTO p FROM comments c WHERE c.id = parent
		    AND c.consultation_id = cid AND c.deleted_at IS NULL
		    AND comment_visible(c, author, staff);
		IF NOT FOUND THEN
			code := 'invalid_parent';
			RETURN;
		END IF;
		IF prio IS NOT NULL AND prio IS DISTINCT FROM p.priority_id THEN
			code := 'invalid_priority';
			RETURN;
		END IF;
		prio := p.priority_id;
		IF p.depth >= cap THEN
			-- path[k] is the ancestor at depth k - 1.
			parent := p.path[cap];
			p.path := p.path[1:cap];
			p.depth := cap - 1;
		END IF;
	END IF;
	id := nextval(pg_get_serial_sequence('comments', 'id'));
	INSERT INTO comments (id, consultation_id, priority_id, parent_id, path,
	    depth, account_id, alignment, body, fingerprint, status, distress)
	VALUES (id, cid, prio, parent, coalesce(p.path, '{}') || id,
	    coalesce(p.depth + 1, 0), author, align, txt, fp,
	    CASE WHEN premoderated OR d THEN 'pending' ELSE 'published' END, d);
	code := 'ok';
END;
$$;

-- The descendants read of a comment page is bounded by its consultation:
-- a deep chain elsewhere costs it nothing, whatever plan is cached.
CREATE INDEX comments_consultation ON comments (consultation_id, id);

-- ------------------------------------------------------- assisted ballots

ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_action_check;
ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_action_check
    CHECK (action IN ('approve', 'hide', 'reject', 'restore', 'redact',
	'suspend', 'unsuspend', 'assisted_ballot'));
ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_target_type_check;
ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_target_type_check
    CHECK (target_type IN ('comment', 'submission', 'account', 'ballot'));

-- What the budget of a facilitator counts.
CREATE INDEX ballots_assisted_by ON ballots (assisted_by, created_at)
    WHERE assisted_by IS NOT NULL;

-- An account's budget of comments (what = 'comment'), flags ('flag') or
-- assisted ballots it entered ('assisted') per minute: 0 if it may go on,
-- else the seconds until its oldest of the last minute ages out.  Holds a
-- lock per account and kind until the end of the transaction, so that
-- concurrent requests cannot overspend.
CREATE OR REPLACE FUNCTION minute_budget(what text, who bigint,
    per_minute integer)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	times	timestamptz[];
BEGIN
	PERFORM pg_advisory_xact_lock(CASE what WHEN 'comment' THEN 7303
	    WHEN 'assisted' THEN 7305 ELSE 7304 END,
	    (who % 2147483647)::integer);
	IF what = 'comment' THEN
		times := ARRAY(SELECT c.created_at FROM comments c
		    WHERE c.account_id = who
		    AND c.created_at > now() - interval '1 minute');
	ELSIF what = 'assisted' THEN
		times := ARRAY(SELECT b.created_at FROM ballots b
		    WHERE b.assisted_by = who
		    AND b.created_at > now() - interval '1 minute');
	ELSE
		times := ARRAY(SELECT f.created_at FROM flags f
		    WHERE f.account_id = who
		    AND f.created_at > now() - interval '1 minute');
	END IF;
	IF cardinality(times) < per_minute THEN
		RETURN 0;
	END IF;
	RETURN greatest(1, ceil(extract(epoch FROM (SELECT min(t)
	    FROM unnest(times) t) + interval '1 minute' - now())))::integer;
END;
$$;

-- The unlogged, unlimited version goes: nothing may call it any more.
DROP FUNCTION ballot_assisted(bigint, bigint, bigint[], text, text, boolean,
    text);

-- A paper or telephone ballot entered by a facilitator for a person
-- without an account: counted like any other, marked as assisted, and
-- logged in moderation_log (who, which consultation, which ballot).  code:
-- '' (with id), too_many_assisted_ballots (with retry seconds: at most
-- per_minute a minute per facilitator), or a ballot_check() code.
CREATE FUNCTION ballot_assisted(c_id bigint, facilitator bigint,
    new_choices bigint[], in_profile text, in_stratum text,
    in_interests boolean, note text, per_minute integer,
    OUT code text, OUT id bigint, OUT created_at text, OUT retry integer)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	chk	record;
BEGIN
	retry := minute_budget('assisted', facilitator, per_minute);
	IF retry > 0 THEN
		code := 'too_many_assisted_ballots';
		RETURN;
	END IF;
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
	INSERT INTO moderation_log (moderator_id, action, target_type,
	    target_id, consultation_id, reason)
	VALUES (facilitator, 'assisted_ballot', 'ballot', id, c_id,
	    'paper or telephone ballot entered for a person without an account');
END
$$;
