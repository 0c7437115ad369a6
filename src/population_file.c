/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading a file of reference populations (see population_file.h): each
 * row checked alone as it is read, then each scheme's vintage checked
 * whole; every reason is reported, not only the first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/csv_read.h"
#include "concerto/population_file.h"
#include "concerto/stratum.h"
#include "concerto/utf8.h"

#define POPULATION_MAX		10000000000LL
#define POPULATION_ERRORS_SHOWN	20

enum population_col { COL_SCHEME, COL_CODE, COL_NAME, COL_POPULATION,
	COL_VINTAGE, COL_SOURCE, COL_COUNT };

static const char *const population_cols[COL_COUNT] = { "scheme", "code",
	"name", "population", "vintage", "source" };

struct population_check {
	const char	*path;
	FILE		*errf;
	int		 errors;
	int		 col[COL_COUNT];	/* field index of each column */
	size_t		 nfields;
};

static void
population_error(struct population_check *pc, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
population_error(struct population_check *pc, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (pc->errors++ >= POPULATION_ERRORS_SHOWN)
		return;
	if (line > 0)
		fprintf(pc->errf, "%s:%d: ", pc->path, line);
	else
		fprintf(pc->errf, "%s: ", pc->path);
	va_start(ap, fmt);
	vfprintf(pc->errf, fmt, ap);
	va_end(ap);
	fputc('\n', pc->errf);
}

/* Maps the header's fields to the columns; false if it is not the header. */
static bool
population_header(struct population_check *pc, const struct csv_record *rec)
{
	size_t	 i;
	int	 c;
	bool	 ok = true;

	for (c = 0; c < COL_COUNT; c++)
		pc->col[c] = -1;
	for (i = 0; i < rec->n; i++) {
		for (c = 0; c < COL_COUNT; c++)
			if (strcmp(rec->field[i], population_cols[c]) == 0)
				break;
		if (c == COL_COUNT) {
			population_error(pc, rec->line, "unknown column \"%s\" "
			    "(the columns: scheme, code, name, population, "
			    "vintage, source)", rec->field[i]);
			ok = false;
		} else if (pc->col[c] >= 0) {
			population_error(pc, rec->line, "column %s twice",
			    population_cols[c]);
			ok = false;
		} else
			pc->col[c] = (int)i;
	}
	for (c = 0; c < COL_COUNT; c++)
		if (pc->col[c] < 0) {
			population_error(pc, rec->line, "no column %s in the "
			    "header", population_cols[c]);
			ok = false;
		}
	pc->nfields = rec->n;
	return ok;
}

static bool
population_code_known(const char *scheme, const char *code)
{
	const char	*c;
	size_t		 i;

	for (i = 0; (c = stratum_scheme_code(scheme, i)) != NULL; i++)
		if (strcmp(c, code) == 0)
			return true;
	return false;
}

/* The population in s, or -1 if it is not a whole number in range. */
static long long
population_number(const char *s)
{
	char		*end;
	long long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > POPULATION_MAX)
		return -1;
	return v;
}

/* Copies field c of rec into dst (of size n); false, said, if unfit. */
static bool
population_text(struct population_check *pc, const struct csv_record *rec,
    enum population_col c, char *dst, size_t n)
{
	const char	*s = rec->field[pc->col[c]];
	size_t		 len = strlen(s);

	if (len == 0) {
		population_error(pc, rec->line, "the %s is empty",
		    population_cols[c]);
		return false;
	}
	if (len >= n) {
		population_error(pc, rec->line, "the %s is longer than %zu "
		    "bytes", population_cols[c], n - 1);
		return false;
	}
	if (!utf8_valid(s, len) || utf8_has_control(s, len, false)) {
		population_error(pc, rec->line, "the %s is not UTF-8 text on "
		    "one line", population_cols[c]);
		return false;
	}
	memcpy(dst, s, len + 1);
	return true;
}

/* Checks one row alone into row; false, said, if anything is wrong. */
static bool
population_row_read(struct population_check *pc, const struct csv_record *rec,
    struct population_row *row)
{
	bool	 ok = true;

	if (rec->n != pc->nfields) {
		population_error(pc, rec->line, "%zu fields where the header "
		    "has %zu", rec->n, pc->nfields);
		return false;
	}
	row->line = rec->line;
	ok &= population_text(pc, rec, COL_SCHEME, row->scheme,
	    sizeof(row->scheme));
	ok &= population_text(pc, rec, COL_CODE, row->code, sizeof(row->code));
	ok &= population_text(pc, rec, COL_NAME, row->name, sizeof(row->name));
	ok &= population_text(pc, rec, COL_VINTAGE, row->vintage,
	    sizeof(row->vintage));
	ok &= population_text(pc, rec, COL_SOURCE, row->source,
	    sizeof(row->source));
	if ((row->population = population_number(
	    rec->field[pc->col[COL_POPULATION]])) < 0) {
		population_error(pc, rec->line, "population \"%s\" is not a "
		    "whole number from 1 to 10000000000",
		    rec->field[pc->col[COL_POPULATION]]);
		ok = false;
	}
	if (!ok)
		return false;
	if (stratum_scheme_code(row->scheme, 0) == NULL) {
		population_error(pc, rec->line, "unknown scheme \"%s\" (the "
		    "schemes: idf-departements, fr-regions)", row->scheme);
		return false;
	}
	if (!population_code_known(row->scheme, row->code)) {
		population_error(pc, rec->line, "\"%s\" is not a stratum of "
		    "%s", row->code, row->scheme);
		return false;
	}
	return true;
}

/*
 * Checks the rows of pf whole: per scheme, one vintage, each stratum once.
 */
static void
population_cover(struct population_check *pc, const struct population_file *pf)
{
	const struct population_row	*first, *r;
	const char			*code;
	size_t				 i, j, k, seen;

	for (i = 0; i < pf->n; i++) {
		first = &pf->row[i];
		for (j = 0; j < i; j++)
			if (strcmp(pf->row[j].scheme, first->scheme) == 0)
				break;
		if (j < i) {
			r = &pf->row[j];
			if (strcmp(r->vintage, first->vintage) != 0)
				population_error(pc, first->line, "a second "
				    "vintage of %s (line %d has \"%s\"): load "
				    "one vintage of a scheme at a time",
				    first->scheme, r->line, r->vintage);
			else
				for (k = 0; k < i; k++)
					if (strcmp(pf->row[k].scheme,
					    first->scheme) == 0 &&
					    strcmp(pf->row[k].code,
					    first->code) == 0) {
						population_error(pc,
						    first->line, "%s %s again "
						    "(first on line %d)",
						    first->scheme, first->code,
						    pf->row[k].line);
						break;
					}
			continue;
		}
		for (k = 0; (code = stratum_scheme_code(first->scheme, k)) !=
		    NULL; k++) {
			for (seen = 0, j = i; j < pf->n; j++)
				if (strcmp(pf->row[j].scheme,
				    first->scheme) == 0 &&
				    strcmp(pf->row[j].code, code) == 0)
					seen++;
			if (seen == 0)
				population_error(pc, 0, "%s, vintage \"%s\": no "
				    "population for %s (every stratum of the "
				    "scheme needs one)", first->scheme,
				    first->vintage, code);
		}
	}
}

int
population_file_read(const char *path, struct population_file *pf,
    FILE *errf)
{
	struct population_check	 pc = { path, errf, 0, { 0 }, 0 };
	struct csv_reader	 r;
	struct csv_record	*rec = NULL;
	struct population_row	*grown;
	enum csv_status		 st;
	FILE			*fp = NULL;
	char			 err[128];
	bool			 header = false;
	size_t			 cap = 0;

	pf->n = 0;
	pf->row = NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(errf, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((rec = malloc(sizeof(*rec))) == NULL) {
		fprintf(errf, "%s: out of memory\n", path);
		goto out;
	}
	csv_reader_init(&r, fp);
	while ((st = csv_read(&r, rec, err, sizeof(err))) == CSV_RECORD) {
		if (!header) {
			header = true;
			if (!population_header(&pc, rec))
				break;
			continue;
		}
		if (pf->n == POPULATION_FILE_ROWS_MAX) {
			population_error(&pc, rec->line, "more than %d rows",
			    POPULATION_FILE_ROWS_MAX);
			break;
		}
		if (pf->n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((grown = reallocarray(pf->row, cap,
			    sizeof(*grown))) == NULL) {
				population_error(&pc, rec->line, "out of "
				    "memory");
				break;
			}
			pf->row = grown;
		}
		if (population_row_read(&pc, rec, &pf->row[pf->n]))
			pf->n++;
	}
	if (st == CSV_ERROR)
		population_error(&pc, rec->line, "%s", err);
	else if (!header)
		population_error(&pc, 0, "the file is empty (a header, then "
		    "one row per stratum)");
	else if (pc.errors == 0 && pf->n == 0)
		population_error(&pc, 0, "no population after the header");
	if (pc.errors == 0)
		population_cover(&pc, pf);
	if (pc.errors > POPULATION_ERRORS_SHOWN)
		fprintf(errf, "%s: %d more problems\n", path,
		    pc.errors - POPULATION_ERRORS_SHOWN);
out:
	free(rec);
	fclose(fp);
	if (pc.errors == 0 && rec != NULL)
		return 0;
	population_file_free(pf);
	return -1;
}

void
population_file_free(struct population_file *pf)
{
	free(pf->row);
	pf->row = NULL;
	pf->n = 0;
}
