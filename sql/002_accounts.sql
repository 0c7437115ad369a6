-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Accounts, sessions, one-time tokens, the outbox, sign-in throttling and
-- the log of role changes.  Personal data lives only in accounts (and in
-- unsent outbox rows); deletion erases it there.  No table holds a client
-- address: throttling keys are keyed hashes of a network prefix.

CREATE TABLE app_secrets (
	name	text PRIMARY KEY,
	value	bytea NOT NULL
);
INSERT INTO app_secrets (name, value)
VALUES ('throttle', gen_random_bytes(32));

CREATE TABLE accounts (
	id			bigserial PRIMARY KEY,
	email			text,		-- normalised; NULL once deleted
	password_hash		text,		-- argon2id encoded form
	pseudonym		text NOT NULL,
	role			text NOT NULL DEFAULT 'participant'
				CHECK (role IN ('participant', 'moderator', 'admin')),
	profile			text NOT NULL
				CHECK (profile IN ('patient', 'carer', 'citizen',
				    'health_professional', 'researcher', 'other')),
	postcode		text CHECK (postcode ~ '^[0-9]{5}$'),
	interests_declared	boolean NOT NULL DEFAULT false,
	interests_text		text,
	language		text NOT NULL DEFAULT 'fr'
				CHECK (language IN ('fr', 'en')),
	terms_version		text NOT NULL,
	terms_accepted_at	timestamptz NOT NULL,
	health_consent_version	text,
	health_consent_at	timestamptz,	-- NULL: not given or revoked
	health_consent_revoked_at timestamptz,
	verified_at		timestamptz,
	totp_secret		bytea,
	totp_enabled_at		timestamptz,	-- NULL: pending or none
	totp_last_step		bigint NOT NULL DEFAULT 0,
	suspended_until		timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	deleted_at		timestamptz,
	CHECK (profile NOT IN ('patient', 'carer')
	    OR health_consent_at IS NOT NULL OR deleted_at IS NOT NULL)
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);
CREATE UNIQUE INDEX accounts_pseudonym_key ON accounts (lower(pseudonym));

CREATE TABLE recovery_codes (
	account_id	bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	code_hash	bytea NOT NULL,
	used_at		timestamptz,
	PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE sessions (
	id			bigserial PRIMARY KEY,
	token_hash		bytea NOT NULL UNIQUE,	-- SHA-256 of the token
	csrf_hash		bytea NOT NULL,
	account_id		bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	kind			text NOT NULL DEFAULT 'cookie'
				CHECK (kind IN ('cookie', 'bearer')),
	second_factor		boolean NOT NULL DEFAULT false,
	created_at		timestamptz NOT NULL DEFAULT now(),
	authenticated_at	timestamptz NOT NULL DEFAULT now(),
	last_seen_at		timestamptz NOT NULL DEFAULT now(),
	expires_at		timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE account_tokens (
	token_hash	bytea PRIMARY KEY,
	account_id	bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	purpose		text NOT NULL CHECK (purpose IN ('verify', 'reset')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz
);
CREATE INDEX account_tokens_account ON account_tokens (account_id);

CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	account_id	bigint REFERENCES accounts ON DELETE SET NULL,
	recipient	text NOT NULL,
	subject		text NOT NULL,
	body		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	sent_at		timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE role_changes (
	id		bigserial PRIMARY KEY,
	account_id	bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	old_role	text,
	new_role	text NOT NULL,
	changed_by	text NOT NULL,
	changed_at	timestamptz NOT NULL DEFAULT now()
);

-- Failed sign-ins, by key: 'a' || account email, 'n' || network prefix,
-- 'p' || both; each key is an HMAC under app_secrets.throttle, so neither
-- an address nor an email can be read back from this table.
CREATE TABLE signin_throttle (
	key		bytea PRIMARY KEY,
	failures	integer NOT NULL,
	window_start	timestamptz NOT NULL,
	blocked_until	timestamptz
);

CREATE FUNCTION signin_keys(email text, network text) RETURNS bytea[]
LANGUAGE sql STABLE AS $$
	SELECT ARRAY[
	    hmac(convert_to('a' || email, 'UTF8'), s.value, 'sha256'),
	    hmac(convert_to('n' || network, 'UTF8'), s.value, 'sha256'),
	    hmac(convert_to('p' || email || ' ' || network, 'UTF8'), s.value,
	        'sha256')]
	FROM app_secrets s WHERE s.name = 'throttle'
$$;

-- Seconds the caller must wait before trying again, 0 if none.
CREATE FUNCTION signin_wait(email text, network text) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce(ceil(extract(epoch FROM max(blocked_until) - now()))::int, 0)
	FROM signin_throttle
	WHERE key = ANY (signin_keys(email, network)) AND blocked_until > now()
$$;

-- Books a failure.  Within a 15-minute window: the account-and-network
-- pair is blocked from its 5th failure for 3 * 2^(n-5) s, the network from its
-- 30th (spraying) and the account from its 20th (many networks), each at
-- most 5 minutes (the account alone at most 1 minute), so nobody can lock a
-- victim out for long.  Returns the wait now in force, in seconds.
CREATE FUNCTION signin_failed(email text, network text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	keys	bytea[] := signin_keys(email, network);
	limits	integer[] := ARRAY[20, 30, 5];
	caps	integer[] := ARRAY[60, 300, 300];
	i	integer;
	n	integer;
BEGIN
	FOR i IN 1..3 LOOP
		INSERT INTO signin_throttle AS t (key, failures, window_start)
		VALUES (keys[i], 1, now())
		ON CONFLICT (key) DO UPDATE SET
		    failures = CASE WHEN t.window_start < now() - interval '15 minutes'
			THEN 1 ELSE t.failures + 1 END,
		    window_start = CASE WHEN t.window_start < now() - interval '15 minutes'
			THEN now() ELSE t.window_start END
		RETURNING failures INTO n;
		IF n >= limits[i] THEN
			UPDATE signin_throttle SET blocked_until = now() +
			    make_interval(secs => least(caps[i], 3 * 2 ^ least(n - limits[i], 20)))
			WHERE key = keys[i];
		END IF;
	END LOOP;
	DELETE FROM signin_throttle
	WHERE window_start < now() - interval '1 hour'
	    AND (blocked_until IS NULL OR blocked_until < now());
	RETURN signin_wait(email, network);
END
$$;

-- A successful sign-in clears the pair's and the account's counters.
CREATE FUNCTION signin_succeeded(email text, network text) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM signin_throttle
	WHERE key = (signin_keys(email, network))[1]
	   OR key = (signin_keys(email, network))[3]
$$;
