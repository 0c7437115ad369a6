/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Progress bars (see progress.h): redrawn in place with a carriage return,
 * only when the width of the bar changes.
 */
#include <stdio.h>
#include <unistd.h>

#include "concerto/progress.h"

#define PROGRESS_WIDTH	40

static void
progress_draw(struct progress *p)
{
	int	 w, i;

	w = p->total == 0 ? PROGRESS_WIDTH :
	    (int)(p->done * PROGRESS_WIDTH / p->total);
	if (!p->tty || w == p->shown)
		return;
	p->shown = w;
	fprintf(stderr, "\r%s [", p->label);
	for (i = 0; i < PROGRESS_WIDTH; i++)
		fputc(i < w ? '#' : '.', stderr);
	fprintf(stderr, "] %zu/%zu", p->done, p->total);
	fflush(stderr);
}

void
progress_start(struct progress *p, const char *label, size_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->shown = -1;
	p->tty = isatty(STDERR_FILENO) == 1;
	progress_draw(p);
}

void
progress_step(struct progress *p)
{
	if (p->done < p->total)
		p->done++;
	progress_draw(p);
}

void
progress_hide(struct progress *p)
{
	if (!p->tty || p->shown < 0)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = -1;
}

void
progress_end(struct progress *p)
{
	p->done = p->total;
	progress_draw(p);
	if (p->tty)
		fputc('\n', stderr);
}
