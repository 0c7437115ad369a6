-- SPDX-License-Identifier: AGPL-3.0-or-later
-- TOTP secrets at rest are sealed (AES-256-GCM, src/secretbox.c) under a
-- key that only the service holds (CONCERTO_SECRET_KEY_FILE): the column
-- accounts.totp_sealed holds version || key id || nonce || ciphertext ||
-- tag, bound to its account, and PostgreSQL never sees the key.
--
-- SQL cannot seal the secrets already stored in clear, having no key.  So
-- the confirmed ones move to totp_unsealed, which the application role may
-- not read, until `concerto secrets seal` (which `concerto migrate` runs
-- after the migrations when the key is configured) seals them into
-- accounts and deletes them; meanwhile their accounts keep
-- totp_enabled_at, so a code cannot be checked (the API answers 503
-- second_factor_unavailable) but no new secret can be enrolled in their
-- place.  Enrolments never confirmed are dropped: the next sign-in enrols
-- anew, as it would have.
ALTER TABLE accounts ADD COLUMN totp_sealed bytea;

CREATE TABLE totp_unsealed (
	account_id	bigint PRIMARY KEY REFERENCES accounts (id)
			    ON DELETE CASCADE,
	secret		bytea NOT NULL
);

INSERT INTO totp_unsealed (account_id, secret)
SELECT id, totp_secret FROM accounts
 WHERE totp_secret IS NOT NULL AND totp_enabled_at IS NOT NULL
   AND deleted_at IS NULL;

ALTER TABLE accounts DROP COLUMN totp_secret;

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'concerto_app') THEN
		REVOKE ALL ON totp_unsealed FROM concerto_app;
	END IF;
END;
$$;
