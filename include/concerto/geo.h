/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * GeoIP: where a client address is, from a MaxMind DB in the GeoIP2 City
 * layout (libmaxminddb).  A worker opens the database once; the handle is
 * memory-mapped and read-only, so its threads share it without locks.
 * Only ISO codes come out, never the address: this module logs nothing.
 */
#ifndef CONCERTO_GEO_H
#define CONCERTO_GEO_H

#include <stdbool.h>
#include <stddef.h>

struct geo;

/*
 * What the database says of an address.  Codes are NUL-terminated, "" when
 * absent: country is ISO 3166-1 ("FR"), region the first subdivision
 * ("IDF"), departement the second ("93").  The overseas départements,
 * which GeoIP2 files as countries (GP, MQ, GF, RE, YT), come out as
 * country "FR" with region and departement both "971", "972", "973", "974"
 * or "976".  found is false, and every code "", for an address the
 * database does not hold.
 */
struct geo_place {
	char	 country[4];
	char	 region[8];
	char	 departement[8];
	bool	 found;
};

/*
 * Opens the database at path, memory-mapped, into *out (which the caller
 * frees with geo_close).  Returns 0, or -1 with *out NULL and a message
 * naming path and the cause in err (errlen bytes, truncated if need be).
 */
int	 geo_open(const char *path, struct geo **out, char *err,
	    size_t errlen);

/* Unmaps and frees g; NULL is harmless. */
void	 geo_close(struct geo *g);

/*
 * Looks up addr, IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1") in numeric
 * text form, into *out.  Returns 0 when the lookup was made, whether found
 * or not (an IPv6 address in an IPv4-only database is not found); -1, with
 * *out cleared, for an address that is not one (NULL, a name, "127.1",
 * a zone suffix) or a database error.  A key missing from the record, or
 * a code of an unexpected type, length or alphabet, is left "".
 * Safe from many threads on one g.
 */
int	 geo_lookup(const struct geo *g, const char *addr,
	    struct geo_place *out);

#endif
