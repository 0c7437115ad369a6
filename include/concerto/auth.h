/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Sessions and authorization at the edge.  A caller is identified by the
 * __Host-concerto cookie (browsers) or, later, an Authorization: Bearer
 * token (widgets); both resolve to the same struct session, so routes need
 * not care which.  Only hashes of tokens are stored.
 */
#ifndef CONCERTO_AUTH_H
#define CONCERTO_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "concerto/router.h"
#include "concerto/token.h"

struct request;
struct response;

#define AUTH_COOKIE	"__Host-concerto"

/* The consultations a session lists as marked (below); "33" in db_sql.c. */
#define SESSION_MARKED	32

struct session {
	int64_t		 id;
	int64_t		 account_id;
	enum role	 role;		/* ROLE_PARTICIPANT, _MODERATOR, _ADMIN */
	bool		 verified;
	bool		 second_factor;	/* TOTP or recovery code given */
	bool		 suspended;
	bool		 bearer;	/* token in Authorization: no CSRF */
	bool		 totp_enabled;
	int64_t		 auth_age_s;	/* seconds since the password */
	char		 csrf_hash[TOKEN_HASH_LEN + 1];
	char		 language[3];
	char		 postcode[6];	/* declared, or "" */
	/*
	 * The consultations whose comment pages show something of the
	 * account's (a comment, a vote: comment_viewers, sql/016), read with
	 * the session, ascending; nmarked -1: more than SESSION_MARKED.
	 */
	int64_t		 marked[SESSION_MARKED];
	int		 nmarked;
};

/*
 * Resolves the session of the request (if any) into ctx->session and
 * checks it against request->route: role, verification, suspension, second
 * factor, CSRF token and the Origin/Sec-Fetch-Site of state-changing
 * requests.  Returns 0 to go on, or -1 with the response set (401, 403,
 * 503).
 */
int	 auth_authorize(struct ctx *, struct request *, struct response *);

/* The account role named by s ("participant", ...). */
enum role auth_role_parse(const char *s);

/*
 * Starts a cookie session for account_id: stores the hashes, sets the
 * cookie and writes the CSRF token to csrf.  Returns DB_OK or the failure.
 */
int	 auth_session_start(struct ctx *, struct request *, struct response *,
	    int64_t account_id, bool second_factor,
	    char csrf[TOKEN_LEN + 1]);

/* Sets a cookie that ends the browser's session. */
void	 auth_cookie_clear(struct response *);

/* True for a moderator or admin session whose second factor was given. */
bool	 auth_is_staff(const struct session *);

/*
 * Whether the comment pages of consultation show something of the
 * session's account: 1 yes, 0 no, -1 unknown (it has more marks than the
 * session lists: ask the database).
 */
int	 auth_comment_marked(const struct session *, int64_t consultation);

#endif
