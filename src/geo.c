/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * GeoIP lookups on libmaxminddb (see geo.h).  The database is opened
 * memory-mapped and never written after MMDB_open, which is what makes a
 * shared handle safe from many threads.  Addresses are parsed strictly
 * with inet_pton (no names, no "127.1" shorthand, no zone suffix) and
 * looked up by sockaddr, so no resolver is ever involved.  Only the ISO
 * codes of country.iso_code, subdivisions.0.iso_code and
 * subdivisions.1.iso_code are read; nothing here logs.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "concerto/geo.h"
#include "concerto/mem.h"

struct geo {
	MMDB_s	 mmdb;
};

/* Socket address storage without aliasing casts. */
union geo_sockaddr {
	struct sockaddr		 sa;
	struct sockaddr_in	 in;
	struct sockaddr_in6	 in6;
};

/* The overseas départements that GeoIP2 files as countries. */
static const struct {
	const char	*country;
	const char	*code;		/* region and département */
} geo_overseas[] = {
	{ "GP", "971" },		/* Guadeloupe */
	{ "MQ", "972" },		/* Martinique */
	{ "GF", "973" },		/* Guyane */
	{ "RE", "974" },		/* La Réunion */
	{ "YT", "976" },		/* Mayotte */
};

static const char *const geo_path_country[] =
    { "country", "iso_code", NULL };
static const char *const geo_path_region[] =
    { "subdivisions", "0", "iso_code", NULL };
static const char *const geo_path_departement[] =
    { "subdivisions", "1", "iso_code", NULL };

int
geo_open(const char *path, struct geo **out, char *err, size_t errlen)
{
	struct geo	*g;
	int		 rc, saved;

	*out = NULL;
	g = xcalloc(1, sizeof(*g));
	errno = 0;
	rc = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb);
	saved = errno;
	if (rc != MMDB_SUCCESS) {
		if ((rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR) &&
		    saved != 0)
			snprintf(err, errlen, "GeoIP database %s: %s: %s",
			    path, MMDB_strerror(rc), strerror(saved));
		else
			snprintf(err, errlen, "GeoIP database %s: %s",
			    path, MMDB_strerror(rc));
		free(g);
		return -1;
	}
	*out = g;
	return 0;
}

void
geo_close(struct geo *g)
{
	if (g == NULL)
		return;
	MMDB_close(&g->mmdb);
	free(g);
}

/* Fills *sa from numeric IPv4 or IPv6 text; -1 if addr is neither. */
static int
geo_parse(const char *addr, union geo_sockaddr *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, addr, &sa->in.sin_addr) == 1) {
		sa->in.sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &sa->in6.sin6_addr) == 1) {
		sa->in6.sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

/* Whether the len bytes at s are 1 to size - 1 letters A-Z or digits. */
static bool
geo_code_ok(const char *s, size_t len, size_t size)
{
	size_t	 i;

	if (len == 0 || len >= size)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/*
 * Copies the code at path in entry into dst (size bytes), which the caller
 * has cleared; a missing key or an ill-formed code leaves it "".  Returns
 * -1 only when the database itself cannot be read.
 */
static int
geo_code(MMDB_entry_s *entry, const char *const *path, char *dst,
    size_t size)
{
	MMDB_entry_data_s	 data;
	int			 rc;

	rc = MMDB_aget_value(entry, &data, path);
	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	    rc == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS)
		return -1;
	if (data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING &&
	    geo_code_ok(data.utf8_string, data.data_size, size))
		memcpy(dst, data.utf8_string, data.data_size);
	return 0;
}

/* Files an overseas country as France, its département and region. */
static void
geo_map_overseas(struct geo_place *p)
{
	size_t	 i;

	for (i = 0; i < sizeof(geo_overseas) / sizeof(geo_overseas[0]); i++) {
		if (strcmp(p->country, geo_overseas[i].country) != 0)
			continue;
		snprintf(p->country, sizeof(p->country), "FR");
		snprintf(p->region, sizeof(p->region), "%s",
		    geo_overseas[i].code);
		snprintf(p->departement, sizeof(p->departement), "%s",
		    geo_overseas[i].code);
		return;
	}
}

/* Reads the three codes of a found record into out; -1 on a read error. */
static int
geo_place_read(MMDB_entry_s *entry, struct geo_place *out)
{
	if (geo_code(entry, geo_path_country, out->country,
	    sizeof(out->country)) == -1 ||
	    geo_code(entry, geo_path_region, out->region,
	    sizeof(out->region)) == -1 ||
	    geo_code(entry, geo_path_departement, out->departement,
	    sizeof(out->departement)) == -1)
		return -1;
	out->found = true;
	geo_map_overseas(out);
	return 0;
}

int
geo_lookup(const struct geo *g, const char *addr, struct geo_place *out)
{
	union geo_sockaddr	 sa;
	MMDB_lookup_result_s	 res;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (addr == NULL || geo_parse(addr, &sa) == -1)
		return -1;
	res = MMDB_lookup_sockaddr(&g->mmdb, &sa.sa, &rc);
	if (rc == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS)
		return -1;
	if (!res.found_entry)
		return 0;
	if (geo_place_read(&res.entry, out) == -1) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}
