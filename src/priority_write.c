/*
 * Research priorities written from the validated fields of their routes
 * (see priority_write.h), with the submissions they merge as sources.
 */
#include <stdio.h>

#include "concerto/api/fields.h"
#include "concerto/buf.h"
#include "concerto/db.h"
#include "concerto/db_array.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/priority_write.h"
#include "concerto/refusal.h"

#define INT_LEN	24

/* The columns of STMT_PRIORITY_LOCK: then the fields, from PRIO_TITLE_FR. */
enum lock_col { LOCK_COL_CONSULTATION, LOCK_COL_PHASE, LOCK_COL_FIELDS };

/* The SQL parameters of a priority's fields (PRIO_SOURCES excluded). */
struct priority_params {
	const char	*v[PRIO_SOURCES];
	char		 pos[INT_LEN];
	struct buf	 links;
};

/* Fills p from the fields f, or from cur (the lock's row) where absent. */
static void
write_params(struct priority_params *p, const struct field_value *f,
    const struct db_rows *cur)
{
	size_t	 i;

	buf_init(&p->links, 0);
	for (i = 0; i < PRIO_SOURCES; i++) {
		if (!f[i].present)
			p->v[i] = cur != NULL ? db_value(cur, 0,
			    LOCK_COL_FIELDS + i) : NULL;
		else if (f[i].null)
			p->v[i] = NULL;
		else if (i == PRIO_POSITION) {
			snprintf(p->pos, sizeof(p->pos), "%lld",
			    (long long)f[i].i);
			p->v[i] = p->pos;
		} else if (i == PRIO_EVIDENCE_LINKS) {
			db_array_texts(f[i].strs, f[i].nstrs, &p->links);
			p->v[i] = buf_str(&p->links);
		} else
			p->v[i] = f[i].s;
	}
	if (p->v[PRIO_DESCRIPTION_FR] == NULL)
		p->v[PRIO_DESCRIPTION_FR] = "";
}

/*
 * Sets the sources of priority pid to the submissions f (of consultation
 * cid), if given: each must be a submission of the consultation.
 */
static int
write_sources(struct db *db, const char *pid, const char *cid,
    const struct field_value *f, struct refusal *why)
{
	struct db_rows	*rows = NULL;
	struct buf	 ids;
	enum db_status	 rc;
	int		 ret = 0;

	if (!f->present)
		return 0;
	buf_init(&ids, 0);
	db_array_ids(f->ids, f->nids, &ids);
	rc = db_exec(db, STMT_PRIORITY_SOURCES_SET,
	    DB_PARAMS(pid, cid, buf_str(&ids)), &rows);
	if (rc != DB_OK)
		ret = refusal_db(why, rc);
	else if ((size_t)db_int(rows, 0, 0) != f->nids)
		ret = refusal_rule(why, 422, "unknown_submission",
		    "A source is not a submission of this consultation.",
		    "sources");
	buf_free(&ids);
	db_rows_free(rows);
	return ret;
}

int
priority_write_insert(struct db *db, int64_t cid,
    const struct field_value *f, int64_t *id, struct refusal *why)
{
	struct priority_params p;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 cids[INT_LEN];
	int		 ret = -1;

	write_params(&p, f, NULL);
	snprintf(cids, sizeof(cids), "%lld", (long long)cid);
	rc = db_exec(db, STMT_PRIORITY_INSERT, DB_PARAMS(cids,
	    p.v[PRIO_TITLE_FR], p.v[PRIO_TITLE_EN], p.v[PRIO_DESCRIPTION_FR],
	    p.v[PRIO_DESCRIPTION_EN], p.v[PRIO_POSITION], p.v[PRIO_QUESTION],
	    p.v[PRIO_EVIDENCE_STATUS], p.v[PRIO_EVIDENCE_LINKS]), &rows);
	if (rc != DB_OK)
		refusal_db(why, rc);
	else {
		*id = db_int(rows, 0, 0);
		ret = write_sources(db, db_value(rows, 0, 0), cids,
		    &f[PRIO_SOURCES], why);
	}
	db_rows_free(rows);
	buf_free(&p.links);
	return ret;
}

int
priority_write_update(struct db *db, int64_t id, const struct field_value *f,
    struct refusal *why)
{
	struct priority_params p;
	struct db_rows	*cur = NULL;
	enum db_status	 rc;
	char		 pid[INT_LEN];
	int		 ret = -1;

	buf_init(&p.links, 0);
	snprintf(pid, sizeof(pid), "%lld", (long long)id);
	if (refusal_lock(db, STMT_PRIORITY_LOCK, pid, &cur, why) < 0)
		goto out;
	if (phase_parse(db_value(cur, 0, LOCK_COL_PHASE)) >= PHASE_VOTING) {
		refusal_rule(why, 409, "priorities_frozen",
		    "Priorities are frozen once the vote has opened.", NULL);
		goto out;
	}
	buf_free(&p.links);
	write_params(&p, f, cur);
	rc = db_exec(db, STMT_PRIORITY_UPDATE, DB_PARAMS(pid,
	    p.v[PRIO_TITLE_FR], p.v[PRIO_TITLE_EN], p.v[PRIO_DESCRIPTION_FR],
	    p.v[PRIO_DESCRIPTION_EN], p.v[PRIO_POSITION], p.v[PRIO_QUESTION],
	    p.v[PRIO_EVIDENCE_STATUS], p.v[PRIO_EVIDENCE_LINKS]), NULL);
	if (rc != DB_OK) {
		refusal_db(why, rc);
		goto out;
	}
	if (write_sources(db, pid, db_value(cur, 0, LOCK_COL_CONSULTATION),
	    &f[PRIO_SOURCES], why) < 0)
		goto out;
	if ((rc = db_commit(db)) != DB_OK) {
		refusal_db(why, rc);
		goto out;
	}
	ret = 0;
out:
	db_rollback(db);		/* nothing once committed */
	db_rows_free(cur);
	buf_free(&p.links);
	return ret;
}
