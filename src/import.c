/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Importing a consultation (see import.h).  The file is the body of
 * POST /api/v1/consultations plus "phase" and "priorities" (bodies of
 * POST .../priorities), validated by those routes' own field tables and
 * inserted by the same SQL functions (consultation_post(), priority_post()
 * of sql/012: priorities go into a consultation of any phase), refused
 * with the messages of the same refusal tables, so an import can hold
 * nothing that the API would refuse.  A consultation whose French title
 * exists is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "concerto/api/common.h"
#include "concerto/api/consultations.h"
#include "concerto/api/fields.h"
#include "concerto/api/priorities.h"
#include "concerto/buf.h"
#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/field.h"
#include "concerto/http.h"
#include "concerto/import.h"
#include "concerto/mem.h"
#include "concerto/phase.h"
#include "concerto/progress.h"
#include "concerto/router.h"

/* The columns of STMT_CONSULTATION_BY_TITLE. */
enum by_title_col { BY_TITLE_COL_ID };

/* The field table of the route answering method and path. */
static const struct route *
import_route(enum http_method m, const char *path)
{
	int	 i = router_match(m, path, NULL, 0);

	return i < 0 ? NULL : &routes[i];
}

/* Validates obj against route's fields into a new array, or prints why. */
static struct field_value *
import_fields(const struct route *rt, json_t *obj, const char *what)
{
	struct field_value	*vals = xcalloc(rt->nfields, sizeof(*vals));
	struct field_error	 err;

	if (!json_is_object(obj)) {
		fprintf(stderr, "import: %s: not a JSON object\n", what);
	} else if (field_check_json(rt->fields, rt->nfields, obj, vals,
	    &err) == 0)
		return vals;
	else
		fprintf(stderr, "import: %s: %s (%s)\n", what, err.message,
		    err.code);
	field_values_free(vals, rt->nfields);
	return NULL;
}

/*
 * After a write of sql/012 (code, id, field) that answered rc and rows:
 * 0 with *id, or -1 having printed why what was refused (the message of
 * table, as the API gives it).
 */
static int
import_answer(enum db_status rc, const struct db_rows *rows,
    const struct api_refusal *table, const char *what, int64_t *id)
{
	const struct api_refusal *r;
	const char	*code;

	if (rc != DB_OK) {
		fprintf(stderr, "import: %s refused: database error\n", what);
		return -1;
	}
	code = db_value(rows, 0, API_WRITE_COL_CODE);
	if (strcmp(code, "ok") != 0) {
		r = api_refusal_find(table, code, db_value(rows, 0,
		    API_WRITE_COL_FIELD));
		fprintf(stderr, "import: %s refused: %s\n", what,
		    r != NULL ? r->message : code);
		return -1;
	}
	*id = db_int(rows, 0, API_WRITE_COL_ID);
	return 0;
}

/* Inserts the priorities of list into consultation id; 0 or -1. */
static int
import_priorities(struct db *db, int64_t id, json_t *list)
{
	const struct route	*rt = import_route(METHOD_POST,
				    "/api/v1/consultations/1/priorities");
	struct field_value	*vals;
	struct db_rows		*rows;
	struct progress		 bar;
	struct buf		 f;
	json_t			*p;
	size_t			 i;
	enum db_status		 rc;
	int64_t			 pid;
	int			 ret;
	char			 what[48], cid[24];

	snprintf(cid, sizeof(cid), "%lld", (long long)id);
	progress_start(&bar, "priorities", json_array_size(list));
	json_array_foreach(list, i, p) {
		/* A refusal of this priority is printed on a line of its own. */
		progress_hide(&bar);
		snprintf(what, sizeof(what), "priority %zu", i + 1);
		if ((vals = import_fields(rt, p, what)) == NULL)
			return -1;
		rows = NULL;
		buf_init(&f, 0);
		field_values_json(rt->fields, rt->nfields, vals, &f);
		rc = db_exec(db, STMT_PRIORITY_POST, DB_PARAMS(cid, buf_str(&f),
		    "true"), &rows);
		ret = import_answer(rc, rows, priority_refusals, what, &pid);
		db_rows_free(rows);
		buf_free(&f);
		field_values_free(vals, rt->nfields);
		if (ret < 0)
			return -1;
		progress_step(&bar);
	}
	progress_end(&bar);
	return 0;
}

/* Imports the consultation in obj (which loses its phase and priorities). */
static int
import_consultation(struct db *db, json_t *obj)
{
	const struct route	*rt = import_route(METHOD_POST,
				    "/api/v1/consultations");
	struct field_value	*vals = NULL;
	struct db_rows		*rows = NULL;
	struct buf		 f;
	json_t			*prios, *phase;
	const char		*ph;
	enum db_status		 rc;
	int64_t			 id;
	int			 ret = 2;

	buf_init(&f, 0);
	prios = json_incref(json_object_get(obj, "priorities"));
	phase = json_incref(json_object_get(obj, "phase"));
	json_object_del(obj, "priorities");
	json_object_del(obj, "phase");
	ph = phase == NULL ? phase_name(PHASE_DRAFT) : json_string_value(phase);
	if (ph == NULL || phase_parse(ph) < 0 ||
	    (prios != NULL && !json_is_array(prios))) {
		fprintf(stderr, "import: phase must be a phase name and "
		    "priorities an array\n");
		goto out;
	}
	if ((vals = import_fields(rt, obj, "consultation")) == NULL)
		goto out;
	ret = 1;
	if ((rc = db_begin(db)) == DB_OK)
		rc = db_exec(db, STMT_CONSULTATION_BY_TITLE, DB_PARAMS(
		    vals[CONS_TITLE_FR].s), &rows);
	if (rc != DB_OK) {
		fprintf(stderr, "import: the database is unavailable\n");
		goto out;
	}
	if (db_nrows(rows) > 0) {
		printf("consultation %s already there: \"%s\"\n",
		    db_value(rows, 0, BY_TITLE_COL_ID), vals[CONS_TITLE_FR].s);
		ret = 0;
		goto out;
	}
	db_rows_free(rows);
	rows = NULL;
	field_values_json(rt->fields, rt->nfields, vals, &f);
	rc = db_exec(db, STMT_CONSULTATION_POST, DB_PARAMS(NULL, buf_str(&f),
	    ph), &rows);
	if (import_answer(rc, rows, consultation_refusals, "consultation",
	    &id) < 0) {
		ret = 2;
		goto out;
	}
	if ((prios != NULL && import_priorities(db, id, prios) < 0) ||
	    db_commit(db) != DB_OK)
		goto out;
	printf("imported consultation %lld: \"%s\" (%zu priorities)\n",
	    (long long)id, vals[CONS_TITLE_FR].s, json_array_size(prios));
	ret = 0;
out:
	db_rollback(db);
	db_rows_free(rows);
	buf_free(&f);
	field_values_free(vals, rt->nfields);
	json_decref(prios);
	json_decref(phase);
	return ret;
}

const char import_usage[] = "import consultation FILE.json";

int
import_command(const struct config *cfg, int argc, char **argv)
{
	json_error_t	 jerr;
	json_t		*obj;
	struct db	*db;
	int		 rc;

	if (argc < 2)
		return cli_refuse("import", import_usage, "missing command");
	if (strcmp(argv[1], "consultation") != 0)
		return cli_refuse("import", import_usage, "unknown command %s",
		    argv[1]);
	if ((rc = cli_operands("import consultation", import_usage, argc - 1,
	    argv + 1, 1, 1)) != CLI_GO)
		return rc;
	if ((obj = json_load_file(argv[2], JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL) {
		fprintf(stderr, "import: %s:%d: %s\n", argv[2], jerr.line,
		    jerr.text);
		return 2;
	}
	db = db_open(cfg->db, 0);
	rc = import_consultation(db, obj);
	db_close(db);
	json_decref(obj);
	return rc;
}
