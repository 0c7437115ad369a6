/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The host-wide shared region (see shared.h).
 */
#include <sys/mman.h>

#include <string.h>

#include "concerto/shared.h"

struct shared *
shared_create(int hash_slots)
{
	struct shared	*p;

	p = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, sizeof(struct shared));
	if (sem_init(&p->hash_slots, 1, (unsigned)hash_slots) < 0) {
		munmap(p, sizeof(struct shared));
		return NULL;
	}
	return p;
}

void
shared_destroy(struct shared *s)
{
	if (s == NULL)
		return;
	sem_destroy(&s->hash_slots);
	munmap(s, sizeof(*s));
}

int
shared_hash_slots_free(struct shared *s)
{
	int	 n;

	if (s == NULL || sem_getvalue(&s->hash_slots, &n) < 0)
		return -1;
	return n;
}
