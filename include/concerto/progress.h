/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A progress bar on standard error for long command-line work, drawn only
 * when standard error is a terminal (never in logs or pipes).
 */
#ifndef CONCERTO_PROGRESS_H
#define CONCERTO_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
	const char	*label;
	size_t		 total;
	size_t		 done;
	int		 shown;		/* last width drawn, -1: none yet */
	bool		 tty;
};

void	 progress_start(struct progress *, const char *label, size_t total);
void	 progress_step(struct progress *);
/*
 * Erases the bar from its line, so that a message can be printed there;
 * the next step draws it again.
 */
void	 progress_hide(struct progress *);
void	 progress_end(struct progress *);

#endif
