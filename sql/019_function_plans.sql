-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Functions the writes call at every request, made cheap (issue 14).  A
-- LANGUAGE sql function that PostgreSQL cannot inline into its caller is
-- parsed and planned again at every call (PostgreSQL 15 keeps no plan of
-- it): in pgbench running comment_post() (32 clients, durable) a third of
-- PostgreSQL's CPU went to fmgr_sql, of which a third to wilson_lower() in
-- the two generated score columns of every comment written.  A function is
-- inlined when its body is one expression, without FROM, sub-query or
-- STRICT over a body that is not strict; the others become PL/pgSQL, whose
-- plans are kept for the session.

-- One expression, the same operations in the same order as 005's (the
-- scores already stored do not move): inlined into the generated columns.
CREATE OR REPLACE FUNCTION wilson_lower(up integer, down integer)
RETURNS float8
LANGUAGE sql IMMUTABLE CALLED ON NULL INPUT AS $$
	SELECT CASE WHEN up + down = 0 THEN 0::float8 ELSE
	    (up::float8 / nullif(up + down, 0)
	     + 1.959963984540054::float8 * 1.959963984540054::float8
	       / (2 * (up + down)::float8)
	     - 1.959963984540054::float8
	       * sqrt((up::float8 / nullif(up + down, 0)
		   * (1 - up::float8 / nullif(up + down, 0))
		   + 1.959963984540054::float8 * 1.959963984540054::float8
		     / (4 * (up + down)::float8))
		 / (up + down)::float8))
	    / (1 + 1.959963984540054::float8 * 1.959963984540054::float8
	       / (up + down)::float8) END
$$;

-- NULL in, NULL out as before (array_position finds no NULL): inlined
-- into consultation_phase() and the phase's CHECK.
CREATE OR REPLACE FUNCTION phase_rank(phase text) RETURNS integer
LANGUAGE sql IMMUTABLE CALLED ON NULL INPUT AS $$
	SELECT array_position(
	    ARRAY['draft', 'gathering', 'voting', 'closed', 'published'], phase) - 1
$$;

CREATE OR REPLACE FUNCTION consultation_shown(c_id bigint, staff boolean)
RETURNS consultations
LANGUAGE plpgsql STABLE AS $$
DECLARE
	c	consultations;
BEGIN
	SELECT * INTO c FROM consultations x
	WHERE x.id = c_id AND (staff OR consultation_phase(x) <> 'draft');
	RETURN c;
END
$$;

CREATE OR REPLACE FUNCTION distress_in(body text) RETURNS boolean
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM distress_terms t
	    WHERE strpos(lower(body), t.term) > 0);
END
$$;

CREATE OR REPLACE FUNCTION comments_open(cid bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT consultation_phase(c) IN ('gathering', 'voting')
	    FROM consultations c WHERE c.id = cid);
END
$$;
