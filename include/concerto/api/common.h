/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Helpers the handlers share (src/api/common.c): database answers and
 * refusal tables as responses, typed values to SQL parameters and back,
 * pages and cursors, the viewer and their role, a consultation's rules.
 */
#ifndef CONCERTO_API_COMMON_H
#define CONCERTO_API_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/db.h"
#include "concerto/phase.h"
#include "concerto/response_db.h"

struct ctx;
struct request;
struct response;

#define API_INT_LEN	24
#define API_EMAIL_LEN	256
#define API_JSON_TYPE	"application/json; charset=utf-8"

/* Formats v into buf and returns buf, for SQL parameters. */
const char	*api_int(int64_t v, char buf[API_INT_LEN]);
/* A column as a JSON string, or null. */
json_t		*api_json_text(const struct db_rows *, size_t row, size_t col);
/* 429 code (message, field: may be NULL) with Retry-After: wait (>= 1). */
void		 api_wait_error(struct response *, const char *code,
		    const char *message, const char *field, int64_t wait);
/*
 * Spends one unit of the client network's budget of kind (one letter, see
 * throttle.h) of allowed units per window_s seconds.  Returns 0, or -1
 * with the response set (429 too_many_requests with Retry-After, 503).
 */
int		 api_network_budget(struct ctx *, struct request *,
		    struct response *, char kind, int allowed, int window_s);
/* Lower-cases an (already validated) e-mail address. */
void		 api_email_normalize(const char *in, char out[API_EMAIL_LEN]);
/* True for a moderator or admin session with its second factor. */
bool		 api_is_staff(const struct ctx *);
bool		 api_is_admin(const struct ctx *);
/*
 * Answers status with the JSON of column col of row (encoded by the SQL
 * JSON functions of sql/), as it is; 500 if it is NULL.
 */
void		 api_json_column(struct response *, int status,
		    const struct db_rows *, size_t row, size_t col);
/*
 * After a statement that answered rc: a failure as response_db_error(), no row
 * as 404, else status with the JSON of column 0 of the first row.
 */
void		 api_json_found(struct response *, int status, enum db_status,
		    const struct db_rows *);
/* Parses a JSON column into a new value, or NULL. */
json_t		*api_json_parse(const struct db_rows *, size_t row, size_t col);
/* The JSON of column 0 of the first max rows, as a new array. */
json_t		*api_json_rows(const struct db_rows *, size_t max);
/*
 * Answers 200 {key: [...], "next_cursor": ...} from rows fetched with
 * limit + 1: column 0 the item's JSON, column 1 its cursor.  The cursor
 * is that of the last item shown, or null when nothing follows.
 */
void		 api_page(struct response *, const char *key,
		    const struct db_rows *, int64_t limit);
/* 404 not_found. */
void		 api_not_found(struct response *);
/*
 * Whether consultation id is shown to the viewer (drafts to staff only),
 * for the reads of what it holds: 0, or -1 with the response set (404,
 * 503).
 */
int		 api_consultation_shown(struct ctx *, struct response *,
		    int64_t id);

/*
 * A refusal a SQL function can answer (its code column, and the field it
 * blames where it answers one), and the HTTP answer it gets.  Tables end
 * with a NULL code.
 */
struct api_refusal {
	const char	*code;
	int		 status;
	const char	*message;
	const char	*field;		/* the field named; NULL: the function's */
	int		 retry_col;	/* > 0: Retry-After seconds are there */
};
/*
 * The entry of table, else of the refusals the shared SQL helpers answer
 * (idempotency keys), for code and the field the function blames (NULL:
 * any): the first with that code that names no field or that one.  NULL
 * if there is none.
 */
const struct api_refusal *api_refusal_find(const struct api_refusal *,
	    const char *code, const char *field);
/*
 * Sets the response for code from table (api_refusal_find(), any field);
 * a code without an entry is a server failure (500).  Returns -1, for
 * "return api_refuse(...)".
 */
int	 api_refuse(struct response *, const struct api_refusal *,
	    const char *code);
/*
 * After a statement that answered rc with a code in column 0: true if it
 * ran and the code is "ok"; otherwise the response is set (the failure,
 * or the refusal of table, with its Retry-After; 500 for a code without
 * an entry).  api_code_field_ok() is the same for a statement that also
 * answers, in column field_col (> 0), the field it blames or NULL: the
 * entry is found for code and that field, and the response names the
 * entry's field, else the statement's.  api_code_ok() answers no field
 * but the entry's.
 */
bool	 api_code_ok(struct response *, enum db_status,
	    const struct db_rows *, const struct api_refusal *);
bool	 api_code_field_ok(struct response *, enum db_status,
	    const struct db_rows *, const struct api_refusal *,
	    size_t field_col);
/*
 * The columns of the writes that answer a code, the id written and the
 * field they blame: STMT_CONSULTATION_POST, STMT_CONSULTATION_PATCH,
 * STMT_PRIORITY_POST, STMT_PRIORITY_PATCH.
 */
enum api_write_col { API_WRITE_COL_CODE, API_WRITE_COL_ID,
	API_WRITE_COL_FIELD };
/*
 * Parses a cursor of exactly n comma-separated numbers into v.  Returns
 * 0, or -1 with a 400 naming the cursor.
 */
int	 api_cursor(struct response *, const char *s, int64_t *v, size_t n);
/*
 * Runs st, a write that takes the JSON object of the fields the request
 * gave (field_values_json()) as $2, with first as $1 and, if st takes
 * three parameters, third as $3 (either may be NULL: SQL NULL).  The
 * answer as db_exec() gives it.
 */
enum db_status	 api_fields_exec(struct ctx *, struct request *, enum stmt st,
		    const char *first, const char *third,
		    struct db_rows **rows);
/* The session's account id as text into buf, or NULL if signed out. */
const char	*api_viewer(const struct ctx *, char buf[API_INT_LEN]);

#endif
