-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A queued message's body holds live links (a reset link is as good as
-- the password), so it is kept sealed under the service's key
-- (src/mail_seal.c), bound to its kind and recipient, and PostgreSQL reads
-- none of it.  `concerto mail` opens it to deliver, then drops it as
-- before.  Messages queued before this migration keep their body in clear
-- until they are delivered, which `concerto mail` does within minutes.
ALTER TABLE outbox ADD COLUMN body_sealed bytea;
ALTER TABLE outbox ADD CONSTRAINT outbox_one_body
	CHECK (body IS NULL OR body_sealed IS NULL);
