/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Comment threads: a page of threads (top-level comments, or the replies
 * of one comment) with their replies nested a few levels deep; writing,
 * editing within a window, deleting (a tombstone), and voting.  The rules
 * live in the SQL functions of sql/005_comments.sql (as 008 changed them:
 * depth cap, redacted comments); this file maps their answers to HTTP and
 * builds the trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/db_array.h"
#include "concerto/field.h"
#include "concerto/json_mark.h"
#include "concerto/mem.h"
#include "concerto/readcache.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define COMMENTS_PAGE_DEFAULT	20
#define COMMENTS_DEPTH_SHOWN	4	/* levels nested below a page's top */
#define COMMENTS_REPLIES_MAX	1000	/* replies fetched for one page */
/*
 * For this long after a reader's comment appears or changes, their pages
 * are built for them: a shared page may be older than the change by a
 * second, and by as long again while the worker's cache rebuilds it.
 */
#define COMMENTS_CHANGE_S	(1 + (READCACHE_STALE_MS + 999) / 1000)

/* The columns of STMT_COMMENT_PAGE_OLDEST, _NEWEST and _BEST. */
enum comment_page_col { COMMENT_PAGE_COL_JSON, COMMENT_PAGE_COL_CURSOR };
/* The columns of STMT_COMMENT_DESCENDANTS. */
enum descendant_col { DESCENDANT_COL_JSON, DESCENDANT_COL_ID,
	DESCENDANT_COL_PARENT };
/* The columns of STMT_COMMENT_POST. */
enum comment_post_col { COMMENT_POST_COL_CODE, COMMENT_POST_COL_ID,
	COMMENT_POST_COL_RETRY };
/* The columns of STMT_COMMENT_VOTE. */
enum comment_vote_col { COMMENT_VOTE_COL_CODE, COMMENT_VOTE_COL_UP,
	COMMENT_VOTE_COL_DOWN, COMMENT_VOTE_COL_SCORE };

static const struct api_refusal comment_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "not_author", 403, "Only the author may change this comment.",
	  NULL, 0 },
	{ "comment_deleted", 409, "This comment has been deleted.", NULL, 0 },
	{ "comment_redacted", 409, "A moderator has removed a passage of this "
	  "comment; it can no longer be edited.", NULL, 0 },
	{ "comments_closed", 409,
	  "Comments are open only while questions are gathered and during "
	  "the vote.", NULL, 0 },
	{ "edit_window_closed", 409,
	  "A comment can be edited only in the minutes after it is written.",
	  NULL, 0 },
	{ "duplicate_comment", 409, "You have already posted this text here.",
	  "body", 0 },
	{ "invalid_priority", 422,
	  "This is not a priority of this consultation (a reply stays on its "
	  "thread's priority).", "priority_id", 0 },
	{ "invalid_parent", 422,
	  "You cannot reply to this comment.", "parent_id", 0 },
	{ "own_comment", 422, "You cannot vote on your own comment.", NULL, 0 },
	{ "not_votable", 409, "Only published comments can be voted on.",
	  NULL, 0 },
	{ "too_many_comments", 429, "You are commenting quickly; please wait "
	  "a moment before the next comment.", NULL, COMMENT_POST_COL_RETRY },
	{ NULL, 0, NULL, NULL, 0 }
};

/* A comment of a page and where it sits, to hang its replies on. */
struct node {
	int64_t	 id;
	json_t	*obj;		/* borrowed from the tree */
};

static int
node_cmp(const void *a, const void *b)
{
	const struct node	*x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The node of id among roots[0..nroots) and replies[0..nreplies), or NULL. */
static struct node *
node_find(struct node *roots, size_t nroots, struct node *replies,
    size_t nreplies, int64_t id)
{
	struct node	 key = { id, NULL }, *found;

	found = bsearch(&key, roots, nroots, sizeof(*roots), node_cmp);
	return found != NULL ? found : bsearch(&key, replies, nreplies,
	    sizeof(*replies), node_cmp);
}

/* Marks every node that shows fewer replies than it has. */
static void
nodes_collapse(const struct node *nodes, size_t n)
{
	size_t	 i;
	json_t	*o;

	for (i = 0; i < n; i++) {
		o = nodes[i].obj;
		json_object_set_new(o, "collapsed", json_boolean(
		    json_integer_value(json_object_get(o, "reply_count")) >
		    (json_int_t)json_array_size(json_object_get(o,
		    "replies"))));
	}
}

/*
 * Hangs each reply (rows of STMT_COMMENT_DESCENDANTS: JSON, id, parent,
 * oldest first) under its parent among roots[0..nroots) or the replies
 * hung before it; a reply whose parent is not shown is dropped with it.
 * replies has room for every row.
 */
static void
comments_nest(const struct db_rows *rows, struct node *roots, size_t nroots,
    struct node *replies)
{
	struct node	*parent;
	size_t		 i, n = 0;
	json_t		*obj;

	qsort(roots, nroots, sizeof(*roots), node_cmp);
	for (i = 0; i < db_nrows(rows); i++) {
		parent = node_find(roots, nroots, replies, n,
		    db_int(rows, i, DESCENDANT_COL_PARENT));
		if (parent == NULL || (obj = api_json_parse(rows, i,
		    DESCENDANT_COL_JSON)) == NULL)
			continue;
		json_array_append_new(json_object_get(parent->obj, "replies"),
		    obj);
		/* Rows come by id: appending keeps replies sorted. */
		replies[n].id = db_int(rows, i, DESCENDANT_COL_ID);
		replies[n++].obj = obj;
	}
	nodes_collapse(roots, nroots);
	nodes_collapse(replies, n);
}

/* The page's top-level comments: rows of a page statement, limit + 1. */
static enum db_status
comments_page(struct ctx *ctx, struct request *req, int sort,
    const int64_t *key,
    const char *me, const char *staff, int64_t limit, struct db_rows **rows)
{
	const struct field_value *q = req->qfields;
	char	 cid[API_INT_LEN], parent[API_INT_LEN], prio[API_INT_LEN],
		 k0[API_INT_LEN], k1[API_INT_LEN], lim[API_INT_LEN];
	const char *p0 = api_int(req->id, cid),
		*p1 = q[COMMENT_Q_PARENT].present ?
		    api_int(q[COMMENT_Q_PARENT].i, parent) : NULL,
		*p2 = q[COMMENT_Q_PRIORITY].present ?
		    api_int(q[COMMENT_Q_PRIORITY].i, prio) : NULL,
		*c0 = key != NULL ? api_int(key[0], k0) : NULL,
		*c1 = key != NULL && sort == COMMENT_SORT_BEST ?
		    api_int(key[1], k1) : NULL;

	api_int(limit + 1, lim);
	if (sort == COMMENT_SORT_BEST)
		return db_exec(ctx->db, STMT_COMMENT_PAGE_BEST, DB_PARAMS(p0,
		    p1, p2, me, staff, c0, c1, lim), rows);
	return db_exec(ctx->db, sort == COMMENT_SORT_NEWEST ?
	    STMT_COMMENT_PAGE_NEWEST : STMT_COMMENT_PAGE_OLDEST,
	    DB_PARAMS(p0, p1, p2, me, staff, c0, lim), rows);
}

void
api_comments_list(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*page = NULL, *deep = NULL;
	struct node	*nodes = NULL;
	enum db_status	 rc;
	struct buf	 roots;
	json_t		*list = NULL, *obj;
	int64_t		 limit = q[COMMENT_Q_LIMIT].present ?
			    q[COMMENT_Q_LIMIT].i : COMMENTS_PAGE_DEFAULT,
			 key[2], ids[100];
	int		 sort = q[COMMENT_Q_SORT].present ?
			    (int)q[COMMENT_Q_SORT].i : COMMENT_SORT_OLDEST;
	size_t		 i, shown, n = 0;
	char		 me[API_INT_LEN], depth[API_INT_LEN], max[API_INT_LEN],
			 cid[API_INT_LEN];
	const char	*viewer = api_viewer(ctx, me),
			*staff = api_is_staff(ctx) ? "true" : "false";

	buf_init(&roots, 0);
	if (api_consultation_shown(ctx, res, req->id) < 0)
		goto out;
	if (q[COMMENT_Q_CURSOR].present && api_cursor(res,
	    q[COMMENT_Q_CURSOR].s, key, sort == COMMENT_SORT_BEST ? 2 : 1) < 0)
		goto out;
	rc = comments_page(ctx, req, sort, q[COMMENT_Q_CURSOR].present ? key :
	    NULL, viewer, staff, limit, &page);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	shown = db_nrows(page) < (size_t)limit ? db_nrows(page) : (size_t)limit;
	list = json_array();
	for (i = 0; i < shown; i++) {
		if ((obj = api_json_parse(page, i,
		    COMMENT_PAGE_COL_JSON)) == NULL)
			continue;
		json_array_append_new(list, obj);
		ids[n++] = json_integer_value(json_object_get(obj, "id"));
	}
	if (n > 0) {
		nodes = xcalloc(n + COMMENTS_REPLIES_MAX, sizeof(*nodes));
		for (i = 0; i < n; i++) {
			nodes[i].id = ids[i];
			nodes[i].obj = json_array_get(list, i);
		}
		db_array_ids(ids, n, &roots);
		rc = db_exec(ctx->db, STMT_COMMENT_DESCENDANTS, DB_PARAMS(
		    buf_str(&roots), api_int(json_integer_value(
		    json_object_get(nodes[0].obj, "depth")) +
		    COMMENTS_DEPTH_SHOWN, depth), viewer, staff,
		    api_int(COMMENTS_REPLIES_MAX, max), api_int(req->id, cid)),
		    &deep);
		if (rc != DB_OK) {
			response_db_error(res, rc);
			goto out;
		}
		comments_nest(deep, nodes, n, nodes + n);
	}
	response_json(res, 200, json_pack("{s:O,s:o}", "comments", list,
	    "next_cursor", db_nrows(page) > (size_t)limit ?
	    json_string(db_value(page, (size_t)limit - 1,
	    COMMENT_PAGE_COL_CURSOR)) : json_null()));
out:
	json_decref(list);
	free(nodes);
	buf_free(&roots);
	db_rows_free(page);
	db_rows_free(deep);
}

/* The columns of STMT_COMMENT_VIEWER_MARKS. */
enum marks_col { MARKS_COL_PRIVATE, MARKS_COL_FIELDS };

/*
 * The view of a signed-in reader (router.h): the public pages when they
 * have neither written nor voted here (their session lists where they
 * have, auth.h); else, unless one of their comments here is unpublished,
 * shows them support (visibility, reply counts and support are then
 * theirs alone) or changed in the last COMMENTS_CHANGE_S seconds, the
 * public pages with their comments marked as theirs and their votes set
 * (with those comments' counts as they are now).
 */
static enum view
comments_view_of(struct ctx *ctx, struct request *req, json_t **marks)
{
	struct db_rows	*rows = NULL;
	char		 me[API_INT_LEN], cid[API_INT_LEN], recent[API_INT_LEN];
	enum view	 view = VIEW_OWN;
	const char	*viewer = api_viewer(ctx, me),
			*consultation = api_int(req->id, cid);
	int		 marked = auth_comment_marked(ctx->session, req->id);

	if (marked < 0) {
		if (db_exec(ctx->db, STMT_COMMENT_VIEWER_MARKED, DB_PARAMS(
		    viewer, consultation), &rows) != DB_OK ||
		    db_nrows(rows) != 1)
			goto out;
		marked = db_bool(rows, 0, 0);
		db_rows_free(rows);
		rows = NULL;
	}
	if (!marked) {
		view = VIEW_PUBLIC;
		goto out;
	}
	if (db_exec(ctx->db, STMT_COMMENT_VIEWER_MARKS, DB_PARAMS(viewer,
	    consultation, api_int(COMMENTS_CHANGE_S, recent)), &rows) !=
	    DB_OK || db_nrows(rows) != 1 || db_bool(rows, 0, MARKS_COL_PRIVATE))
		goto out;
	if (db_isnull(rows, 0, MARKS_COL_FIELDS)) {
		view = VIEW_PUBLIC;
		goto out;
	}
	if ((*marks = api_json_parse(rows, 0, MARKS_COL_FIELDS)) != NULL)
		view = VIEW_MARKED;
out:
	db_rows_free(rows);
	return view;
}

/* The comments of a page are its objects with an id (json_mark.h). */
const struct route_view api_comments_view = {
	comments_view_of, json_mark
};

/* Answers status with comment id as the session sees it. */
static void
comment_answer(struct ctx *ctx, struct request *req, struct response *res,
    int status, const char *id)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 me[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_COMMENT_GET, DB_PARAMS(id,
	    api_viewer(ctx, me), api_is_staff(ctx) ? "true" : "false"), &rows);
	api_json_found(res, status, rc, rows);
	db_rows_free(rows);
}

/* True if s holds nothing but white space. */
static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

void
api_comments_create(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	struct db_rows	*rows = NULL;
	struct buf	 strata;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN], prio[API_INT_LEN],
			 parent[API_INT_LEN], per[API_INT_LEN];

	if (blank(f[COMMENT_BODY].s)) {
		response_error(res, 400, "invalid_field",
		    "A comment needs some text.", "body");
		return;
	}
	buf_init(&strata, 0);
	api_viewer_strata(ctx, req, &strata);
	rc = db_exec(ctx->db, STMT_COMMENT_POST, DB_PARAMS(
	    api_int(req->id, cid), api_viewer(ctx, me),
	    f[COMMENT_PRIORITY].present && !f[COMMENT_PRIORITY].null ?
	    api_int(f[COMMENT_PRIORITY].i, prio) : NULL,
	    f[COMMENT_PARENT].present && !f[COMMENT_PARENT].null ?
	    api_int(f[COMMENT_PARENT].i, parent) : NULL,
	    f[COMMENT_ALIGNMENT].present ?
	    api_alignments[f[COMMENT_ALIGNMENT].i] : "neutral",
	    f[COMMENT_BODY].s, buf_str(&strata),
	    api_is_staff(ctx) ? "true" : "false",
	    api_int(ctx->cfg->comments_per_minute, per)), &rows);
	if (api_code_ok(res, rc, rows, comment_refusals))
		comment_answer(ctx, req, res, 201, db_value(rows, 0,
		    COMMENT_POST_COL_ID));
	db_rows_free(rows);
	buf_free(&strata);
}

/* Runs a statement answering one code about comment req->id. */
static int
comment_change(struct ctx *ctx, struct request *req, struct response *res,
    enum stmt stmt, const char *const *params, size_t nparams)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int		 ret = -1;

	rc = db_exec(ctx->db, stmt, params, nparams, &rows);
	if (api_code_ok(res, rc, rows, comment_refusals))
		ret = 0;
	db_rows_free(rows);
	return ret;
}

void
api_comment_patch(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	char		 id[API_INT_LEN], me[API_INT_LEN], win[API_INT_LEN];

	if (f[COMMENT_BODY].present && blank(f[COMMENT_BODY].s)) {
		response_error(res, 400, "invalid_field",
		    "A comment needs some text.", "body");
		return;
	}
	if (comment_change(ctx, req, res, STMT_COMMENT_EDIT, DB_PARAMS(
	    api_int(req->id, id), api_viewer(ctx, me),
	    f[COMMENT_BODY].present ? f[COMMENT_BODY].s : NULL,
	    f[COMMENT_ALIGNMENT].present ?
	    api_alignments[f[COMMENT_ALIGNMENT].i] : NULL,
	    api_int(ctx->cfg->edit_window_s, win))) == 0)
		comment_answer(ctx, req, res, 200, id);
}

void
api_comment_delete(struct ctx *ctx, struct request *req, struct response *res)
{
	char		 id[API_INT_LEN], me[API_INT_LEN];

	if (comment_change(ctx, req, res, STMT_COMMENT_DELETE, DB_PARAMS(
	    api_int(req->id, id), api_viewer(ctx, me))) == 0)
		response_json(res, 204, NULL);
}

void
api_comment_vote(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 value = req->fields[VOTE_VALUE].i;
	char		 id[API_INT_LEN], me[API_INT_LEN], v[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_COMMENT_VOTE, DB_PARAMS(api_int(req->id,
	    id), api_viewer(ctx, me), api_int(value, v),
	    api_is_staff(ctx) ? "true" : "false"), &rows);
	if (api_code_ok(res, rc, rows, comment_refusals))
		response_json(res, 200, json_pack("{s:I,s:I,s:I,s:f,s:I}",
		    "id", (json_int_t)req->id,
		    "up", (json_int_t)db_int(rows, 0, COMMENT_VOTE_COL_UP),
		    "down", (json_int_t)db_int(rows, 0, COMMENT_VOTE_COL_DOWN),
		    "score", strtod(db_value(rows, 0,
		    COMMENT_VOTE_COL_SCORE), NULL),
		    "my_vote", (json_int_t)value));
	db_rows_free(rows);
}
