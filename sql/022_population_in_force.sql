-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Which vintage of a scheme's reference populations is in force is said,
-- not inferred from the latest load: `concerto geo population load` puts
-- the vintage it loads in force, `concerto geo population use` goes back
-- to one loaded before.  Until now the latest loaded was in force; it
-- stays so.  The workers read it; only the schema owner changes it.
CREATE TABLE population_in_force (
	scheme		text PRIMARY KEY
			    CHECK (scheme IN ('idf-departements', 'fr-regions')),
	vintage		text NOT NULL,
	since		timestamptz NOT NULL DEFAULT now()
);

INSERT INTO population_in_force (scheme, vintage)
SELECT DISTINCT ON (scheme) scheme, vintage
  FROM reference_populations
 ORDER BY scheme, loaded_at DESC, vintage DESC;

CREATE OR REPLACE FUNCTION scheme_strata(s text)
RETURNS TABLE (code text, name text, population bigint, vintage text, source text)
LANGUAGE sql STABLE AS $$
	SELECT r.code, r.name, r.population, r.vintage, r.source
	FROM reference_populations r
	JOIN population_in_force f ON f.scheme = r.scheme AND f.vintage = r.vintage
	WHERE r.scheme = s
	ORDER BY r.code
$$;

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'concerto_app') THEN
		REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON population_in_force
		    FROM concerto_app;
	END IF;
END;
$$;
