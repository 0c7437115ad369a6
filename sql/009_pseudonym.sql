-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The key of each pseudonym: its confusable skeleton (Unicode TR 39,
-- case, accents, spaces and punctuation left out), which the service
-- computes with ICU (src/pseudonym.c) and stores beside every pseudonym it
-- sets.  Unique, so that "Marie" and "Mаrie" (a Cyrillic а) cannot both
-- exist.  SQL cannot compute it: `concerto migrate` gives one to the
-- accounts from before this file.  A pseudonym changed without its key
-- (the erasure of an account, say) loses it, so that a stale key never
-- holds a name.

ALTER TABLE accounts ADD COLUMN pseudonym_skeleton text;
CREATE UNIQUE INDEX accounts_pseudonym_skeleton_key
    ON accounts (pseudonym_skeleton);

CREATE FUNCTION pseudonym_skeleton_drop() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.pseudonym IS DISTINCT FROM OLD.pseudonym AND
	    NEW.pseudonym_skeleton IS NOT DISTINCT FROM OLD.pseudonym_skeleton
	THEN
		NEW.pseudonym_skeleton := NULL;
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER accounts_pseudonym_skeleton_drop
    BEFORE UPDATE OF pseudonym ON accounts
    FOR EACH ROW EXECUTE FUNCTION pseudonym_skeleton_drop();
