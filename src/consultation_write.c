/*
 * Consultations written from the validated fields of their routes (see
 * consultation_write.h): the rules a consultation's fields must keep
 * together, and those of a change against the phase in force.  Rules on
 * dates are the table's constraints, mapped here to refusals naming the
 * field.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api/fields.h"
#include "concerto/consultation_write.h"
#include "concerto/db.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/profile.h"
#include "concerto/refusal.h"

#define INT_LEN	24

/* The columns of STMT_CONSULTATION_LOCK: the fields, then the phase. */
enum lock_col { LOCK_COL_PHASE = CONS_PHASE };

/* A date constraint of the consultations table, and the field it blames. */
static const struct {
	const char	*constraint;
	const char	*field;
	const char	*message;
} date_rules[] = {
	{ "consultation_closes_after_voting", "closes_at",
	  "The vote must close after it opens." },
	{ "consultation_gathering_before_voting", "gathering_at",
	  "Question gathering must start before the vote opens." },
	{ "consultation_publish_after_closing", "publish_at",
	  "Results cannot be published before the vote closes." },
};

/* Sets why for a failed insert or update: a date rule, or the failure. */
static int
write_failed(struct db *db, enum db_status rc, struct refusal *why)
{
	const char	*name;
	size_t		 i;

	if (rc == DB_CONFLICT) {
		name = db_conflict_constraint(db);
		for (i = 0; i < sizeof(date_rules) / sizeof(date_rules[0]); i++)
			if (strcmp(name, date_rules[i].constraint) == 0)
				return refusal_rule(why, 422, "invalid_dates",
				    date_rules[i].message,
				    date_rules[i].field);
	}
	return refusal_db(why, rc);
}

/* The value of a field as an SQL parameter (NULL for JSON null). */
static const char *
write_param(const struct field_value *v, enum field_type type,
    char buf[INT_LEN])
{
	if (v->null || type == FIELD_SHARES)
		return NULL;
	if (type == FIELD_INT) {
		snprintf(buf, INT_LEN, "%lld", (long long)v->i);
		return buf;
	}
	return v->s;
}

/*
 * Replaces the profile targets of consultation id with those of field f
 * (if given; null clears them).  Shares must add up to 1.
 */
static int
write_targets(struct db *db, const char *id, const struct field_value *f,
    struct refusal *why)
{
	enum db_status	 rc;
	double		 sum = 0;
	size_t		 i;
	char		 share[32];

	if (!f->present)
		return 0;
	for (i = 0; !f->null && i < PROFILE__MAX; i++)
		if (f->shares[i] >= 0)
			sum += f->shares[i];
	if (!f->null && (sum < 1 - 1e-6 || sum > 1 + 1e-6))
		return refusal_rule(why, 422, "invalid_profile_targets",
		    "The target shares of the profiles must add up to 1.",
		    "profile_targets");
	rc = db_exec(db, STMT_PROFILE_TARGETS_CLEAR, DB_PARAMS(id), NULL);
	for (i = 0; rc == DB_OK && !f->null && i < PROFILE__MAX; i++) {
		if (f->shares[i] < 0)
			continue;
		snprintf(share, sizeof(share), "%.17g", f->shares[i]);
		rc = db_exec(db, STMT_PROFILE_TARGET_SET,
		    DB_PARAMS(id, profile_name((enum profile)i), share), NULL);
	}
	return rc == DB_OK ? 0 : refusal_db(why, rc);
}

/*
 * Checks that the method's K is given and the other method's is not;
 * vals are the merged values (NULL: unset), given the request's fields.
 */
static int
write_method_check(const char *method, const char *const *vals,
    const struct field_value *f, struct refusal *why)
{
	bool		 approval = strcmp(method, "approval") == 0;
	enum consultation_field mine = approval ? CONS_MAX_CHOICES :
			    CONS_MAX_RANKS;
	enum consultation_field other = approval ? CONS_MAX_RANKS :
			    CONS_MAX_CHOICES;

	if (vals[mine] == NULL)
		return refusal_rule(why, 422, approval ?
		    "max_choices_required" : "max_ranks_required", approval ?
		    "An approval vote needs max_choices." :
		    "A ranked vote needs max_ranks.",
		    approval ? "max_choices" : "max_ranks");
	if (f[other].present && !f[other].null)
		return refusal_rule(why, 422, "not_for_method", approval ?
		    "max_ranks belongs to ranked votes." :
		    "max_choices belongs to approval votes.",
		    approval ? "max_ranks" : "max_choices");
	return 0;
}

int
consultation_write_insert(struct db *db, const struct field_value *f,
    const struct field *defs, const char *created_by, const char *phase,
    int64_t *id, struct refusal *why)
{
	const char	*vals[CONS_PHASE];
	char		 ints[CONS_PHASE][INT_LEN];
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	size_t		 i;
	int		 ret = -1;

	for (i = 0; i < CONS_PHASE; i++)
		vals[i] = f[i].present ? write_param(&f[i], defs[i].type,
		    ints[i]) : NULL;
	if (write_method_check(vals[CONS_METHOD], vals, f, why) < 0)
		return -1;
	rc = db_exec(db, STMT_CONSULTATION_INSERT, DB_PARAMS(
	    vals[CONS_TITLE_FR], vals[CONS_TITLE_EN], vals[CONS_SUMMARY_FR],
	    vals[CONS_SUMMARY_EN], vals[CONS_EASY_SUMMARY_FR],
	    vals[CONS_EASY_SUMMARY_EN], vals[CONS_BODY_FR], vals[CONS_BODY_EN],
	    vals[CONS_GATHERING_AT], vals[CONS_VOTING_AT],
	    vals[CONS_CLOSES_AT], vals[CONS_PUBLISH_AT], vals[CONS_METHOD],
	    vals[strcmp(vals[CONS_METHOD], "approval") == 0 ?
	    CONS_MAX_CHOICES : CONS_MAX_RANKS],
	    vals[CONS_WEIGHTING] ? vals[CONS_WEIGHTING] : "none",
	    vals[CONS_MODERATION] ? vals[CONS_MODERATION] : "post",
	    created_by, phase), &rows);
	if (rc != DB_OK) {
		write_failed(db, rc, why);
		goto out;
	}
	*id = db_int(rows, 0, 0);
	ret = write_targets(db, db_value(rows, 0, 0), &f[CONS_PROFILE_TARGETS],
	    why);
out:
	db_rows_free(rows);
	return ret;
}

/* Fields that fix the rules of the vote, frozen once it has opened. */
static const enum consultation_field voting_rules[] = { CONS_METHOD,
	CONS_MAX_CHOICES, CONS_MAX_RANKS, CONS_WEIGHTING, CONS_VOTING_AT,
	CONS_GATHERING_AT, CONS_PROFILE_TARGETS };

/*
 * Judges a change against the phase in force (now): what is frozen, and
 * that the phase only moves forward.
 */
static int
write_change_allowed(const struct field_value *f, const struct field *defs,
    enum phase now, struct refusal *why)
{
	size_t	 i;

	if (f[CONS_PHASE].present && f[CONS_PHASE].i < now)
		return refusal_rule(why, 409, "phase_backwards",
		    "A phase only moves forward.", "phase");
	if (now == PHASE_PUBLISHED) {
		for (i = 0; i < CONS_PHASE; i++)
			if (f[i].present)
				return refusal_rule(why, 409, "published",
				    "A published consultation is not changed.",
				    defs[i].name);
		return 0;
	}
	for (i = 0; now >= PHASE_VOTING && i < sizeof(voting_rules) /
	    sizeof(voting_rules[0]); i++)
		if (f[voting_rules[i]].present)
			return refusal_rule(why, 409, "voting_rules_frozen",
			    "The rules of the vote are fixed once it opens.",
			    defs[voting_rules[i]].name);
	if (now >= PHASE_CLOSED && f[CONS_CLOSES_AT].present)
		return refusal_rule(why, 409, "voting_rules_frozen",
		    "The vote has closed.", "closes_at");
	return 0;
}

int
consultation_write_update(struct db *db, int64_t id,
    const struct field_value *f, const struct field *defs,
    struct refusal *why)
{
	struct db_rows	*cur = NULL;
	const char	*vals[CONS_PHASE], *method, *phase;
	char		 ints[CONS_PHASE][INT_LEN], ids[INT_LEN];
	enum db_status	 rc;
	int		 now, ret = -1;
	size_t		 i;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if (refusal_lock(db, STMT_CONSULTATION_LOCK, ids, &cur, why) < 0)
		goto out;
	if ((now = phase_parse(db_value(cur, 0, LOCK_COL_PHASE))) < 0) {
		refusal_db(why, DB_ERROR);
		goto out;
	}
	if (write_change_allowed(f, defs, (enum phase)now, why) < 0)
		goto out;
	for (i = 0; i < CONS_PHASE; i++)
		vals[i] = f[i].present ? write_param(&f[i], defs[i].type,
		    ints[i]) : db_value(cur, 0, i);
	method = vals[CONS_METHOD];
	if (write_method_check(method, vals, f, why) < 0)
		goto out;
	/* The phase in force is kept, so that dates never move it back. */
	phase = f[CONS_PHASE].present ? f[CONS_PHASE].s :
	    phase_name((enum phase)now);
	rc = db_exec(db, STMT_CONSULTATION_UPDATE, DB_PARAMS(ids,
	    vals[CONS_TITLE_FR], vals[CONS_TITLE_EN], vals[CONS_SUMMARY_FR],
	    vals[CONS_SUMMARY_EN], vals[CONS_EASY_SUMMARY_FR],
	    vals[CONS_EASY_SUMMARY_EN], vals[CONS_BODY_FR], vals[CONS_BODY_EN],
	    vals[CONS_GATHERING_AT], vals[CONS_VOTING_AT],
	    vals[CONS_CLOSES_AT], vals[CONS_PUBLISH_AT], method,
	    vals[strcmp(method, "approval") == 0 ? CONS_MAX_CHOICES :
	    CONS_MAX_RANKS], vals[CONS_WEIGHTING], vals[CONS_MODERATION],
	    phase), NULL);
	if (rc != DB_OK) {
		write_failed(db, rc, why);
		goto out;
	}
	if (write_targets(db, ids, &f[CONS_PROFILE_TARGETS], why) < 0)
		goto out;
	if ((rc = db_commit(db)) != DB_OK) {
		write_failed(db, rc, why);
		goto out;
	}
	ret = 0;
out:
	db_rollback(db);		/* nothing once committed */
	db_rows_free(cur);
	return ret;
}
