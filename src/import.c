/*
 * Importing a consultation (see import.h).  The file is the body of
 * POST /api/v1/consultations plus "phase" and "priorities" (bodies of
 * POST .../priorities), validated by those routes' own field tables and
 * inserted by the same functions, so an import can hold nothing that the
 * API would refuse.  A consultation whose French title exists is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "concerto/api/fields.h"
#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/consultation_write.h"
#include "concerto/db.h"
#include "concerto/field.h"
#include "concerto/http.h"
#include "concerto/import.h"
#include "concerto/mem.h"
#include "concerto/phase.h"
#include "concerto/priority_write.h"
#include "concerto/progress.h"
#include "concerto/refusal.h"
#include "concerto/router.h"

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

/* Prints why a write module refused what. */
static void
import_refused(const struct refusal *why, const char *what)
{
	fprintf(stderr, "import: %s refused: %s\n", what,
	    why->db != DB_OK ? "database error" : why->message);
}

/* Inserts the priorities of list into consultation id; 0 or -1. */
static int
import_priorities(struct db *db, int64_t id, json_t *list)
{
	const struct route	*rt = import_route(METHOD_POST,
				    "/api/v1/consultations/1/priorities");
	struct field_value	*vals;
	struct refusal		 why;
	struct progress		 bar;
	json_t			*p;
	size_t			 i;
	int64_t			 pid;
	int			 rc = 0;
	char			 what[48];

	progress_start(&bar, "priorities", json_array_size(list));
	json_array_foreach(list, i, p) {
		snprintf(what, sizeof(what), "priority %zu", i + 1);
		if ((vals = import_fields(rt, p, what)) == NULL)
			return -1;
		if (priority_write_insert(db, id, vals, &pid, &why) < 0) {
			import_refused(&why, what);
			rc = -1;
		}
		field_values_free(vals, rt->nfields);
		if (rc < 0)
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
	struct refusal		 why;
	json_t			*prios, *phase;
	const char		*ph;
	enum db_status		 rc;
	int64_t			 id;
	int			 ret = 2;

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
		    db_value(rows, 0, 0), vals[CONS_TITLE_FR].s);
		ret = 0;
		goto out;
	}
	if (consultation_write_insert(db, vals, rt->fields, NULL, ph, &id,
	    &why) < 0) {
		import_refused(&why, "consultation");
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
