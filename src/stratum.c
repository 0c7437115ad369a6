/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Strata (see stratum.h).  The territories are the schemes' own: the eight
 * départements of Île-de-France, and France's regions with census
 * figures (Mayotte has none in the reference vintage, so it is outside).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/geo.h"
#include "concerto/stratum.h"

const char *const stratum_schemes[] = { "none", "idf-departements",
	"fr-regions", NULL };

static const char *const idf_departements[] = { "75", "77", "78", "91",
	"92", "93", "94", "95", NULL };

/* Metropolitan départements by region, then the overseas regions. */
static const struct {
	const char	*region;
	const char	*departements;	/* space-separated */
} regions[] = {
	{ "ARA", "01 03 07 15 26 38 42 43 63 69 73 74" },
	{ "BFC", "21 25 39 58 70 71 89 90" },
	{ "BRE", "22 29 35 56" },
	{ "CVL", "18 28 36 37 41 45" },
	{ "20R", "2A 2B" },
	{ "GES", "08 10 51 52 54 55 57 67 68 88" },
	{ "HDF", "02 59 60 62 80" },
	{ "IDF", "75 77 78 91 92 93 94 95" },
	{ "NOR", "14 27 50 61 76" },
	{ "NAQ", "16 17 19 23 24 33 40 47 64 79 86 87" },
	{ "OCC", "09 11 12 30 31 32 34 46 48 65 66 81 82" },
	{ "PDL", "44 49 53 72 85" },
	{ "PAC", "04 05 06 13 83 84" },
	{ "971", "971" },
	{ "972", "972" },
	{ "973", "973" },
	{ "974", "974" },
};

#define NREGIONS	(sizeof(regions) / sizeof(regions[0]))

static bool
digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == '\0';
}

bool
stratum_departement(const char *pc, char out[4])
{
	if (pc == NULL || strlen(pc) != 5 || !digits(pc, 5))
		return false;
	if (pc[0] == '9' && (pc[1] == '7' || pc[1] == '8'))
		snprintf(out, 4, "%.3s", pc);
	else if (pc[0] == '2' && pc[1] == '0')
		snprintf(out, 4, "%s", pc[2] < '2' ? "2A" : "2B");
	else if (pc[0] == '0' && pc[1] == '0')
		return false;
	else
		snprintf(out, 4, "%.2s", pc);
	return strcmp(out, "96") != 0 && strcmp(out, "99") != 0;
}

/* True if word is one of the space-separated words of list. */
static bool
in_list(const char *list, const char *word)
{
	size_t	 n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

const char *
stratum_region(const char *dep)
{
	size_t	 i;

	for (i = 0; dep != NULL && dep[0] != '\0' && i < NREGIONS; i++)
		if (in_list(regions[i].departements, dep))
			return regions[i].region;
	return NULL;
}

const char *
stratum_region_departements(const char *region)
{
	size_t	 i;

	for (i = 0; region != NULL && i < NREGIONS; i++)
		if (strcmp(region, regions[i].region) == 0)
			return regions[i].departements;
	return NULL;
}

/* A known region code of the fr-regions scheme, or NULL. */
static const char *
stratum_known_region(const char *code)
{
	size_t	 i;

	for (i = 0; code != NULL && i < NREGIONS; i++)
		if (strcmp(code, regions[i].region) == 0)
			return regions[i].region;
	return NULL;
}

/* The code of a place in France (département, region) for scheme. */
static const char *
stratum_code(const char *scheme, const char *dep, const char *region)
{
	const char	*r;
	size_t		 i;

	if (strcmp(scheme, "idf-departements") == 0) {
		for (i = 0; dep != NULL && idf_departements[i] != NULL; i++)
			if (strcmp(dep, idf_departements[i]) == 0)
				return idf_departements[i];
		return STRATUM_OUTSIDE;
	}
	if ((r = stratum_known_region(region)) == NULL)
		r = stratum_region(dep);
	return r != NULL ? r : STRATUM_OUTSIDE;
}

/* The code GeoIP gives for scheme, or NULL if GeoIP has no answer. */
static const char *
stratum_geo(const char *scheme, const struct geo_place *g)
{
	if (g == NULL || !g->found)
		return NULL;
	if (strcmp(g->country, "FR") != 0)
		return STRATUM_OUTSIDE;
	return stratum_code(scheme, g->departement, g->region);
}

void
stratum_resolve(const char *scheme, const char *postcode,
    const struct geo_place *geo, struct stratum *out)
{
	const char	*declared = NULL, *seen;
	char		 dep[4];

	out->source = STRATUM_NONE;
	out->geoip_agrees = -1;
	snprintf(out->code, sizeof(out->code), "%s", STRATUM_UNKNOWN);
	if (strcmp(scheme, "idf-departements") != 0 &&
	    strcmp(scheme, "fr-regions") != 0)
		return;
	if (stratum_departement(postcode, dep))
		declared = stratum_code(scheme, dep, NULL);
	seen = stratum_geo(scheme, geo);
	if (declared != NULL) {
		snprintf(out->code, sizeof(out->code), "%s", declared);
		out->source = STRATUM_DECLARED;
		if (seen != NULL)
			out->geoip_agrees = strcmp(seen, declared) == 0;
	} else if (seen != NULL) {
		snprintf(out->code, sizeof(out->code), "%s", seen);
		out->source = STRATUM_GEOIP;
	}
}

const char *
stratum_scheme_code(const char *scheme, size_t i)
{
	if (strcmp(scheme, "idf-departements") == 0)
		return i < sizeof(idf_departements) /
		    sizeof(idf_departements[0]) - 1 ? idf_departements[i] :
		    NULL;
	if (strcmp(scheme, "fr-regions") == 0)
		return i < NREGIONS ? regions[i].region : NULL;
	return NULL;
}

const char *
stratum_source_name(enum stratum_source s)
{
	switch (s) {
	case STRATUM_DECLARED:
		return "declared";
	case STRATUM_GEOIP:
		return "geoip";
	default:
		return "unknown";
	}
}

void
stratum_json(const char *postcode, const struct geo_place *geo,
    struct buf *out)
{
	struct stratum	 s;
	json_t		*all = json_object();
	char		*text;
	size_t		 i;

	for (i = 0; stratum_schemes[i] != NULL; i++) {
		stratum_resolve(stratum_schemes[i], postcode, geo, &s);
		json_object_set_new(all, stratum_schemes[i], json_pack(
		    "{s:s,s:s,s:o}", "stratum", s.code,
		    "source", stratum_source_name(s.source),
		    "agrees", s.geoip_agrees < 0 ? json_null() :
		    json_boolean(s.geoip_agrees)));
	}
	if ((text = json_dumps(all, JSON_COMPACT)) != NULL)
		buf_append(out, text, strlen(text));
	free(text);
	json_decref(all);
}
