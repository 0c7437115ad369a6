/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Aborting allocators (see mem.h for the policy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/mem.h"

static void
mem_fail(void)
{
	fputs("{\"level\":\"error\",\"msg\":\"out of memory\"}\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		mem_fail();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		mem_fail();
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void	*p = realloc(old, n ? n : 1);

	if (p == NULL)
		mem_fail();
	return p;
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	void	*p = reallocarray(old, nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		mem_fail();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
