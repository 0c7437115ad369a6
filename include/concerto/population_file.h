/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A file of reference populations, as `concerto geo population load`
 * takes it: CSV (csv_read.h) whose header names the columns scheme, code,
 * name, population, vintage and source, in any order, then one row per
 * stratum.  A file is taken whole or not at all: every scheme it names is
 * known, every code is a stratum of its scheme, every population a whole
 * number from 1 to 10^10, no field empty, one vintage per scheme, and
 * that vintage covers each of the scheme's strata exactly once.
 */
#ifndef CONCERTO_POPULATION_FILE_H
#define CONCERTO_POPULATION_FILE_H

#include <stdio.h>
#include <stddef.h>

#define POPULATION_FILE_ROWS_MAX	1000

struct population_row {
	int		 line;
	char		 scheme[32];
	char		 code[8];
	char		 name[128];
	char		 vintage[256];
	char		 source[256];
	long long	 population;
};

struct population_file {
	size_t			 n;
	struct population_row	*row;
};

/*
 * Reads and checks the file at path into pf.  Returns 0, or -1 with the
 * reasons on errf as "path:line: reason" (the first 20, then how many
 * more) and pf empty.  pf is freed with population_file_free() either way.
 */
int	 population_file_read(const char *path, struct population_file *pf,
	    FILE *errf);
void	 population_file_free(struct population_file *);

#endif
