-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Set-based reads (issue 14): a comment page, its replies, a priority
-- list and a consultation with its priorities are each one statement
-- (src/db_sql.c) that joins what a resource shows (authors, the viewer's
-- votes, reply counts, sources) instead of calling a function per row
-- whose sub-selects PostgreSQL cannot inline.  The shapes stay where they
-- were defined, now as functions of a row and of what was joined to it:
-- plain expressions, which the planner inlines into the statement.  The
-- functions per row of 005 and 008 are rebuilt on them, so that a caller
-- of comment_json() or priority_json() gets the same bytes.

-- ------------------------------------------------------------ comments

-- A comment as comment_json() shows it, given its author's pseudonym, the
-- viewer's vote (NULL: none), its replies the viewer may see, and for
-- staff its open flags and its edits (jsonb_agg, oldest first; NULL:
-- none); support is the support texts for the viewer (read only when the
-- comment is the viewer's own, with words of distress).
CREATE FUNCTION comment_object(c comments, author text, my_vote integer,
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
	    'up', c.up, 'down', c.down, 'score', wilson_lower(c.up, c.down),
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

CREATE OR REPLACE FUNCTION comment_json(c comments, viewer bigint,
    staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT comment_object(c,
	    (SELECT a.pseudonym FROM accounts a WHERE a.id = c.account_id),
	    (SELECT v.value FROM comment_votes v
		WHERE v.comment_id = c.id AND v.account_id = viewer),
	    (SELECT count(*) FROM comments r
		WHERE r.parent_id = c.id AND comment_visible(r, viewer, staff)),
	    viewer, staff,
	    (SELECT count(*) FROM flags f WHERE staff
		AND f.target_type = 'comment' AND f.target_id = c.id
		AND f.resolved_at IS NULL),
	    (SELECT jsonb_agg(jsonb_build_object('body', e.body,
		'edited_at', iso(e.edited_at)) ORDER BY e.id)
		FROM comment_edits e WHERE staff AND e.comment_id = c.id),
	    (SELECT support_json(a.language) FROM accounts a
		WHERE a.id = viewer))::json
$$;

-- The siblings of a page (a consultation's threads, or one comment's
-- replies), in id order and in "best" order.  The page asks for a parent
-- or none with one equality (ids start at 1), which an index serves in
-- every plan, where IS NOT DISTINCT FROM had the pages scan the table.
CREATE INDEX comments_siblings ON comments
    (consultation_id, (coalesce(parent_id, 0)), id);
CREATE INDEX comments_siblings_best ON comments
    (consultation_id, (coalesce(parent_id, 0)), score_key DESC, id);

-- ---------------------------------------------------------- priorities

-- A source of a priority as priority_json() shows it (staff see its status).
CREATE FUNCTION priority_source_json(s submissions, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN staff THEN
	    json_build_object('id', s.id, 'text', s.text,
		'created_at', iso(s.created_at), 'status', s.status)
	    ELSE json_build_object('id', s.id, 'text', s.text,
		'created_at', iso(s.created_at)) END
$$;

-- A priority as priority_json() shows it, given its sources (json_agg of
-- priority_source_json() by id; NULL: none).
CREATE FUNCTION priority_object(p priorities, sources json)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', p.id, 'consultation_id', p.consultation_id,
	    'position', p.position, 'title_fr', p.title_fr, 'title_en', p.title_en,
	    'description_fr', p.description_fr, 'description_en', p.description_en,
	    'question', p.question, 'evidence_status', p.evidence_status,
	    'evidence_links', to_json(p.evidence_links),
	    'in_vote', p.evidence_status <> 'answered',
	    'sources', coalesce(sources, '[]'),
	    'created_at', iso(p.created_at), 'updated_at', iso(p.updated_at))
$$;

CREATE OR REPLACE FUNCTION priority_json(p priorities, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT priority_object(p, (SELECT json_agg(priority_source_json(s, staff)
	    ORDER BY s.id)
	    FROM priority_sources ps JOIN submissions s ON s.id = ps.submission_id
	    WHERE ps.priority_id = p.id AND (staff OR s.status = 'published')))
$$;

-- ------------------------------------------------------------- deletes

-- Deleting a priority deletes its comments (ON DELETE CASCADE), which
-- without this index read every comment once per priority deleted.
CREATE INDEX comments_priority ON comments (priority_id)
    WHERE priority_id IS NOT NULL;
