/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The generator's people (see generate_parts.h): where they live, their
 * accounts, and their cell in each consultation they took part in.
 *
 * Places follow the INSEE populations of the reference schemes (sql/004,
 * read from the database), skewed as participation is: 78% of participants
 * in Île-de-France (its départements by population, Paris 2.6 times and
 * the Hauts-de-Seine 1.3 times their share), 22% in the other regions by
 * population, each région's départements alike.  72% declare their
 * postcode; GeoIP sees most where they live, some elsewhere, some nowhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/generate_parts.h"
#include "concerto/geo.h"
#include "concerto/mem.h"
#include "concerto/profile.h"
#include "concerto/pseudonym.h"
#include "concerto/stratum.h"

#define GEN_IDF_SHARE	0.78

/* Shares of the profiles, in the order of enum profile. */
static const double profile_share[PROFILE__MAX] = {
	[PROFILE_PATIENT] = 0.28, [PROFILE_CARER] = 0.14,
	[PROFILE_CITIZEN] = 0.30, [PROFILE_HEALTH_PROFESSIONAL] = 0.14,
	[PROFILE_RESEARCHER] = 0.06, [PROFILE_OTHER] = 0.08,
};

static const char *const interests_texts[] = {
	"Consultante pour un laboratoire pharmaceutique",
	"Membre du conseil scientifique d'un fabricant de dispositifs",
	"Actions d'une entreprise du médicament",
};

/* The population of code in scheme's rows, 0 if none. */
static double
population(struct db_rows *rows, const char *code)
{
	size_t	 i;

	for (i = 0; i < db_nrows(rows); i++)
		if (strcmp(db_value(rows, i, STRATA_COL_CODE), code) == 0)
			return (double)db_int(rows, i, STRATA_COL_POPULATION);
	return 0;
}

static void
place_add(struct gen *g, const char *dep, const char *region, double w)
{
	struct gen_place *p;

	g->places = xreallocarray(g->places, g->nplaces + 1,
	    sizeof(*g->places));
	p = &g->places[g->nplaces++];
	snprintf(p->dep, sizeof(p->dep), "%s", dep);
	snprintf(p->region, sizeof(p->region), "%s", region);
	/* A postcode of the département: any gives its stratum. */
	snprintf(p->postcode, sizeof(p->postcode), "%s",
	    strcmp(dep, "2A") == 0 ? "20100" : strcmp(dep, "2B") == 0 ?
	    "20200" : "");
	if (p->postcode[0] == '\0')
		snprintf(p->postcode, sizeof(p->postcode), "%.3s%s", dep,
		    strlen(dep) == 3 ? "00" : "100");
	p->weight = w;
}

void
gen_places(struct gen *g)
{
	static const char *const idf[] = { "75", "77", "78", "91", "92", "93",
	    "94", "95" };
	static const char *const regions[] = { "ARA", "BFC", "BRE", "CVL",
	    "20R", "GES", "HDF", "NOR", "NAQ", "OCC", "PDL", "PAC", "971",
	    "972", "973", "974" };
	struct db_rows	*deps = NULL, *regs = NULL;
	double		 w[8], sum = 0, rsum = 0, pop;
	const char	*list, *p;
	char		 dep[4];
	size_t		 i, n;

	if ((g->rc = db_exec(g->db, STMT_SCHEME_STRATA,
	    DB_PARAMS("idf-departements"), &deps)) != DB_OK ||
	    (g->rc = db_exec(g->db, STMT_SCHEME_STRATA,
	    DB_PARAMS("fr-regions"), &regs)) != DB_OK)
		goto out;
	for (i = 0; i < 8; i++) {
		pop = population(deps, idf[i]);
		w[i] = (pop > 0 ? pop : 1) * (i == 0 ? 2.6 : i == 4 ? 1.3 : 1);
		sum += w[i];
	}
	for (i = 0; i < 8; i++)
		place_add(g, idf[i], "IDF", GEN_IDF_SHARE * w[i] / sum);
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		pop = population(regs, regions[i]);
		rsum += pop > 0 ? pop : 1;
	}
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		pop = population(regs, regions[i]);
		list = stratum_region_departements(regions[i]);
		for (n = 0, p = list; p != NULL && *p != '\0'; n++) {
			p += strcspn(p, " ");
			p += *p == ' ';
		}
		for (p = list; p != NULL && *p != '\0';) {
			size_t len = strcspn(p, " ");

			snprintf(dep, sizeof(dep), "%.*s", (int)len, p);
			place_add(g, dep, regions[i], (1 - GEN_IDF_SHARE) *
			    (pop > 0 ? pop : 1) / rsum / (double)n);
			p += len;
			p += *p == ' ';
		}
	}
out:
	db_rows_free(deps);
	db_rows_free(regs);
}

static size_t
place_draw(const struct gen *g, struct prng *p)
{
	double	 x = prng_unit(p), acc = 0;
	size_t	 i;

	for (i = 0; i + 1 < g->nplaces; i++) {
		acc += g->places[i].weight;
		if (x < acc)
			break;
	}
	return i;
}

/* A postcode of place (a real shape: Paris's arrondissements, Corsica). */
static void
postcode(struct buf *b, const char *dep, struct prng *p)
{
	if (strcmp(dep, "75") == 0) {
		buf_puts(b, "750");
		buf_putc(b, (char)('0' + (1 + prng_below(p, 20)) / 10));
		buf_putc(b, (char)('0' + (1 + prng_below(p, 20)) % 10));
	} else if (strcmp(dep, "2A") == 0 || strcmp(dep, "2B") == 0) {
		uint64_t v = dep[1] == 'A' ? prng_below(p, 200) :
		    200 + prng_below(p, 800);

		buf_puts(b, "20");
		buf_putc(b, (char)('0' + v / 100));
		buf_putc(b, (char)('0' + v / 10 % 10));
		buf_putc(b, (char)('0' + v % 10));
	} else if (strlen(dep) == 3) {
		uint64_t v = 1 + prng_below(p, 99);

		buf_puts(b, dep);
		buf_putc(b, (char)('0' + v / 10));
		buf_putc(b, (char)('0' + v % 10));
	} else {
		uint64_t v = 100 + prng_below(p, 900);

		buf_puts(b, dep);
		buf_putc(b, (char)('0' + v / 100));
		buf_putc(b, (char)('0' + v / 10 % 10));
		buf_putc(b, (char)('0' + v % 10));
	}
}

/*
 * The keys taken: a set of 64-bit hashes of pseudonym keys (open
 * addressing).  A hash shared by two keys only costs a redraw.
 */
struct keyset {
	uint64_t	*slot;
	size_t		 mask;
};

static uint64_t
key_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h == 0 ? 1 : h;
}

/* Adds key; false if it was there. */
static bool
keyset_add(struct keyset *k, const char *key)
{
	uint64_t	 h = key_hash(key);
	size_t		 i = (size_t)h & k->mask;

	while (k->slot[i] != 0) {
		if (k->slot[i] == h)
			return false;
		i = (i + 1) & k->mask;
	}
	k->slot[i] = h;
	return true;
}

/* The keys of the accounts already there (demo, staff, tests). */
static void
keyset_load(struct gen *g, struct keyset *k)
{
	struct db_rows	*rows = NULL;
	char		 key[PSEUDONYM_KEY_SIZE];
	size_t		 i, n = 1024;

	if ((g->rc = db_exec(g->db, STMT_GEN_PSEUDONYMS, NULL, 0, &rows)) !=
	    DB_OK)
		return;
	while (n < 2 * (g->naccounts + db_nrows(rows)))
		n *= 2;
	k->slot = xcalloc(n, sizeof(*k->slot));
	k->mask = n - 1;
	for (i = 0; i < db_nrows(rows); i++) {
		if (!db_isnull(rows, i, 1))
			keyset_add(k, db_value(rows, i, 1));
		else if (pseudonym_skeleton(db_value(rows, i, 0), key) == 0)
			keyset_add(k, key);
	}
	db_rows_free(rows);
}

void
gen_accounts(struct gen *g)
{
	struct keyset	 keys = { NULL, 0 };
	struct prng	 p;
	struct buf	 name, pc;
	char		 key[PSEUDONYM_KEY_SIZE];
	uint64_t	 i;
	unsigned	 attempt;
	int64_t		 created;

	if (g->rc != DB_OK)
		return;
	keyset_load(g, &keys);
	if (g->rc != DB_OK)
		return;
	buf_init(&name, 0);
	buf_init(&pc, 0);
	g->accounts = xcalloc(g->naccounts, sizeof(*g->accounts));
	gen_stream(g, &p, GEN_STREAM_ACCOUNTS, 0);
	gen_copy_begin(g, UTIL_COPY_ACCOUNTS);
	for (i = 0; i < g->naccounts && g->rc == DB_OK; i++) {
		struct gen_account *a = &g->accounts[i];
		bool health;

		a->profile = (uint8_t)prng_weighted(&p, profile_share,
		    PROFILE__MAX);
		a->home = (uint16_t)place_draw(g, &p);
		a->declared = prng_chance(&p, 0.72);
		if (a->declared)
			a->seen = prng_chance(&p, 0.80) ? a->home :
			    prng_chance(&p, 0.40) ? (uint16_t)place_draw(g, &p) :
			    GEN_NO_PLACE;
		else
			a->seen = prng_chance(&p, 0.85) ? a->home :
			    GEN_NO_PLACE;
		a->interests = prng_chance(&p, 0.04);
		for (attempt = 0;; attempt++) {
			gen_pseudonym(&p, attempt, &name);
			if (pseudonym_skeleton(buf_str(&name), key) == 0 &&
			    key[0] != '\0' && keyset_add(&keys, key))
				break;
		}
		buf_reset(&pc);
		if (a->declared)
			postcode(&pc, g->places[a->home].dep, &p);
		/* Older accounts first: up to three years back. */
		created = g->now - 3 * 365 * 86400 +
		    (int64_t)(i * (uint64_t)(3 * 365 * 86400 - 86400) /
		    g->naccounts);
		health = profile_is_health_data((enum profile)a->profile);

		gen_int(g, g->first_account + (int64_t)i);
		buf_puts(&g->row, "gen-");
		buf_putu(&g->row, i + 1);
		buf_puts(&g->row, GEN_DOMAIN "\t");
		gen_text(g, g->hash);
		gen_text(g, buf_str(&name));
		gen_text(g, key);
		gen_text(g, profile_name((enum profile)a->profile));
		gen_text(g, a->declared ? buf_str(&pc) : NULL);
		gen_bool(g, a->interests);
		gen_text(g, a->interests ? interests_texts[prng_below(&p,
		    sizeof(interests_texts) / sizeof(interests_texts[0]))] :
		    NULL);
		gen_text(g, prng_chance(&p, 0.08) ? "en" : "fr");
		gen_text(g, "2026-11");
		gen_time(g, created);
		gen_text(g, health ? "2026-11" : NULL);
		gen_time(g, health ? created : 0);
		gen_time(g, prng_chance(&p, 0.97) ? created + 600 : 0);
		gen_time(g, created);
		gen_row_end(g);
	}
	gen_copy_end(g);
	buf_free(&name);
	buf_free(&pc);
	free(keys.slot);
}

void
gen_stratum(const struct gen *g, const struct gen_account *a,
    const char *scheme, struct stratum *out)
{
	struct geo_place	 geo;
	const struct gen_place	*home = &g->places[a->home], *seen;

	if (a->seen != GEN_NO_PLACE) {
		seen = &g->places[a->seen];
		snprintf(geo.country, sizeof(geo.country), "FR");
		snprintf(geo.region, sizeof(geo.region), "%s", seen->region);
		snprintf(geo.departement, sizeof(geo.departement), "%s",
		    seen->dep);
		geo.found = true;
	}
	stratum_resolve(scheme, a->declared ? home->postcode : NULL,
	    a->seen != GEN_NO_PLACE ? &geo : NULL, out);
}

void
gen_participations(struct gen *g)
{
	struct stratum	 s;
	uint64_t	 v, j;

	gen_copy_begin(g, UTIL_COPY_PARTICIPATIONS);
	for (j = 0; j < g->nconsultations && g->rc == DB_OK; j++) {
		struct gen_consultation *c = &g->consultations[j];
		int64_t at = c->gathering_at != 0 ? c->gathering_at :
		    c->voting_at;

		for (v = 0; v < c->participants && g->rc == DB_OK; v++) {
			const struct gen_account *a;

			if ((c->contributed[v / 8] & (1u << (v % 8))) == 0)
				continue;
			a = &g->accounts[gen_perm_at(&c->perm, v)];
			gen_stratum(g, a, c->scheme, &s);
			gen_int(g, c->id);
			gen_int(g, g->first_account +
			    (int64_t)gen_perm_at(&c->perm, v));
			gen_text(g, s.code);
			gen_text(g, stratum_source_name(s.source));
			if (s.geoip_agrees < 0)
				gen_null(g);
			else
				gen_bool(g, s.geoip_agrees == 1);
			gen_text(g, profile_name((enum profile)a->profile));
			gen_bool(g, a->interests);
			gen_time(g, at);
			gen_row_end(g);
		}
	}
	gen_copy_end(g);
}
