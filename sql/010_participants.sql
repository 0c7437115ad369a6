-- SPDX-License-Identifier: AGPL-3.0-or-later
-- How many took part, in every consultation's JSON: the ballots counted in
-- its tally cells (a few hundred rows at most, whatever the number of
-- ballots), so the home page and the consultation page say it without
-- asking for the results, which stay hidden until published.

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
		FROM tally_cells t WHERE t.consultation_id = c.id),
	    'created_at', iso(c.created_at), 'updated_at', iso(c.updated_at)) AS o) x
$$;
