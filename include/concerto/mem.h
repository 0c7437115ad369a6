/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Allocation policy: every allocation either succeeds or aborts the process.
 * A worker that runs out of memory dies and the master restarts it, which is
 * simpler and safer than threading ENOMEM through every caller (as Redis and
 * Kore do).  Memory returned by these functions is owned by the caller.
 */
#ifndef CONCERTO_MEM_H
#define CONCERTO_MEM_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
