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
#include <unistd.h>

#include <openssl/evp.h>

#include "concerto/buf.h"
#include "concerto/config.h"
#include "concerto/mail.h"
#include "concerto/mem.h"

struct mail_text {
	const char	*subject;
	const char	*body;		/* the link, if any, follows it */
	const char	*path;		/* page the link opens, or NULL */
	const char	*after;
};

static const struct mail_text texts[MAIL__MAX][2] = {
	[MAIL_VERIFY] = {
	    { "Confirmez votre adresse e-mail pour Concerto",
	      "Bonjour,\n\nPour confirmer votre inscription à Concerto, "
	      "ouvrez ce lien dans les 24 heures :\n\n",
	      "/account.html#verify=",
	      "\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez "
	      "ce message.\n" },
	    { "Confirm your e-mail address for Concerto",
	      "Hello,\n\nTo confirm your Concerto account, open this link "
	      "within 24 hours:\n\n",
	      "/account.html#verify=",
	      "\n\nIf you did not ask for this, ignore this message.\n" } },
	[MAIL_REGISTER_AGAIN] = {
	    { "Tentative d'inscription à Concerto",
	      "Bonjour,\n\nQuelqu'un a essayé de créer un compte Concerto "
	      "avec votre adresse, qui en a déjà un. Si c'était vous, "
	      "connectez-vous ou choisissez un nouveau mot de passe.\n",
	      NULL, "" },
	    { "Attempt to register on Concerto",
	      "Hello,\n\nSomeone tried to create a Concerto account with your "
	      "address, which already has one. If it was you, sign in or "
	      "reset your password.\n",
	      NULL, "" } },
	[MAIL_RESET] = {
	    { "Nouveau mot de passe pour Concerto",
	      "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce "
	      "lien dans l'heure :\n\n",
	      "/account.html#reset=",
	      "\n\nToutes vos sessions seront fermées. Si vous n'êtes pas à "
	      "l'origine de cette demande, ignorez ce message.\n" },
	    { "New password for Concerto",
	      "Hello,\n\nTo choose a new password, open this link within "
	      "the hour:\n\n",
	      "/account.html#reset=",
	      "\n\nAll your sessions will be ended. If you did not ask for "
	      "this, ignore this message.\n" } },
	[MAIL_SECOND_FACTOR_LOCKED] = {
	    { "Second facteur de votre compte Concerto verrouillé",
	      "Bonjour,\n\nPlusieurs codes faux ont été donnés pour le second "
	      "facteur de votre compte Concerto, qui est verrouillé pour "
	      "15 minutes. Si ce n'était pas vous, quelqu'un connaît votre "
	      "mot de passe : changez-le dès que possible.\n",
	      NULL, "" },
	    { "Second factor of your Concerto account locked",
	      "Hello,\n\nSeveral wrong codes were given for the second factor "
	      "of your Concerto account, which is locked for 15 minutes. If it "
	      "was not you, someone knows your password: change it as soon as "
	      "you can.\n",
	      NULL, "" } },
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

enum db_status
mail_queue(struct db *db, const struct config *cfg, int64_t account_id,
    const char *recipient, const char *lang, enum mail_kind kind,
    const char *token)
{
	const struct mail_text	*t;
	struct buf		 body;
	char			 id[24];
	enum db_status		 rc;

	t = &texts[kind][lang != NULL && strcmp(lang, "en") == 0];
	buf_init(&body, 0);
	buf_puts(&body, t->body);
	if (t->path != NULL && token != NULL) {
		buf_puts(&body, cfg->public_url);
		buf_puts(&body, t->path);
		buf_puts(&body, token);
	}
	buf_puts(&body, t->after);
	snprintf(id, sizeof(id), "%lld", (long long)account_id);
	rc = db_exec(db, STMT_OUTBOX_INSERT, DB_PARAMS(account_id ? id : NULL,
	    recipient, t->subject, buf_str(&body), kind_names[kind]), NULL);
	buf_free(&body);
	return rc;
}

/* RFC 2047 encoded-word for a header value that may not be ASCII. */
static void
mail_header_word(struct buf *out, const char *s)
{
	unsigned char	 enc[512];
	size_t		 n = strlen(s);

	if (n > 300)
		n = 300;
	EVP_EncodeBlock(enc, (const unsigned char *)s, (int)n);
	buf_printf(out, "=?UTF-8?B?%s?=", (const char *)enc);
}

/* Pipes one message to sendmail; 0 when it exited 0. */
static int
mail_send(const char *sendmail, const char *to, const char *subject,
    const char *body)
{
	struct buf	 msg;
	int		 fds[2], status, rc = -1;
	pid_t		 pid;
	size_t		 off = 0;
	ssize_t		 n;

	if (strpbrk(to, "\r\n") != NULL || pipe(fds) < 0)
		return -1;
	buf_init(&msg, 0);
	buf_printf(&msg, "To: %s\nSubject: ", to);
	mail_header_word(&msg, subject);
	buf_printf(&msg, "\nMIME-Version: 1.0\nContent-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s", body);
	if ((pid = fork()) < 0)
		goto out;
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(sendmail, sendmail, "-t", "-i", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	fds[0] = -1;
	while (off < msg.len) {
		n = write(fds[1], msg.data + off, msg.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	fds[1] = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
	if (off == msg.len && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	buf_free(&msg);
	return rc;
}

/* Rows of STMT_OUTBOX_PENDING, the size of one delivery batch. */
#define MAIL_BATCH	100

/* The columns of STMT_OUTBOX_PENDING. */
enum pending_col { PENDING_COL_ID, PENDING_COL_RECIPIENT, PENDING_COL_SUBJECT,
	PENDING_COL_BODY };

/*
 * Delivers one batch of pending mail in a transaction (rows stay locked
 * against another `concerto mail`).  Adds to *sent; sets *more when a
 * full batch went out.  Returns 0, or -1 once something failed.
 */
static int
mail_batch(const struct config *cfg, struct db *db, size_t *sent, bool *more)
{
	struct db_rows	*rows = NULL;
	size_t		 i, n = 0;
	int		 rc = -1;

	*more = false;
	if (db_begin(db) != DB_OK ||
	    db_exec(db, STMT_OUTBOX_PENDING, NULL, 0, &rows) != DB_OK) {
		fprintf(stderr, "mail: database unavailable\n");
		goto out;
	}
	for (i = 0; i < db_nrows(rows); i++) {
		if (mail_send(cfg->sendmail,
		    db_value(rows, i, PENDING_COL_RECIPIENT),
		    db_value(rows, i, PENDING_COL_SUBJECT),
		    db_value(rows, i, PENDING_COL_BODY)) < 0) {
			fprintf(stderr, "mail: %s failed; the rest stays "
			    "queued\n", cfg->sendmail);
			break;
		}
		if (db_exec(db, STMT_OUTBOX_SENT,
		    DB_PARAMS(db_value(rows, i, PENDING_COL_ID)), NULL) !=
		    DB_OK)
			break;
		n++;
	}
	if (db_commit(db) != DB_OK)
		goto out;
	*sent += n;
	*more = n == MAIL_BATCH;
	rc = n == db_nrows(rows) ? 0 : -1;
out:
	db_rows_free(rows);
	db_rollback(db);
	return rc;
}

int
mail_deliver(const struct config *cfg)
{
	struct db	*db;
	size_t		 sent = 0;
	bool		 more = true;
	int		 rc = 0;

	if (cfg->sendmail == NULL) {
		fprintf(stderr, "mail: CONCERTO_SENDMAIL is not set; "
		    "nothing delivered\n");
		return 1;
	}
	/* A sendmail that exits without reading is a failed delivery, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	db = db_open(cfg->db, cfg->statement_timeout_ms);
	while (rc == 0 && more)
		rc = mail_batch(cfg, db, &sent, &more);
	printf("mail: %zu sent%s\n", sent, rc == 0 ? "" : ", some still queued");
	db_close(db);
	return rc == 0 ? 0 : 1;
}
