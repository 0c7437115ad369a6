/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The outbox (see mail.h).  Message texts are data in texts[]; delivery
 * runs sendmail -t -i by fork and exec (no shell), one message at a time.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "concerto/buf.h"
#include "concerto/config.h"
#include "concerto/mail.h"
#include "concerto/log.h"
#include "concerto/mail_format.h"
#include "concerto/mail_seal.h"
#include "concerto/mem.h"
#include "concerto/progress.h"
#include "concerto/secretbox.h"

/*
 * A message's texts.  In a body, {url} stands for CONCERTO_PUBLIC_URL
 * and {token} for the token of the link; each link opens the page that
 * reads it (www/js/pages: account.js takes #verify=, reset.js #reset=).
 */
struct mail_text {
	const char	*subject;
	const char	*body;
};

static const struct mail_text texts[MAIL__MAX][2] = {
	[MAIL_VERIFY] = {
	    { "Confirmez votre adresse e-mail pour Concerto",
	      "Bonjour,\n\nPour confirmer votre inscription à Concerto, "
	      "ouvrez ce lien dans les 24 heures :\n\n"
	      "{url}/account#verify={token}\n\n"
	      "Si vous n'êtes pas à l'origine de cette demande, ignorez "
	      "ce message.\n" },
	    { "Confirm your e-mail address for Concerto",
	      "Hello,\n\nTo confirm your Concerto account, open this link "
	      "within 24 hours:\n\n"
	      "{url}/account#verify={token}\n\n"
	      "If you did not ask for this, ignore this message.\n" } },
	[MAIL_REGISTER_AGAIN] = {
	    { "Tentative d'inscription à Concerto",
	      "Bonjour,\n\nQuelqu'un a essayé de créer un compte Concerto "
	      "avec votre adresse, qui en a déjà un. Si c'était vous, "
	      "connectez-vous ou choisissez un nouveau mot de passe :\n\n"
	      "Se connecter : {url}/signin\n"
	      "Nouveau mot de passe : {url}/reset\n" },
	    { "Attempt to register on Concerto",
	      "Hello,\n\nSomeone tried to create a Concerto account with your "
	      "address, which already has one. If it was you, sign in or "
	      "reset your password:\n\n"
	      "Sign in: {url}/signin\n"
	      "New password: {url}/reset\n" } },
	[MAIL_RESET] = {
	    { "Nouveau mot de passe pour Concerto",
	      "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce "
	      "lien dans l'heure :\n\n"
	      "{url}/reset#reset={token}\n\n"
	      "Toutes vos sessions seront fermées. Si vous n'êtes pas à "
	      "l'origine de cette demande, ignorez ce message.\n" },
	    { "New password for Concerto",
	      "Hello,\n\nTo choose a new password, open this link within "
	      "the hour:\n\n"
	      "{url}/reset#reset={token}\n\n"
	      "All your sessions will be ended. If you did not ask for "
	      "this, ignore this message.\n" } },
	[MAIL_SECOND_FACTOR_LOCKED] = {
	    { "Second facteur de votre compte Concerto verrouillé",
	      "Bonjour,\n\nPlusieurs codes faux ont été donnés pour le second "
	      "facteur de votre compte Concerto, qui est verrouillé pour "
	      "15 minutes. Si ce n'était pas vous, quelqu'un connaît votre "
	      "mot de passe : changez-le dès que possible.\n\n"
	      "Nouveau mot de passe : {url}/reset\n" },
	    { "Second factor of your Concerto account locked",
	      "Hello,\n\nSeveral wrong codes were given for the second factor "
	      "of your Concerto account, which is locked for 15 minutes. If it "
	      "was not you, someone knows your password: change it as soon as "
	      "you can.\n\n"
	      "New password: {url}/reset\n" } },
};

static const char *const kind_names[MAIL__MAX] = {
	[MAIL_VERIFY] = "verify",
	[MAIL_REGISTER_AGAIN] = "register_again",
	[MAIL_RESET] = "reset",
	[MAIL_SECOND_FACTOR_LOCKED] = "second_factor_locked",
};

const char *
mail_kind_name(enum mail_kind kind)
{
	return kind_names[kind];
}

/*
 * Appends template t with {url} as the public URL (without a final '/')
 * and {token} as token (nothing when NULL).
 */
static void
mail_expand(struct buf *out, const char *t, const char *url,
    const char *token)
{
	size_t	 ulen = strlen(url);
	const char *p;

	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	while ((p = strchr(t, '{')) != NULL) {
		buf_append(out, t, (size_t)(p - t));
		if (strncmp(p, "{url}", 5) == 0) {
			buf_append(out, url, ulen);
			t = p + 5;
		} else if (strncmp(p, "{token}", 7) == 0) {
			if (token != NULL)
				buf_puts(out, token);
			t = p + 7;
		} else {
			buf_putc(out, '{');
			t = p + 1;
		}
	}
	buf_puts(out, t);
}

/* Wipes what b holds (a body with live links) before it is freed. */
static void
mail_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
}

enum db_status
mail_queue(struct db *db, const struct config *cfg, int64_t account_id,
    const char *recipient, const char *lang, enum mail_kind kind,
    const char *token)
{
	const struct mail_text	*t;
	struct buf		 body, sealed;
	char			 id[24];
	enum db_status		 rc = DB_ERROR;

	t = &texts[kind][lang != NULL && strcmp(lang, "en") == 0];
	buf_init(&body, 0);
	buf_init(&sealed, 0);
	mail_expand(&body, t->body, cfg->public_url, token);
	snprintf(id, sizeof(id), "%lld", (long long)account_id);
	if (cfg->secretbox == NULL || mail_seal(cfg->secretbox,
	    kind_names[kind], recipient, buf_str(&body), &sealed) < 0)
		log_error("mail: a %s message cannot be sealed; not queued",
		    kind_names[kind]);
	else
		rc = db_exec(db, STMT_OUTBOX_INSERT, DB_PARAMS(account_id ?
		    id : NULL, recipient, t->subject, buf_str(&sealed),
		    kind_names[kind]), NULL);
	mail_wipe(&body);
	buf_free(&body);
	buf_free(&sealed);
	return rc;
}

/* Writes msg whole to fd; 0, or -1 if the reader went away. */
static int
mail_write(int fd, const struct buf *msg)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < msg->len) {
		n = write(fd, msg->data + off, msg->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Pipes message msg to `sendmail -t -i`; 0 when it read it and exited 0. */
static int
mail_pipe(const char *sendmail, const struct buf *msg)
{
	int	 fds[2], status, rc = -1, wrote;
	pid_t	 pid;

	if (pipe(fds) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(sendmail, sendmail, "-t", "-i", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	wrote = mail_write(fds[1], msg);
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
	if (wrote == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	return rc;
}

/* Rows of STMT_OUTBOX_PENDING, the size of one delivery batch. */
#define MAIL_BATCH	100

/* The columns of STMT_OUTBOX_PENDING. */
enum pending_col { PENDING_COL_ID, PENDING_COL_RECIPIENT, PENDING_COL_SUBJECT,
	PENDING_COL_BODY, PENDING_COL_SEALED, PENDING_COL_KIND };

/* What one delivery run shares: its settings, sender, progress, counts. */
struct mail_run {
	const struct config	*cfg;
	struct mail_address	 from;
	struct secretbox	 box;		/* opens the bodies */
	struct progress		 bar;
	size_t			 sent;
	bool			 failed;	/* a message stays queued */
	bool			 stop;		/* sendmail or the database failed */
};

/*
 * The body of row i of rows (STMT_OUTBOX_PENDING's columns) into body:
 * opened, or in clear for a message queued before bodies were sealed.
 * NULL, or why it cannot be had.
 */
static const char *
mail_row_body(struct mail_run *run, struct db_rows *rows, size_t i,
    struct buf *body)
{
	if (!db_isnull(rows, i, PENDING_COL_BODY)) {
		buf_puts(body, db_value(rows, i, PENDING_COL_BODY));
		return NULL;
	}
	if (db_isnull(rows, i, PENDING_COL_SEALED))
		return "it has no body";
	switch (mail_open(&run->box, db_value(rows, i, PENDING_COL_KIND),
	    db_value(rows, i, PENDING_COL_RECIPIENT),
	    db_value(rows, i, PENDING_COL_SEALED), body, NULL)) {
	case SECRETBOX_OK:
		return NULL;
	case SECRETBOX_NO_KEY:
		return "its body is sealed under neither key (not "
		    "CONCERTO_SECRET_KEY_FILE's, nor CONCERTO_SECRET_KEY_OLD_FILE's)";
	default:
		return "its body does not open (damaged, or moved from another "
		    "message)";
	}
}

/*
 * Composes row i of rows into msg; NULL, or why it cannot be (its body
 * does not open, its recipient is not one address).
 */
static const char *
mail_row_message(struct mail_run *run, struct db_rows *rows, size_t i,
    struct buf *msg)
{
	struct buf	 body;
	const char	*why;

	buf_init(&body, 0);
	if ((why = mail_row_body(run, rows, i, &body)) == NULL)
		why = mail_compose(msg, &run->from,
		    db_value(rows, i, PENDING_COL_RECIPIENT),
		    db_value(rows, i, PENDING_COL_SUBJECT), buf_str(&body),
		    time(NULL));
	mail_wipe(&body);
	buf_free(&body);
	return why;
}

/*
 * Sends row i of rows; true if it went out.  A row that cannot be made
 * into a message is left queued and named; a sendmail that fails stops
 * the run.
 */
static bool
mail_send_row(struct mail_run *run, struct db_rows *rows, size_t i)
{
	struct buf	 msg;
	const char	*why;
	bool		 ok = false;

	buf_init(&msg, 0);
	if ((why = mail_row_message(run, rows, i, &msg)) != NULL) {
		progress_hide(&run->bar);
		fprintf(stderr, "mail: message %s not sent: %s; it stays "
		    "queued\n", db_value(rows, i, PENDING_COL_ID), why);
		run->failed = true;
	} else if (mail_pipe(run->cfg->sendmail, &msg) < 0) {
		progress_hide(&run->bar);
		fprintf(stderr, "mail: %s failed; the rest stays queued\n",
		    run->cfg->sendmail);
		run->failed = run->stop = true;
	} else
		ok = true;
	mail_wipe(&msg);
	buf_free(&msg);
	return ok;
}

/*
 * Delivers one batch of pending mail in a transaction (rows stay locked
 * against another `concerto mail`).  Sets *more when a full batch went
 * out (a row left queued ends the run after its batch, so that it is not
 * tried again at once).  Returns 0, or -1 when the database failed.
 */
static int
mail_batch(struct mail_run *run, struct db *db, bool *more)
{
	struct db_rows	*rows = NULL;
	size_t		 i, n = 0;
	int		 rc = -1;

	*more = false;
	if (db_begin(db) != DB_OK ||
	    db_exec(db, STMT_OUTBOX_PENDING, NULL, 0, &rows) != DB_OK) {
		progress_hide(&run->bar);
		fprintf(stderr, "mail: database unavailable\n");
		goto out;
	}
	for (i = 0; i < db_nrows(rows) && !run->stop; i++) {
		if (!mail_send_row(run, rows, i))
			continue;
		if (db_exec(db, STMT_OUTBOX_SENT,
		    DB_PARAMS(db_value(rows, i, PENDING_COL_ID)), NULL) !=
		    DB_OK) {
			/* What went out is marked when the commit below keeps it. */
			progress_hide(&run->bar);
			fprintf(stderr, "mail: database unavailable\n");
			run->failed = run->stop = true;
			break;
		}
		n++;
		progress_step(&run->bar);
	}
	if (db_commit(db) != DB_OK)
		goto out;
	run->sent += n;
	*more = n == MAIL_BATCH;
	rc = 0;
out:
	db_rows_free(rows);
	db_rollback(db);
	return rc;
}

/* The number of messages waiting, for the progress bar (0 if unknown). */
static size_t
mail_pending(struct db *db)
{
	struct db_rows	*rows = NULL;
	size_t		 n = 0;

	if (db_exec(db, STMT_OUTBOX_PENDING_COUNT, NULL, 0, &rows) == DB_OK &&
	    db_nrows(rows) == 1)
		n = (size_t)db_int(rows, 0, 0);
	db_rows_free(rows);
	return n;
}

const char *
mail_from_missing(const struct config *cfg)
{
	return cfg->mail_from == NULL ? "CONCERTO_MAIL_FROM is not set: "
	    "name the sender of the messages, such as \"Concerto "
	    "<no-reply@example.org>\"" : NULL;
}

/*
 * What a run needs before it reads the outbox: the sender and the keys.
 * 0, or -1 after saying why (as cmd).
 */
static int
mail_run_open(struct mail_run *run, const char *cmd)
{
	const char	*why;
	char		 err[512];

	if ((why = mail_from_missing(run->cfg)) != NULL) {
		fprintf(stderr, "%s: %s; nothing delivered\n", cmd, why);
		return -1;
	}
	/* config_load() checked it. */
	if ((why = mail_address_parse(run->cfg->mail_from,
	    &run->from)) != NULL) {
		fprintf(stderr, "%s: CONCERTO_MAIL_FROM %s\n", cmd, why);
		return -1;
	}
	if (secretbox_load(&run->box, run->cfg->secret_key_file,
	    run->cfg->secret_key_old_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s; nothing delivered\n", cmd, err);
		return -1;
	}
	return 0;
}

int
mail_deliver(const struct config *cfg)
{
	struct mail_run	 run = { .cfg = cfg };
	struct db	*db;
	bool		 more = true;
	int		 rc = 0;

	if (cfg->sendmail == NULL) {
		fprintf(stderr, "mail: CONCERTO_SENDMAIL is not set; "
		    "nothing delivered\n");
		return 1;
	}
	if (mail_run_open(&run, "mail") < 0)
		return 1;
	/* A sendmail that exits without reading is a failed delivery, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	db = db_open(cfg->db, cfg->statement_timeout_ms);
	progress_start(&run.bar, "messages", mail_pending(db));
	while (rc == 0 && more && !run.stop)
		rc = mail_batch(&run, db, &more);
	progress_end(&run.bar);
	printf("mail: %zu sent%s\n", run.sent, rc == 0 && !run.failed ? "" :
	    ", some still queued");
	db_close(db);
	secretbox_clear(&run.box);
	return rc == 0 && !run.failed ? 0 : 1;
}

int
mail_preview(const struct config *cfg, const char *to)
{
	struct mail_run	 run = { .cfg = cfg };
	struct db	*db = NULL;
	struct db_rows	*rows = NULL;
	struct buf	 msg;
	const char	*why;
	size_t		 i, n = 0;
	int		 rc = 1;

	if (mail_run_open(&run, "mail --dry-run") < 0)
		return 1;
	db = db_open(cfg->db, cfg->statement_timeout_ms);
	if (db_exec(db, STMT_OUTBOX_PREVIEW, DB_PARAMS(to), &rows) != DB_OK) {
		fprintf(stderr, "mail --dry-run: database unavailable\n");
		goto out;
	}
	buf_init(&msg, 0);
	for (i = 0; i < db_nrows(rows); i++) {
		buf_reset(&msg);
		if ((why = mail_row_message(&run, rows, i, &msg)) != NULL) {
			fprintf(stderr, "mail: message %s would not be sent: "
			    "%s\n", db_value(rows, i, PENDING_COL_ID), why);
			run.failed = true;
			continue;
		}
		printf("--- message %s ---\n%s\n", db_value(rows, i,
		    PENDING_COL_ID), buf_str(&msg));
		n++;
	}
	mail_wipe(&msg);
	buf_free(&msg);
	printf("mail: dry run, %zu would be sent, nothing sent\n", n);
	rc = run.failed ? 1 : 0;
out:
	db_rows_free(rows);
	db_close(db);
	secretbox_clear(&run.box);
	return rc;
}
