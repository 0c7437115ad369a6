/*
 * The host-wide shared region (see shared.h).
 */
#include <sys/mman.h>

#include <string.h>

#include "concerto/shared.h"

struct shared *
shared_create(void)
{
	void	*p;

	p = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, sizeof(struct shared));
	return p;
}

void
shared_destroy(struct shared *s)
{
	if (s != NULL)
		munmap(s, sizeof(*s));
}
