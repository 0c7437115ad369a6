-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Foundation: extensions every later migration may rely on.
-- pgcrypto gives digest(), hmac() and gen_random_bytes() to SQL; the
-- workers take their own randomness from getrandom(2).
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Timestamps leave the database as RFC 3339 text in UTC.
CREATE FUNCTION iso(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
