/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Password policy and hashing (see password.h).
 */
#include <errno.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <argon2.h>

#include "concerto/config.h"
#include "concerto/hashpool.h"
#include "concerto/password.h"
#include "concerto/shared.h"
#include "concerto/token.h"
#include "concerto/utf8.h"

/*
 * The most common passwords of 12 characters or more in public breach
 * corpora (English and French), lower-cased; the policy compares without
 * regard to case.
 */
static const char *const common[] = {
	"123456789012", "1234567890123", "12345678901234", "123456789123",
	"1q2w3e4r5t6y", "1qaz2wsx3edc", "aaaaaaaaaaaa", "abcdefghijkl",
	"abc123456789", "azertyuiop12", "azertyuiopqs", "azerty123456",
	"bonjour12345", "changeme1234", "doudou123456", "iloveyou1234",
	"jetaime12345", "letmein12345", "motdepasse12", "motdepasse123",
	"motdepasse1234", "password1234", "password12345", "password123456",
	"passwordpassword", "qazwsxedcrfv", "qwerty123456", "qwertyuiop12",
	"qwertyuiopas", "soleil123456", "welcome12345", "111111111111",
	"000000000000", "123123123123", "azertyazerty", "qwertyqwerty",
	"cancer123456", "concerto1234", "1234567890ab", "administrator",
	"0123456789ab", "0987654321ab", "football1234", "superman1234",
	"trustno11234", "sunshine1234", "princess1234", "marseille1234",
	"liverpool123", "chocolat1234", "loveyou12345", "nicolas12345",
};

const char *
password_policy(const char *pw, const char *email, const char *pseudonym)
{
	size_t	 len = strlen(pw), i;
	char	 local[256];
	const char *at;

	if (len > 1024)
		return "too_long";
	if (utf8_length(pw, len) < 12)
		return "too_short";
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcasecmp(pw, common[i]) == 0)
			return "too_common";
	if (email != NULL && (at = strchr(email, '@')) != NULL &&
	    at - email >= 4) {
		snprintf(local, sizeof(local), "%.*s", (int)(at - email), email);
		if (strcasestr(pw, local) != NULL &&
		    utf8_length(pw, len) < strlen(local) + 6)
			return "contains_identity";
	}
	if (pseudonym != NULL && strlen(pseudonym) >= 4 &&
	    strcasecmp(pw, pseudonym) == 0)
		return "contains_identity";
	return NULL;
}

/*
 * A hash or a verification, whole: it crosses to a hasher process
 * (hashpool.h), so it holds values, no pointer.  Wiped once done.
 */
struct hash_job {
	uint32_t	 t, m, p;			/* hash */
	unsigned char	 salt[16];			/* hash */
	char		 pw[PASSWORD_BYTES_MAX + 1];
	char		 encoded[PASSWORD_ENCODED_MAX];	/* verify: in; hash: out */
	int		 rc;
};
_Static_assert(sizeof(struct hash_job) <= HASHPOOL_JOB_MAX,
    "a hash job fits in a hasher's message");

static void
password_hash_job(void *arg)
{
	struct hash_job	*j = arg;

	j->rc = argon2id_hash_encoded(j->t, j->m, j->p, j->pw, strlen(j->pw),
	    j->salt, sizeof(j->salt), 32, j->encoded, sizeof(j->encoded));
}

static void
password_verify_job(void *arg)
{
	struct hash_job	*j = arg;

	j->rc = argon2id_verify(j->encoded, j->pw, strlen(j->pw));
}

int
password_hash(const struct config *cfg, struct hashpool *pool,
    const char *pw, char out[PASSWORD_ENCODED_MAX])
{
	struct hash_job	 j = { .t = (uint32_t)cfg->argon2_t,
			    .m = (uint32_t)cfg->argon2_m,
			    .p = (uint32_t)cfg->argon2_p, .rc = -1 };
	int		 rc = -1;

	if (strlen(pw) > PASSWORD_BYTES_MAX ||
	    token_random(j.salt, sizeof(j.salt)) < 0)
		goto out;
	memcpy(j.pw, pw, strlen(pw) + 1);
	hashpool_run(pool, password_hash_job, &j, sizeof(j));
	if (j.rc != ARGON2_OK || memchr(j.encoded, '\0',
	    sizeof(j.encoded)) == NULL)
		goto out;
	memcpy(out, j.encoded, PASSWORD_ENCODED_MAX);
	rc = 0;
out:
	explicit_bzero(&j, sizeof(j));
	return rc;
}

bool
password_verify(struct hashpool *pool, const char *encoded, const char *pw)
{
	struct hash_job	 j = { .rc = -1 };
	bool		 ok;

	if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0 ||
	    strlen(encoded) >= sizeof(j.encoded) ||
	    strlen(pw) > PASSWORD_BYTES_MAX)
		return false;
	memcpy(j.encoded, encoded, strlen(encoded) + 1);
	memcpy(j.pw, pw, strlen(pw) + 1);
	hashpool_run(pool, password_verify_job, &j, sizeof(j));
	ok = j.rc == ARGON2_OK;
	explicit_bzero(&j, sizeof(j));
	return ok;
}

bool
password_needs_rehash(const struct config *cfg, const char *encoded)
{
	char	 want[64];

	snprintf(want, sizeof(want), "$argon2id$v=%d$m=%d,t=%d,p=%d$",
	    ARGON2_VERSION_NUMBER, cfg->argon2_m, cfg->argon2_t,
	    cfg->argon2_p);
	return strncmp(encoded, want, strlen(want)) != 0;
}

int
password_slot_acquire(struct shared *sh, int wait_ms)
{
	struct timespec	 until;

	if (sh == NULL || sem_trywait(&sh->hash_slots) == 0)
		return 0;
	counters_hash_waited(&sh->counters);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (sem_timedwait(&sh->hash_slots, &until) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

void
password_slot_release(struct shared *sh)
{
	if (sh != NULL)
		sem_post(&sh->hash_slots);
}
