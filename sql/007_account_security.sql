-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Account security, after a black-box review: the throttling key leaves the
-- database, the second factor counts its own failures and locks, hashing
-- and mail have per-network budgets, and the outbox forgets its tokens.

-- The throttling key now lives with the service only (a file named by
-- CONCERTO_THROTTLE_KEY_FILE): an application role that can read the key
-- could reverse the HMACs over the small space of networks.  The worker
-- computes the keys; counters under the old secret mean nothing now.
DROP FUNCTION signin_succeeded(text, text);
DROP FUNCTION signin_failed(text, text);
DROP FUNCTION signin_wait(text, text);
DROP FUNCTION signin_keys(text, text);
DROP TABLE app_secrets;
TRUNCATE signin_throttle;

-- a, n, p: the HMACs of the account, of the network and of the pair.
CREATE FUNCTION signin_wait(a bytea, n bytea, p bytea) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce(ceil(extract(epoch FROM max(blocked_until) - now()))::int, 0)
	FROM signin_throttle
	WHERE key IN (a, n, p) AND blocked_until > now()
$$;

-- Books a failure.  Within a 15-minute window: the pair is blocked from its
-- 5th failure for 3 * 2^(n-5) s, the network from its 30th (spraying) and
-- the account from its 20th (many networks), each at most 5 minutes (the
-- account alone at most 1 minute), so nobody can lock a victim out for
-- long.  Returns the wait now in force, in seconds.
CREATE FUNCTION signin_failed(a bytea, n bytea, p bytea) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	keys	bytea[] := ARRAY[a, n, p];
	limits	integer[] := ARRAY[20, 30, 5];
	caps	integer[] := ARRAY[60, 300, 300];
	i	integer;
	k	integer;
BEGIN
	FOR i IN 1..3 LOOP
		INSERT INTO signin_throttle AS t (key, failures, window_start)
		VALUES (keys[i], 1, now())
		ON CONFLICT (key) DO UPDATE SET
		    failures = CASE WHEN t.window_start < now() - interval '15 minutes'
			THEN 1 ELSE t.failures + 1 END,
		    window_start = CASE WHEN t.window_start < now() - interval '15 minutes'
			THEN now() ELSE t.window_start END
		RETURNING failures INTO k;
		IF k >= limits[i] THEN
			UPDATE signin_throttle SET blocked_until = now() +
			    make_interval(secs => least(caps[i], 3 * 2 ^ least(k - limits[i], 20)))
			WHERE key = keys[i];
		END IF;
	END LOOP;
	DELETE FROM signin_throttle
	WHERE window_start < now() - interval '1 hour'
	    AND (blocked_until IS NULL OR blocked_until < now());
	RETURN signin_wait(a, n, p);
END
$$;

-- A complete sign-in (password, and second factor where one is due)
-- clears the account's and the pair's counters.
CREATE FUNCTION signin_succeeded(a bytea, p bytea) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM signin_throttle WHERE key IN (a, p)
$$;

-- Wrong second-factor codes (TOTP or recovery), per account, on every
-- route that checks one.  From the 5th within 15 minutes the second factor
-- is locked for 15 minutes: 5 guesses of 10^6 codes, whatever the networks.
CREATE TABLE second_factor_failures (
	account_id	bigint PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
	failures	integer NOT NULL,
	window_start	timestamptz NOT NULL,
	locked_until	timestamptz
);

-- Seconds the account's second factor stays locked, 0 if it is not.
CREATE FUNCTION second_factor_wait(acct bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT ceil(extract(epoch FROM locked_until - now()))::int
	    FROM second_factor_failures
	    WHERE account_id = acct AND locked_until > now()), 0)
$$;

-- Books a wrong code.  wait: the lock now in force (0 if none); locked_now:
-- this failure set the lock (the owner is told by e-mail).
CREATE FUNCTION second_factor_failed(acct bigint, OUT wait integer,
    OUT locked_now boolean)
LANGUAGE plpgsql AS $$
DECLARE
	n	integer;
BEGIN
	INSERT INTO second_factor_failures AS f (account_id, failures,
	    window_start)
	VALUES (acct, 1, now())
	ON CONFLICT (account_id) DO UPDATE SET
	    failures = CASE WHEN f.window_start < now() - interval '15 minutes'
		THEN 1 ELSE f.failures + 1 END,
	    window_start = CASE WHEN f.window_start < now() - interval '15 minutes'
		THEN now() ELSE f.window_start END
	RETURNING failures INTO n;
	locked_now := n = 5;
	IF locked_now THEN
		UPDATE second_factor_failures
		SET locked_until = now() + interval '15 minutes'
		WHERE account_id = acct;
	END IF;
	wait := second_factor_wait(acct);
END
$$;

CREATE FUNCTION second_factor_succeeded(acct bigint) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM second_factor_failures
	WHERE account_id = acct AND (locked_until IS NULL OR locked_until <= now())
$$;

-- Budgets of costly work per client network (keyed like the sign-in
-- throttle, by an HMAC the worker computes): password hashes of routes
-- anyone can call, registration mails to an address that has an account.
CREATE TABLE network_budgets (
	key		bytea PRIMARY KEY,
	spent		integer NOT NULL,
	window_start	timestamptz NOT NULL
);

-- Spends one unit of k's budget of allowed units per window_s seconds.
-- Returns 0 when the unit was within the budget, else the seconds until
-- the window ends.
CREATE FUNCTION network_budget(k bytea, allowed integer, window_s integer)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	win	interval := make_interval(secs => window_s);
	n	integer;
	start	timestamptz;
BEGIN
	INSERT INTO network_budgets AS t (key, spent, window_start)
	VALUES (k, 1, now())
	ON CONFLICT (key) DO UPDATE SET
	    spent = CASE WHEN t.window_start < now() - win THEN 1
		ELSE t.spent + 1 END,
	    window_start = CASE WHEN t.window_start < now() - win
		THEN now() ELSE t.window_start END
	RETURNING t.spent, t.window_start INTO n, start;
	IF n <= allowed THEN
		RETURN 0;
	END IF;
	RETURN greatest(1, ceil(extract(epoch FROM start + win - now())))::integer;
END
$$;

-- The outbox keeps what an audit needs (kind, recipient, subject, when),
-- not the live links: a body is dropped once the message is sent, and sent
-- messages are purged after CONCERTO_MAIL_KEEP_DAYS.
ALTER TABLE outbox ADD COLUMN kind text;
ALTER TABLE outbox ALTER COLUMN body DROP NOT NULL;
UPDATE outbox SET body = NULL WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_account_kind ON outbox (account_id, kind, created_at);
