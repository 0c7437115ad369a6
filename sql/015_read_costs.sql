-- SPDX-License-Identifier: AGPL-3.0-or-later
-- What a read still paid per row after 013 (issue 14), measured on the
-- descendants of a 40-thread page: iso() and wilson_lower() are SQL
-- functions PostgreSQL would not inline, about 10 and 34 microseconds a
-- call, three calls a comment.
--
-- iso() was declared IMMUTABLE and STRICT around to_char(), which is only
-- STABLE: the planner inlines a function only where its body is no more
-- volatile than declared.  Nothing indexes or stores it, so it is declared
-- what it is, and inlined; to_char() of NULL is NULL, as before.
ALTER FUNCTION iso(timestamptz) STABLE CALLED ON NULL INPUT;

-- A comment's score is kept with its votes, as its sort key already is,
-- instead of computed at every read.
ALTER TABLE comments ADD COLUMN score float8
    GENERATED ALWAYS AS (wilson_lower(up, down)) STORED;

CREATE OR REPLACE FUNCTION comment_object(c comments, author text, my_vote integer,
    reply_count bigint, viewer bigint, staff boolean, flag_count bigint,
    edits jsonb, support json)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'id', c.id, 'consultation_id', c.consultation_id,
	    'priority_id', c.priority_id, 'parent_id', c.parent_id,
	    'depth', c.depth,
	    'author', CASE WHEN c.deleted_at IS NULL THEN author END,
	    'mine', c.account_id IS NOT DISTINCT FROM viewer,
	    'alignment', c.alignment, 'body', c.body, 'status', c.status,
	    'deleted', c.deleted_at IS NOT NULL, 'redacted', c.redacted,
	    'edited_at', iso(c.edited_at), 'created_at', iso(c.created_at),
	    'up', c.up, 'down', c.down, 'score', c.score,
	    'my_vote', coalesce(my_vote, 0), 'reply_count', reply_count,
	    'replies', '[]'::jsonb, 'collapsed', false)
	    || CASE WHEN staff THEN jsonb_build_object(
		'flag_count', flag_count, 'edits', coalesce(edits, '[]'))
	    ELSE '{}' END
	    || CASE WHEN c.distress AND c.deleted_at IS NULL
		AND c.account_id IS NOT DISTINCT FROM viewer THEN
		jsonb_build_object('support', support)
	    ELSE '{}' END
$$;
