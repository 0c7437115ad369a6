/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Strata: where a participant counts for a consultation's weighting
 * scheme, fixed at their first contribution.  A declared postcode wins;
 * else the GeoIP place of the request; else "unknown".  A place outside the
 * scheme's territory is "outside".  Only the code is kept, never an address.
 */
#ifndef CONCERTO_STRATUM_H
#define CONCERTO_STRATUM_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct geo_place;

#define STRATUM_UNKNOWN	"unknown"
#define STRATUM_OUTSIDE	"outside"

enum stratum_source { STRATUM_DECLARED, STRATUM_GEOIP, STRATUM_NONE };

struct stratum {
	char			 code[16];	/* "93", "IDF", "outside", "unknown" */
	enum stratum_source	 source;
	int			 geoip_agrees;	/* 1, 0, or -1: not compared */
};

/*
 * The département of a French postcode into out: "75011" -> "75",
 * Corsica "20000"-"20199" -> "2A", "20200"-"20999" -> "2B", overseas
 * "97411" -> "974".  False if s is not a French postcode.
 */
bool		 stratum_departement(const char *postcode, char out[4]);

/* The ISO 3166-2:FR region ("IDF", "20R", "971"...) of a département, or NULL. */
const char	*stratum_region(const char *departement);

/*
 * The départements of region (an ISO 3166-2:FR code of stratum_region()),
 * space-separated ("22 29 35 56"), or NULL if it is not a region.
 */
const char	*stratum_region_departements(const char *region);

/*
 * The stratum for scheme ("none", "idf-departements", "fr-regions") of a
 * participant with the given postcode (NULL: none declared) seen at geo
 * (NULL or not found: no GeoIP answer).
 */
void		 stratum_resolve(const char *scheme, const char *postcode,
		    const struct geo_place *geo, struct stratum *out);

/* The weighting schemes, NULL-terminated: "none", then those with strata. */
extern const char *const stratum_schemes[];

/*
 * The participant's stratum in every scheme, appended to out as the JSON
 * object the SQL functions take: {scheme: {"stratum": code, "source":
 * "declared" | "geoip" | "unknown", "agrees": true | false | null}}.
 * postcode and geo as for stratum_resolve().
 */
void		 stratum_json(const char *postcode, const struct geo_place *geo,
		    struct buf *out);

/*
 * The i-th stratum code of scheme ("idf-departements": "75"... ;
 * "fr-regions": "ARA"...), NULL past the last or for a scheme without
 * strata.
 */
const char	*stratum_scheme_code(const char *scheme, size_t i);

/* "declared", "geoip" or "unknown". */
const char	*stratum_source_name(enum stratum_source);

#endif
