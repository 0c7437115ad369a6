-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Who has something of their own on a consultation's comment pages: the
-- accounts that wrote a comment there or voted on one.  Every other
-- signed-in reader sees the pages an anonymous reader sees, so the worker
-- gives them the public answer (its cache's, most often) after one lookup
-- of this table's primary key, a plan that does not depend on how votes
-- are spread over accounts (a lookup of comment_votes by account may be
-- planned as a scan of the table when a few accounts cast most votes).
-- A row stays when the vote or comment that made it goes: such a reader
-- then gets their page adapted or built for them, which is still right.
-- changed_at: when one of the account's comments there last appeared or
-- changed (text, status, deletion; not its vote counts), so that for a
-- while after it their pages are built for them, not made from a shared
-- answer that may be older than the change.
CREATE TABLE comment_viewers (
	consultation_id	bigint NOT NULL REFERENCES consultations ON DELETE CASCADE,
	account_id	bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
	changed_at	timestamptz,
	PRIMARY KEY (consultation_id, account_id)
);
CREATE INDEX comment_viewers_account ON comment_viewers (account_id);

CREATE FUNCTION comment_viewers_of_comment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO comment_viewers AS v (consultation_id, account_id,
	    changed_at)
	VALUES (NEW.consultation_id, NEW.account_id, now())
	ON CONFLICT (consultation_id, account_id)
	DO UPDATE SET changed_at = excluded.changed_at;
	RETURN NULL;
END;
$$;

CREATE FUNCTION comment_viewers_of_vote() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO comment_viewers (consultation_id, account_id)
	SELECT c.consultation_id, NEW.account_id FROM comments c
	WHERE c.id = NEW.comment_id ON CONFLICT DO NOTHING;
	RETURN NULL;
END;
$$;

CREATE TRIGGER comment_viewers_comment
AFTER INSERT OR UPDATE OF body, status, deleted_at, redacted, distress
ON comments
FOR EACH ROW EXECUTE FUNCTION comment_viewers_of_comment();
CREATE TRIGGER comment_viewers_vote AFTER INSERT ON comment_votes
FOR EACH ROW EXECUTE FUNCTION comment_viewers_of_vote();

INSERT INTO comment_viewers (consultation_id, account_id)
SELECT consultation_id, account_id FROM comments
UNION
SELECT c.consultation_id, v.account_id
FROM comment_votes v JOIN comments c ON c.id = v.comment_id;
