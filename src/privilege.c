/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Workers' account (see privilege.h).
 */
#include <sys/prctl.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "concerto/config.h"
#include "concerto/privilege.h"

/* The group named by name, into *gid; -1 with the reason in err. */
static int
privilege_group(const char *name, gid_t *gid, char *err, size_t errlen)
{
	struct group	*gr;

	errno = 0;
	if ((gr = getgrnam(name)) == NULL) {
		snprintf(err, errlen, "CONCERTO_GROUP: no group named %s%s%s",
		    name, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
		return -1;
	}
	if (gr->gr_gid == 0) {
		snprintf(err, errlen, "CONCERTO_GROUP: %s is root's group; "
		    "workers never run as root", name);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

int
privilege_resolve(const struct config *cfg, struct privilege *p, char *err,
    size_t errlen)
{
	struct passwd	*pw;

	memset(p, 0, sizeof(*p));
	if (geteuid() != 0) {
		if (cfg->user == NULL)
			return 0;
		if ((pw = getpwnam(cfg->user)) != NULL &&
		    pw->pw_uid == geteuid())
			return 0;
		snprintf(err, errlen, "CONCERTO_USER is %s, but serve runs as "
		    "uid %ld and cannot become another account: start it as "
		    "%s, or as root", cfg->user, (long)geteuid(), cfg->user);
		return -1;
	}
	if (cfg->user == NULL) {
		snprintf(err, errlen, "serve runs as root: set CONCERTO_USER "
		    "to the account its workers run as (for example "
		    "concerto); workers never run as root");
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		snprintf(err, errlen, "CONCERTO_USER: no account named %s%s%s",
		    cfg->user, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "CONCERTO_USER: %s is root; workers "
		    "never run as root", cfg->user);
		return -1;
	}
	p->drop = true;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	if (cfg->group != NULL)
		return privilege_group(cfg->group, &p->gid, err, errlen);
	if (p->gid == 0) {
		snprintf(err, errlen, "CONCERTO_USER: %s's group is root's; "
		    "set CONCERTO_GROUP", cfg->user);
		return -1;
	}
	return 0;
}

int
privilege_drop(const struct privilege *p, char *err, size_t errlen)
{
	int	 deathsig = 0;

	if (p->drop) {
		/* A change of credentials clears it: it is set again after. */
		if (prctl(PR_GET_PDEATHSIG, &deathsig) < 0)
			deathsig = 0;
		if (setgroups(0, NULL) < 0 || setgid(p->gid) < 0 ||
		    setuid(p->uid) < 0) {
			snprintf(err, errlen, "cannot switch to uid %ld gid "
			    "%ld: %s", (long)p->uid, (long)p->gid,
			    strerror(errno));
			return -1;
		}
		if (setuid(0) == 0 || seteuid(0) == 0) {
			snprintf(err, errlen, "root could be regained after "
			    "switching to uid %ld", (long)p->uid);
			return -1;
		}
		if (deathsig != 0 && prctl(PR_SET_PDEATHSIG, deathsig) < 0) {
			snprintf(err, errlen, "cannot set the parent-death "
			    "signal again: %s", strerror(errno));
			return -1;
		}
	}
	if (getuid() == 0 || geteuid() == 0 || getgid() == 0 ||
	    getegid() == 0) {
		snprintf(err, errlen, "a worker never runs as root or in "
		    "root's group");
		return -1;
	}
	return 0;
}
