-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The signed-in participants of `make bench`, for both scales (seed.sql
-- includes it; scenarios.sh runs it after `concerto dev generate`), inside
-- the caller's transaction: :voters verified accounts "bench-voter-N",
-- consecutive (one INSERT), each with a session, and bench_ballots, a
-- table shaped like ballots for pgbench's bare upserts (ballot.pgbench).
-- participants_print.sql prints what the benchmark needs of them.
-- Tokens and CSRF tokens as src/token.c makes them (43 characters of
-- base64url), stored as SHA-256.
CREATE TEMP TABLE bench_sessions AS
SELECT g, translate(rtrim(encode(gen_random_bytes(32), 'base64'), '='),
	'+/', '-_') AS token,
    translate(rtrim(encode(gen_random_bytes(32), 'base64'), '='),
	'+/', '-_') AS csrf
FROM generate_series(1, :voters) g;

WITH a AS (
	INSERT INTO accounts (email, pseudonym, profile, interests_declared,
	    terms_version, terms_accepted_at, health_consent_version,
	    health_consent_at, verified_at)
	SELECT 'bench-voter-' || g || '@concerto.test', 'bench-voter-' || g,
	    (ARRAY['patient', 'carer', 'citizen', 'health_professional',
		'researcher', 'other'])[1 + g % 6],
	    g % 10 = 0, '1', now(), '1', now(), now()
	FROM generate_series(1, :voters) g
	RETURNING id, pseudonym
)
INSERT INTO sessions (token_hash, csrf_hash, account_id, expires_at)
SELECT digest(s.token, 'sha256'), digest(s.csrf, 'sha256'), a.id,
    now() + interval '1 day'
FROM a JOIN bench_sessions s ON a.pseudonym = 'bench-voter-' || s.g;

CREATE TABLE bench_ballots (
	id		bigserial PRIMARY KEY,
	consultation_id	bigint NOT NULL,
	account_id	bigint NOT NULL,
	choices		bigint[] NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (consultation_id, account_id)
);
