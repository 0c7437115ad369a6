-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Moderation: flags past a threshold hide a contribution until reviewed;
-- moderators approve, hide, reject, restore and redact comments and
-- submissions, and suspend accounts, always with a reason; every action is
-- appended to a log that nobody may rewrite; authors are notified.

ALTER TABLE submissions DROP CONSTRAINT submissions_status_check;
ALTER TABLE submissions ADD CONSTRAINT submissions_status_check
    CHECK (status IN ('pending', 'published', 'hidden', 'rejected'));
ALTER TABLE submissions ADD COLUMN redacted boolean NOT NULL DEFAULT false;

CREATE TABLE moderation_log (
	id		bigserial PRIMARY KEY,
	created_at	timestamptz NOT NULL DEFAULT now(),
	moderator_id	bigint NOT NULL REFERENCES accounts,
	action		text NOT NULL CHECK (action IN ('approve', 'hide', 'reject',
			    'restore', 'redact', 'suspend', 'unsuspend')),
	target_type	text NOT NULL
			CHECK (target_type IN ('comment', 'submission', 'account')),
	target_id	bigint NOT NULL,
	consultation_id	bigint,		-- no foreign key: the log outlives all
	author_id	bigint REFERENCES accounts,
	reason		text NOT NULL CHECK (length(reason) > 0),
	from_status	text,
	to_status	text,
	until		timestamptz
);
CREATE INDEX moderation_log_target ON moderation_log (target_type, target_id);
CREATE INDEX moderation_log_consultation ON moderation_log (consultation_id, id);

CREATE FUNCTION moderation_log_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the moderation log is append-only (% refused)', TG_OP
	    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER moderation_log_no_update BEFORE UPDATE OR DELETE
    ON moderation_log FOR EACH ROW EXECUTE FUNCTION moderation_log_frozen();
CREATE TRIGGER moderation_log_no_truncate BEFORE TRUNCATE
    ON moderation_log FOR EACH STATEMENT EXECUTE FUNCTION moderation_log_frozen();

-- What authors are told about their contributions and their account.
CREATE TABLE notifications (
	id		bigserial PRIMARY KEY,
	account_id	bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('moderation', 'suspension', 'support')),
	action		text,
	reason		text,
	target_type	text,
	target_id	bigint,
	consultation_id	bigint,
	until		timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	read_at		timestamptz
);
CREATE INDEX notifications_account ON notifications (account_id, id);

-- The text as it was before a redaction, kept for the legally required time
-- and then erased by `concerto purge`.
CREATE TABLE redactions (
	id		bigserial PRIMARY KEY,
	log_id		bigint NOT NULL,
	target_type	text NOT NULL,
	target_id	bigint NOT NULL,
	original	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	purged_at	timestamptz
);
-- What the queue starts from: contributions waiting or hidden (flagged
-- ones come from flags_open).
CREATE INDEX comments_review ON comments (id)
    WHERE status IN ('pending', 'hidden');
CREATE INDEX submissions_review ON submissions (id)
    WHERE status IN ('pending', 'hidden');

CREATE INDEX redactions_kept ON redactions (created_at) WHERE original IS NOT NULL;

-- A comment or submission as moderation sees it.
CREATE TYPE moderation_target AS (
	target_type	text,
	target_id	bigint,
	consultation_id	bigint,
	priority_id	bigint,
	parent_id	bigint,
	status		text,
	body		text,
	account_id	bigint,
	created_at	timestamptz,
	edited_at	timestamptz,
	distress	boolean,
	deleted		boolean
);

-- Locks and returns a target (NULL fields if it does not exist).
CREATE FUNCTION moderation_target_lock(ttype text, tid bigint)
RETURNS moderation_target
LANGUAGE plpgsql AS $$
DECLARE
	t	moderation_target;
BEGIN
	IF ttype = 'comment' THEN
		SELECT 'comment', c.id, c.consultation_id, c.priority_id,
		    c.parent_id, c.status, c.body, c.account_id, c.created_at,
		    c.edited_at, c.distress, c.deleted_at IS NOT NULL
		INTO t FROM comments c WHERE c.id = tid FOR UPDATE;
	ELSE
		SELECT 'submission', s.id, s.consultation_id, NULL, NULL,
		    s.status, s.text, s.account_id, s.created_at, NULL, false,
		    false
		INTO t FROM submissions s WHERE s.id = tid FOR UPDATE;
	END IF;
	RETURN t;
END;
$$;

CREATE FUNCTION notify(who bigint, knd text, act text, why text,
    ttype text, tid bigint, cid bigint, till timestamptz) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO notifications (account_id, kind, action, reason,
	    target_type, target_id, consultation_id, until)
	VALUES (who, knd, act, why, ttype, tid, cid, till)
$$;

-- A participant flags a comment or a submission.  code: ok (with the time),
-- too_many_flags (with retry), not_found, comment_deleted, own_content,
-- not_gathering, already_flagged.  At threshold distinct flaggers a
-- published target is hidden; a distress flag tells its author, once,
-- where to find support.
CREATE FUNCTION flag_add(ttype text, tid bigint, flagger bigint, why text,
    note text, staff boolean, threshold integer, per_minute integer,
    OUT code text, OUT created text, OUT retry integer)
LANGUAGE plpgsql AS $$
DECLARE
	t	moderation_target;
	n	integer;
BEGIN
	retry := minute_budget('flag', flagger, per_minute);
	IF retry > 0 THEN
		code := 'too_many_flags';
		RETURN;
	END IF;
	t := moderation_target_lock(ttype, tid);
	IF t.target_id IS NULL OR NOT (t.status = 'published' OR staff
	    OR t.account_id = flagger) THEN
		code := 'not_found';
	ELSIF t.deleted THEN
		code := 'comment_deleted';
	ELSIF t.account_id = flagger THEN
		code := 'own_content';
	ELSIF ttype = 'submission' AND (SELECT consultation_phase(c)
	    FROM consultations c WHERE c.id = t.consultation_id) <> 'gathering'
	THEN
		code := 'not_gathering';
	END IF;
	IF code IS NOT NULL THEN
		RETURN;
	END IF;
	INSERT INTO flags (target_type, target_id, consultation_id, account_id,
	    reason, note)
	VALUES (ttype, tid, t.consultation_id, flagger, why, note)
	ON CONFLICT DO NOTHING
	RETURNING iso(flags.created_at) INTO created;
	IF created IS NULL THEN
		code := 'already_flagged';
		RETURN;
	END IF;
	SELECT count(DISTINCT f.account_id) INTO n FROM flags f
	WHERE f.target_type = ttype AND f.target_id = tid
	AND f.resolved_at IS NULL;
	IF n >= threshold AND t.status = 'published' THEN
		IF ttype = 'comment' THEN
			UPDATE comments SET status = 'hidden' WHERE id = tid;
		ELSE
			UPDATE submissions SET status = 'hidden' WHERE id = tid;
		END IF;
	END IF;
	IF why = 'distress' AND NOT EXISTS (SELECT 1 FROM notifications x
	    WHERE x.account_id = t.account_id AND x.kind = 'support'
	    AND x.target_type = ttype AND x.target_id = tid) THEN
		PERFORM notify(t.account_id, 'support', NULL, NULL, ttype, tid,
		    t.consultation_id, NULL);
	END IF;
	code := 'ok';
END;
$$;

-- The moderation queue: every comment or submission pending or hidden, or
-- published with unresolved flags; distress first, then the oldest.
CREATE FUNCTION moderation_queue(cid bigint, why text)
RETURNS TABLE (item json, distress boolean, status text, flag_count bigint,
    sort_distress integer, sort_time bigint, sort_kind integer,
    sort_id bigint)
LANGUAGE sql STABLE AS $$
	WITH t AS (
		SELECT 'comment' AS target_type, c.id AS target_id,
		    c.consultation_id, c.priority_id, c.parent_id, c.status,
		    c.body, c.account_id, c.created_at, c.edited_at, c.distress
		FROM comments c
		WHERE c.deleted_at IS NULL AND (cid IS NULL OR c.consultation_id = cid)
		AND c.id IN (SELECT x.id FROM comments x
		    WHERE x.status IN ('pending', 'hidden')
		    UNION SELECT f.target_id FROM flags f
		    WHERE f.target_type = 'comment' AND f.resolved_at IS NULL)
		UNION ALL
		SELECT 'submission', s.id, s.consultation_id, NULL, NULL,
		    s.status, s.text, s.account_id, s.created_at, NULL, false
		FROM submissions s
		WHERE (cid IS NULL OR s.consultation_id = cid)
		AND s.id IN (SELECT x.id FROM submissions x
		    WHERE x.status IN ('pending', 'hidden')
		    UNION SELECT f.target_id FROM flags f
		    WHERE f.target_type = 'submission' AND f.resolved_at IS NULL)
	), q AS (
		SELECT t.*, coalesce(f.n, 0) AS n, coalesce(f.reasons, '{}') AS reasons,
		    f.list, t.distress OR 'distress' = ANY (coalesce(f.reasons, '{}'))
			AS in_distress
		FROM t LEFT JOIN LATERAL (
			SELECT count(*) AS n, array_agg(x.reason) AS reasons,
			    json_agg(json_build_object('reason', x.reason,
				'note', x.note, 'created_at', iso(x.created_at))
				ORDER BY x.id) AS list
			FROM flags x WHERE x.target_type = t.target_type
			AND x.target_id = t.target_id AND x.resolved_at IS NULL
		) f ON true
		WHERE why IS NULL OR why = ANY (coalesce(f.reasons, '{}'))
	)
	SELECT json_build_object('target_type', q.target_type,
	    'target_id', q.target_id, 'consultation_id', q.consultation_id,
	    'priority_id', q.priority_id, 'parent_id', q.parent_id,
	    'status', q.status, 'body', q.body,
	    'author', json_build_object('id', q.account_id,
		'pseudonym', (SELECT a.pseudonym FROM accounts a
		    WHERE a.id = q.account_id)),
	    'created_at', iso(q.created_at), 'edited_at', iso(q.edited_at),
	    'distress', q.in_distress, 'flag_count', q.n,
	    'flags', coalesce(q.list, '[]'),
	    'edits', coalesce((SELECT json_agg(json_build_object('body', e.body,
		'edited_at', iso(e.edited_at)) ORDER BY e.id)
		FROM comment_edits e WHERE q.target_type = 'comment'
		AND e.comment_id = q.target_id), '[]')),
	    q.in_distress, q.status, q.n,
	    (NOT q.in_distress)::integer,
	    (extract(epoch FROM q.created_at) * 1000000)::bigint,
	    (q.target_type = 'submission')::integer, q.target_id
	FROM q
$$;

-- A moderator's decision on a comment or submission.  code: ok (with the
-- log entry), not_found, comment_deleted, invalid_transition or
-- passage_not_found.  Every decision is logged and told to the author.
CREATE FUNCTION moderation_decide(ttype text, tid bigint, moderator bigint,
    act text, why text, passage text, marker text,
    OUT code text, OUT log_id bigint, OUT from_status text,
    OUT to_status text, OUT created text)
LANGUAGE plpgsql AS $$
DECLARE
	t	moderation_target;
	flagged	boolean;
BEGIN
	t := moderation_target_lock(ttype, tid);
	IF t.target_id IS NULL THEN
		code := 'not_found';
		RETURN;
	ELSIF t.deleted THEN
		code := 'comment_deleted';
		RETURN;
	END IF;
	from_status := t.status;
	flagged := EXISTS (SELECT 1 FROM flags f WHERE f.target_type = ttype
	    AND f.target_id = tid AND f.resolved_at IS NULL);
	to_status := CASE act
	    WHEN 'approve' THEN CASE WHEN t.status IN ('pending', 'hidden')
		OR (t.status = 'published' AND flagged) THEN 'published' END
	    WHEN 'hide' THEN CASE WHEN t.status IN ('published', 'pending')
		THEN 'hidden' END
	    WHEN 'reject' THEN CASE WHEN t.status IN ('pending', 'hidden',
		'published') THEN 'rejected' END
	    WHEN 'restore' THEN CASE WHEN t.status IN ('hidden', 'rejected')
		THEN 'published' END
	    WHEN 'redact' THEN t.status END;
	IF to_status IS NULL THEN
		code := 'invalid_transition';
		RETURN;
	END IF;
	IF act = 'redact' AND strpos(t.body, passage) = 0 THEN
		code := 'passage_not_found';
		RETURN;
	END IF;
	INSERT INTO moderation_log (moderator_id, action, target_type,
	    target_id, consultation_id, author_id, reason, from_status,
	    to_status)
	VALUES (moderator, act, ttype, tid, t.consultation_id, t.account_id,
	    why, from_status, to_status)
	RETURNING moderation_log.id, iso(moderation_log.created_at)
	INTO log_id, created;
	IF act = 'redact' THEN
		INSERT INTO redactions (log_id, target_type, target_id, original)
		VALUES (log_id, ttype, tid, t.body);
		IF ttype = 'comment' THEN
			UPDATE comments SET body = replace(body, passage, marker),
			    fingerprint = text_fingerprint(replace(body, passage,
				marker)), redacted = true
			WHERE id = tid;
			UPDATE comment_edits
			SET body = replace(body, passage, marker)
			WHERE comment_id = tid;
		ELSE
			UPDATE submissions SET text = replace(text, passage, marker),
			    redacted = true
			WHERE id = tid;
		END IF;
	ELSE
		IF ttype = 'comment' THEN
			UPDATE comments SET status = to_status WHERE id = tid;
		ELSE
			UPDATE submissions SET status = to_status WHERE id = tid;
		END IF;
		UPDATE flags SET resolved_at = now()
		WHERE target_type = ttype AND target_id = tid
		AND resolved_at IS NULL;
	END IF;
	PERFORM notify(t.account_id, 'moderation', act, why, ttype, tid,
	    t.consultation_id, NULL);
	code := 'ok';
END;
$$;

-- Suspends account who for days (0 lifts the suspension).  code: ok (with
-- the end), not_found, staff_account.
CREATE FUNCTION account_suspend(who bigint, moderator bigint, days integer,
    why text, OUT code text, OUT until text)
LANGUAGE plpgsql AS $$
DECLARE
	a	accounts;
	till	timestamptz;
BEGIN
	SELECT * INTO a FROM accounts x WHERE x.id = who
	    AND x.deleted_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		code := 'not_found';
		RETURN;
	ELSIF a.role <> 'participant' OR who = moderator THEN
		code := 'staff_account';
		RETURN;
	END IF;
	till := CASE WHEN days > 0 THEN now() + make_interval(days => days) END;
	UPDATE accounts SET suspended_until = till WHERE id = who;
	INSERT INTO moderation_log (moderator_id, action, target_type,
	    target_id, author_id, reason, until)
	VALUES (moderator, CASE WHEN days > 0 THEN 'suspend' ELSE 'unsuspend'
	    END, 'account', who, who, why, till);
	PERFORM notify(who, 'suspension', CASE WHEN days > 0 THEN 'suspend'
	    ELSE 'unsuspend' END, why, 'account', who, NULL, till);
	until := iso(till);
	code := 'ok';
END;
$$;

CREATE FUNCTION moderation_log_json(l moderation_log) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', l.id, 'created_at', iso(l.created_at),
	    'moderator', json_build_object('id', l.moderator_id,
		'pseudonym', (SELECT a.pseudonym FROM accounts a
		    WHERE a.id = l.moderator_id)),
	    'action', l.action, 'target_type', l.target_type,
	    'target_id', l.target_id, 'consultation_id', l.consultation_id,
	    'author_id', l.author_id, 'reason', l.reason,
	    'from_status', l.from_status, 'to_status', l.to_status,
	    'until', iso(l.until))
$$;

CREATE FUNCTION notification_json(n notifications) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', n.id, 'kind', n.kind,
	    'action', n.action, 'reason', n.reason,
	    'target_type', n.target_type, 'target_id', n.target_id,
	    'consultation_id', n.consultation_id, 'until', iso(n.until),
	    'support', CASE WHEN n.kind = 'support' THEN
		(SELECT support_json(a.language) FROM accounts a
		 WHERE a.id = n.account_id) END,
	    'created_at', iso(n.created_at), 'read_at', iso(n.read_at))
$$;

-- Least privilege as well: the service's role may only append to the log.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'concerto_app') THEN
		REVOKE UPDATE, DELETE, TRUNCATE ON moderation_log FROM concerto_app;
	END IF;
END;
$$;

-- Everything an account contributed, for its data export.
CREATE FUNCTION account_contributions(aid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'participations', coalesce((SELECT json_agg(json_build_object(
		'consultation_id', p.consultation_id, 'stratum', p.stratum,
		'stratum_source', p.stratum_source, 'profile', p.profile,
		'created_at', iso(p.created_at)) ORDER BY p.consultation_id)
		FROM participations p WHERE p.account_id = aid), '[]'),
	    'ballots', coalesce((SELECT json_agg(json_build_object(
		'consultation_id', b.consultation_id, 'choices', b.choices,
		'created_at', iso(b.created_at),
		'updated_at', iso(b.updated_at)) ORDER BY b.id)
		FROM ballots b WHERE b.account_id = aid), '[]'),
	    'submissions', coalesce((SELECT json_agg(json_build_object(
		'id', s.id, 'consultation_id', s.consultation_id,
		'text', s.text, 'status', s.status,
		'created_at', iso(s.created_at)) ORDER BY s.id)
		FROM submissions s WHERE s.account_id = aid), '[]'),
	    'comments', coalesce((SELECT json_agg(json_build_object(
		'id', c.id, 'consultation_id', c.consultation_id,
		'priority_id', c.priority_id, 'parent_id', c.parent_id,
		'alignment', c.alignment, 'body', c.body, 'status', c.status,
		'created_at', iso(c.created_at), 'edited_at', iso(c.edited_at),
		'deleted_at', iso(c.deleted_at),
		'edits', (SELECT coalesce(json_agg(json_build_object(
		    'body', e.body, 'edited_at', iso(e.edited_at))
		    ORDER BY e.id), '[]') FROM comment_edits e
		    WHERE e.comment_id = c.id)) ORDER BY c.id)
		FROM comments c WHERE c.account_id = aid), '[]'),
	    'comment_votes', coalesce((SELECT json_agg(json_build_object(
		'comment_id', v.comment_id, 'value', v.value,
		'created_at', iso(v.created_at)) ORDER BY v.comment_id)
		FROM comment_votes v WHERE v.account_id = aid), '[]'),
	    'flags', coalesce((SELECT json_agg(json_build_object(
		'target_type', f.target_type, 'target_id', f.target_id,
		'reason', f.reason, 'note', f.note,
		'created_at', iso(f.created_at)) ORDER BY f.id)
		FROM flags f WHERE f.account_id = aid), '[]'),
	    'notifications', coalesce((SELECT json_agg(notification_json(n)
		ORDER BY n.id) FROM notifications n
		WHERE n.account_id = aid), '[]'))
$$;
