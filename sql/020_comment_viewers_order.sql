-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The session's lookup lists the consultations where the account has
-- comments or votes of its own (comment_viewers, sql/016), in
-- consultation order, 33 at most.  With an index on account_id alone the
-- planner preferred the primary key (consultation_id, account_id), already
-- in that order, filtered on its second column: a scan of the whole index
-- at every signed-in request, 43 ms at scale S (1.3 million rows), which
-- held every signed-in request of `make bench-curves` at x100 to about 70
-- a second.  Keyed by account, then consultation, one index gives both the
-- rows and their order: 0.2 ms.
DROP INDEX comment_viewers_account;
CREATE INDEX comment_viewers_account ON comment_viewers (account_id,
    consultation_id);
