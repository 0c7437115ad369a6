/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The process's configuration, read once from the environment at start-up
 * (and again by each worker on reload).  This is the only process-wide state
 * besides signal flags; every module receives what it needs from it.
 */
#ifndef CONCERTO_CONFIG_H
#define CONCERTO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct secretbox;
struct throttle_key;

struct config {
	const char	*socket_path;	/* CONCERTO_SOCKET */
	const char	*socket_group;	/* CONCERTO_SOCKET_GROUP */
	const char	*db;		/* CONCERTO_DB: conninfo of the app role */
	const char	*db_admin;	/* CONCERTO_DB_ADMIN: owner role, migrations */
	const char	*sql_dir;	/* CONCERTO_SQL_DIR */
	const char	*pidfile;	/* CONCERTO_PIDFILE, may be NULL */
	const char	*user;		/* CONCERTO_USER, may be NULL */
	const char	*group;		/* CONCERTO_GROUP, may be NULL */
	const char	*log_file;	/* CONCERTO_LOG_FILE, may be NULL */
	int		 workers;	/* CONCERTO_WORKERS */
	int		 threads;	/* CONCERTO_THREADS */
	size_t		 max_body;	/* CONCERTO_MAX_BODY */
	int		 statement_timeout_ms; /* CONCERTO_STATEMENT_TIMEOUT_MS */
	int		 shutdown_grace_s; /* CONCERTO_SHUTDOWN_GRACE */
	int		 hash_slots;	/* CONCERTO_HASH_SLOTS */
	int		 argon2_m;	/* CONCERTO_ARGON2_M, KiB */
	int		 argon2_t;	/* CONCERTO_ARGON2_T */
	int		 argon2_p;	/* CONCERTO_ARGON2_P */
	int		 session_idle_s; /* CONCERTO_SESSION_IDLE */
	int		 session_max_s;	/* CONCERTO_SESSION_MAX */
	int		 recent_auth_s;	/* CONCERTO_RECENT_AUTH */
	const char	*public_url;	/* CONCERTO_PUBLIC_URL */
	const char	*sendmail;	/* CONCERTO_SENDMAIL, may be NULL */
	const char	*mail_from;	/* CONCERTO_MAIL_FROM, checked; may be NULL */
	const char	*geoip;		/* CONCERTO_GEOIP; NULL if unset or off */
	bool		 geoip_off;	/* CONCERTO_GEOIP=off: no GeoIP wanted */
	double		 weight_cap;	/* CONCERTO_WEIGHT_CAP */
	int		 flag_threshold; /* CONCERTO_FLAG_THRESHOLD */
	int		 comments_per_minute; /* CONCERTO_COMMENTS_PER_MINUTE */
	int		 flags_per_minute; /* CONCERTO_FLAGS_PER_MINUTE */
	int		 assisted_per_minute; /* CONCERTO_ASSISTED_PER_MINUTE */
	int		 edit_window_s;	/* CONCERTO_EDIT_WINDOW */
	int		 redaction_keep_days; /* CONCERTO_REDACTION_KEEP_DAYS */
	int		 mail_keep_days; /* CONCERTO_MAIL_KEEP_DAYS */
	int		 hashes_per_network; /* CONCERTO_HASHES_PER_NETWORK */
	const char	*throttle_key_file; /* CONCERTO_THROTTLE_KEY_FILE */
	/* Read from throttle_key_file by `serve` only; NULL elsewhere. */
	const struct throttle_key *throttle_key;
	const char	*secret_key_file; /* CONCERTO_SECRET_KEY_FILE */
	const char	*secret_key_old_file; /* CONCERTO_SECRET_KEY_OLD_FILE */
	/* Read from the two files by `serve` only; NULL elsewhere. */
	const struct secretbox *secretbox;
};

/*
 * Fills cfg from the environment.  Returns 0, or -1 after printing which
 * variable is invalid.  Strings point into the environment.
 */
int	 config_load(struct config *cfg);

/* Prints the table of variables, their meaning and defaults, on f. */
void	 config_usage(FILE *f);

#endif
