/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Configuration from the environment.  Every variable is listed in vars[]
 * with its default, so `concerto help` and the README say the same thing.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concerto/config.h"
#include "concerto/http.h"
#include "concerto/mail_format.h"

struct var {
	const char	*name;
	const char	*def;
	const char	*help;
};

static const struct var vars[] = {
	{ "CONCERTO_SOCKET", "var/run/concerto.sock",
	  "FastCGI unix socket that nginx connects to" },
	{ "CONCERTO_SOCKET_GROUP", "www-data",
	  "group given to the socket (mode 0660)" },
	{ "CONCERTO_DB", "dbname=concerto",
	  "libpq conninfo of the application role" },
	{ "CONCERTO_DB_ADMIN", "(CONCERTO_DB)",
	  "libpq conninfo of the schema owner, for migrate" },
	{ "CONCERTO_SQL_DIR", "sql", "directory of the migrations" },
	{ "CONCERTO_PIDFILE", "(none)",
	  "file where serve writes its pid, locked while it runs" },
	{ "CONCERTO_USER", "(none; required as root)",
	  "account the workers run as when serve starts as root" },
	{ "CONCERTO_GROUP", "(CONCERTO_USER's group)",
	  "group the workers run as when serve starts as root" },
	{ "CONCERTO_LOG_FILE", "(standard error)",
	  "file serve appends its log to, reopened on SIGUSR1" },
	{ "CONCERTO_WORKERS", "(cores)", "worker processes" },
	{ "CONCERTO_THREADS", "4", "accept threads per worker" },
	{ "CONCERTO_MAX_BODY", "65536", "largest request body, bytes" },
	{ "CONCERTO_STATEMENT_TIMEOUT_MS", "5000",
	  "PostgreSQL statement_timeout" },
	{ "CONCERTO_SHUTDOWN_GRACE", "15",
	  "seconds in-flight requests get on SIGTERM" },
	{ "CONCERTO_HASH_SLOTS", "(cores)",
	  "password hashes running at once on this host" },
	{ "CONCERTO_ARGON2_M", "19456", "argon2id memory, KiB (>= 19456)" },
	{ "CONCERTO_ARGON2_T", "2", "argon2id passes (>= 2)" },
	{ "CONCERTO_ARGON2_P", "1", "argon2id lanes" },
	{ "CONCERTO_SESSION_IDLE", "3600", "idle session expiry, seconds" },
	{ "CONCERTO_SESSION_MAX", "86400",
	  "absolute session expiry, seconds" },
	{ "CONCERTO_RECENT_AUTH", "900",
	  "how recent a sign-in data export needs, seconds" },
	{ "CONCERTO_PUBLIC_URL", "http://127.0.0.1:8080",
	  "public base URL: links in e-mails, the origin of requests" },
	{ "CONCERTO_SENDMAIL", "(none)",
	  "sendmail program used by `concerto mail`" },
	{ "CONCERTO_MAIL_FROM", "required by mail", "sender of the e-mails: "
	  "an address, with a name or not (\"Concerto <no-reply@example.org>\")" },
	{ "CONCERTO_GEOIP", "(required)",
	  "GeoIP2/GeoLite2 City database (.mmdb), or \"off\"" },
	{ "CONCERTO_WEIGHT_CAP", "5", "largest weight a participant gets "
	  "(trimming), 1-100" },
	{ "CONCERTO_FLAG_THRESHOLD", "3",
	  "distinct flaggers that hide a contribution until reviewed" },
	{ "CONCERTO_COMMENTS_PER_MINUTE", "5", "comments an account may post "
	  "a minute" },
	{ "CONCERTO_FLAGS_PER_MINUTE", "10", "flags an account may raise a "
	  "minute" },
	{ "CONCERTO_ASSISTED_PER_MINUTE", "20", "assisted ballots a "
	  "facilitator may enter a minute" },
	{ "CONCERTO_EDIT_WINDOW", "900", "seconds an author may edit a "
	  "comment" },
	{ "CONCERTO_REDACTION_KEEP_DAYS", "365", "days a redacted original "
	  "is kept before `concerto purge` erases it" },
	{ "CONCERTO_MAIL_KEEP_DAYS", "30", "days a sent message's record "
	  "(kind, recipient, subject) is kept before `concerto purge` erases "
	  "it" },
	{ "CONCERTO_HASHES_PER_NETWORK", "20", "passwords hashed for "
	  "registrations and resets per client network per 10 minutes "
	  "(then 429)" },
	{ "CONCERTO_THROTTLE_KEY_FILE", "required by serve", "file of 32 to "
	  "64 random bytes, mode 0600, keying the throttling HMACs" },
	{ "CONCERTO_SECRET_KEY_FILE", "required by serve", "file of 64 hex "
	  "digits (32 random bytes), mode 0600, sealing the TOTP secrets "
	  "(AES-256-GCM)" },
	{ "CONCERTO_SECRET_KEY_OLD_FILE", "(none)", "the previous key during "
	  "a rotation: opens, never seals (see `concerto secrets rotate`)" },
};

static const char *
config_str(const char *name, const char *def)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : def;
}

/* Reads an integer in [min, max]; returns -1 after printing an error. */
static int
config_int(const char *name, long long def, long long min, long long max,
    long long *out)
{
	const char	*v = getenv(name);
	char		*end;
	long long	 n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max) {
		fprintf(stderr, "concerto: %s must be an integer from %lld "
		    "to %lld\n", name, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

int
config_load(struct config *cfg)
{
	long long	 workers, threads, body, timeout, grace, cores, slots;
	long long	 am, at, ap, idle, max, recent, cap;
	long long	 flags, cpm, fpm, apm, edit, keep, mkeep, hpn;
	struct http_origin origin;
	struct mail_address from;
	const char	*why;

	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	cfg->socket_path = config_str("CONCERTO_SOCKET", vars[0].def);
	cfg->socket_group = config_str("CONCERTO_SOCKET_GROUP", "www-data");
	cfg->db = config_str("CONCERTO_DB", "dbname=concerto");
	cfg->db_admin = config_str("CONCERTO_DB_ADMIN", cfg->db);
	cfg->sql_dir = config_str("CONCERTO_SQL_DIR", "sql");
	cfg->pidfile = config_str("CONCERTO_PIDFILE", NULL);
	cfg->user = config_str("CONCERTO_USER", NULL);
	cfg->group = config_str("CONCERTO_GROUP", NULL);
	cfg->log_file = config_str("CONCERTO_LOG_FILE", NULL);
	if (config_int("CONCERTO_WORKERS", cores, 1, 256, &workers) ||
	    config_int("CONCERTO_THREADS", 4, 1, 64, &threads) ||
	    config_int("CONCERTO_MAX_BODY", 65536, 1024, 16 << 20, &body) ||
	    config_int("CONCERTO_STATEMENT_TIMEOUT_MS", 5000, 100, 600000,
	    &timeout) ||
	    config_int("CONCERTO_SHUTDOWN_GRACE", 15, 1, 600, &grace) ||
	    config_int("CONCERTO_HASH_SLOTS", cores, 1, 256, &slots) ||
	    config_int("CONCERTO_ARGON2_M", 19456, 19456, 4 << 20, &am) ||
	    config_int("CONCERTO_ARGON2_T", 2, 2, 64, &at) ||
	    config_int("CONCERTO_ARGON2_P", 1, 1, 16, &ap) ||
	    config_int("CONCERTO_SESSION_IDLE", 3600, 60, 30 * 86400, &idle) ||
	    config_int("CONCERTO_SESSION_MAX", 86400, 60, 90 * 86400, &max) ||
	    config_int("CONCERTO_RECENT_AUTH", 900, 30, 86400, &recent) ||
	    config_int("CONCERTO_WEIGHT_CAP", 5, 1, 100, &cap) ||
	    config_int("CONCERTO_FLAG_THRESHOLD", 3, 1, 1000, &flags) ||
	    config_int("CONCERTO_COMMENTS_PER_MINUTE", 5, 1, 1000, &cpm) ||
	    config_int("CONCERTO_FLAGS_PER_MINUTE", 10, 1, 1000, &fpm) ||
	    config_int("CONCERTO_ASSISTED_PER_MINUTE", 20, 1, 1000, &apm) ||
	    config_int("CONCERTO_EDIT_WINDOW", 900, 0, 86400, &edit) ||
	    config_int("CONCERTO_REDACTION_KEEP_DAYS", 365, 0, 36500, &keep) ||
	    config_int("CONCERTO_MAIL_KEEP_DAYS", 30, 0, 36500, &mkeep) ||
	    config_int("CONCERTO_HASHES_PER_NETWORK", 20, 1, 100000, &hpn))
		return -1;
	cfg->mail_keep_days = (int)mkeep;
	cfg->hashes_per_network = (int)hpn;
	cfg->throttle_key_file = config_str("CONCERTO_THROTTLE_KEY_FILE", NULL);
	cfg->throttle_key = NULL;
	cfg->secret_key_file = config_str("CONCERTO_SECRET_KEY_FILE", NULL);
	cfg->secret_key_old_file = config_str("CONCERTO_SECRET_KEY_OLD_FILE",
	    NULL);
	cfg->secretbox = NULL;
	cfg->flag_threshold = (int)flags;
	cfg->comments_per_minute = (int)cpm;
	cfg->flags_per_minute = (int)fpm;
	cfg->assisted_per_minute = (int)apm;
	cfg->edit_window_s = (int)edit;
	cfg->redaction_keep_days = (int)keep;
	cfg->weight_cap = (double)cap;
	cfg->geoip = config_str("CONCERTO_GEOIP", NULL);
	if (cfg->geoip != NULL && strcmp(cfg->geoip, "off") == 0)
		cfg->geoip = NULL;
	cfg->geoip_off = cfg->geoip == NULL &&
	    config_str("CONCERTO_GEOIP", NULL) != NULL;
	cfg->hash_slots = (int)slots;
	cfg->argon2_m = (int)am;
	cfg->argon2_t = (int)at;
	cfg->argon2_p = (int)ap;
	cfg->session_idle_s = (int)idle;
	cfg->session_max_s = (int)max;
	cfg->recent_auth_s = (int)recent;
	cfg->public_url = config_str("CONCERTO_PUBLIC_URL",
	    "http://127.0.0.1:8080");
	/* Its origin is the one state-changing requests must come from. */
	if (http_origin_parse(cfg->public_url, true, &origin) < 0) {
		fprintf(stderr, "concerto: CONCERTO_PUBLIC_URL must be an "
		    "http:// or https:// URL\n");
		return -1;
	}
	cfg->sendmail = config_str("CONCERTO_SENDMAIL", NULL);
	cfg->mail_from = config_str("CONCERTO_MAIL_FROM", NULL);
	if (cfg->mail_from != NULL &&
	    (why = mail_address_parse(cfg->mail_from, &from)) != NULL) {
		fprintf(stderr, "concerto: CONCERTO_MAIL_FROM %s\n", why);
		return -1;
	}
	cfg->workers = (int)workers;
	cfg->threads = (int)threads;
	cfg->max_body = (size_t)body;
	cfg->statement_timeout_ms = (int)timeout;
	cfg->shutdown_grace_s = (int)grace;
	return 0;
}

void
config_usage(FILE *f)
{
	size_t	 i;

	fputs("Environment:\n", f);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		fprintf(f, "  %-30s %s (default: %s)\n", vars[i].name,
		    vars[i].help, vars[i].def);
}
