/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The generator's consultations and votes (see generate_parts.h):
 * consultations in every phase (one in ten a draft, gathering; three
 * voting; two closed; three published), one in three ranked, the others
 * approval; 10 to 25 priorities each (5% answered, out of the vote; 15%
 * partly answered), those of a consultation that gathered questions with
 * 1 to 4 submissions merged into each; ballots whose choices follow a
 * popularity that falls with rank (weight 1 / rank^0.9) and differs by JLA
 * group (patients and carers, professionals, citizens), approval ballots
 * mostly using all their choices, ranked ones mostly ranking k.  The
 * tallies are counted as the ballots are drawn and written as
 * ballot_put() keeps them, equal to a recount.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/generate_parts.h"
#include "concerto/mem.h"
#include "concerto/profile.h"
#include "concerto/stratum.h"

#define DAY	86400

static const enum gen_phase phase_cycle[10] = {
	GEN_PUBLISHED, GEN_VOTING, GEN_CLOSED, GEN_GATHERING, GEN_DRAFT,
	GEN_PUBLISHED, GEN_VOTING, GEN_PUBLISHED, GEN_CLOSED, GEN_VOTING,
};
static const char *const phase_names[] = { "draft", "gathering", "voting",
	"closed", "published" };

static const char *const themes[] = {
	"Vivre après un cancer du sein", "Cancers de l'enfant et de "
	"l'adolescent", "Douleur et soins de support", "Cancer et travail",
	"Dépistage du cancer colorectal", "Nutrition et activité physique "
	"pendant les traitements", "Cancers rares", "Accès aux essais "
	"cliniques", "Cancer et précarité", "Soins palliatifs et fin de vie",
	"Santé des proches aidants", "Cancers du poumon et tabac",
	"Cancers de la prostate", "Vivre avec un myélome",
};
#define NTHEMES	(sizeof(themes) / sizeof(themes[0]))

/* Research questions, at least GEN_PRIORITIES_MAX of them. */
static const char *const questions[] = {
	"Quels effets à long terme des traitements sur la fertilité ?",
	"Comment réduire la fatigue pendant et après les traitements ?",
	"Quelle activité physique adaptée pendant la chimiothérapie ?",
	"Comment mieux accompagner le retour au travail ?",
	"Quels soins de support pour les troubles cognitifs ?",
	"Comment prévenir les récidives par l'alimentation ?",
	"Quelle place pour les patients partenaires dans les essais ?",
	"Comment réduire les inégalités d'accès au dépistage ?",
	"Quels effets des traitements sur la santé du cœur ?",
	"Comment soutenir les proches aidants au quotidien ?",
	"Quelle prise en charge de la douleur neuropathique ?",
	"Comment améliorer l'annonce du diagnostic ?",
	"Quels suivis après la fin des traitements ?",
	"Comment limiter la perte de cheveux sous chimiothérapie ?",
	"Quelle information sur les essais cliniques ouverts ?",
	"Comment mieux repérer l'anxiété et la dépression ?",
	"Quels effets de la précarité sur les parcours de soins ?",
	"Comment préserver la vie intime et la sexualité ?",
	"Quels traitements moins toxiques pour les enfants ?",
	"Comment coordonner la ville et l'hôpital ?",
	"Quelle place pour la téléconsultation dans le suivi ?",
	"Comment réduire les délais entre diagnostic et traitement ?",
	"Quels bénéfices des thérapies complémentaires ?",
	"Comment aider au sevrage tabagique après un diagnostic ?",
	"Quels facteurs environnementaux dans les cancers de l'enfant ?",
	"Comment mieux informer sur les effets secondaires ?",
};
#define NQUESTIONS	(sizeof(questions) / sizeof(questions[0]))

static const char *const submission_forms[] = {
	"Je voudrais que la recherche se penche sur cette question : ",
	"Une question que je me pose depuis mon traitement : ",
	"En tant que proche, je me demande : ",
	"Proposition : ",
};

/* The JLA group of a profile: 0 patients and carers, 1 professionals, 2 others. */
static int
group_of(enum profile p)
{
	switch (p) {
	case PROFILE_PATIENT:
	case PROFILE_CARER:
		return 0;
	case PROFILE_HEALTH_PROFESSIONAL:
	case PROFILE_RESEARCHER:
		return 1;
	default:
		return 2;
	}
}

const char *
gen_phase_name(enum gen_phase p)
{
	return phase_names[p];
}

/* The dates of c in its phase, around now. */
static void
dates(struct gen_consultation *c, int64_t now, bool gathered)
{
	int64_t	 voting;

	switch (c->phase) {
	case GEN_DRAFT:
		voting = now + 30 * DAY;
		break;
	case GEN_GATHERING:
		voting = now + 20 * DAY;
		gathered = true;
		break;
	case GEN_VOTING:
		voting = now - 10 * DAY;
		break;
	case GEN_CLOSED:
		voting = now - 60 * DAY;
		break;
	default:
		voting = now - 120 * DAY;
		break;
	}
	c->voting_at = voting;
	c->closes_at = voting + (c->phase == GEN_CLOSED ? 55 : 30) * DAY;
	c->gathering_at = gathered && c->phase != GEN_DRAFT ?
	    voting - 30 * DAY : 0;
	c->publish_at = c->phase == GEN_PUBLISHED ? c->closes_at + 15 * DAY :
	    0;
}

void
gen_consultations(struct gen *g)
{
	struct prng	 p;
	uint64_t	 j;
	size_t		 i, r, order[GEN_PRIORITIES_MAX];

	gen_stream(g, &p, GEN_STREAM_CONSULTATIONS, 0);
	gen_copy_begin(g, UTIL_COPY_CONSULTATIONS);
	for (j = 0; j < g->nconsultations && g->rc == DB_OK; j++) {
		struct gen_consultation *c = &g->consultations[j];
		size_t open = 0, t;

		c->phase = phase_cycle[j % 10];
		c->ranked = j % 3 == 1;
		c->premoderated = j % 5 == 2;
		c->scheme = j % 4 == 3 ? "none" : j % 4 == 2 ? "fr-regions" :
		    "idf-departements";
		dates(c, g->now, prng_chance(&p, 0.6));
		c->npriorities = 10 + prng_below(&p, 16);
		for (i = 0; i < c->npriorities; i++) {
			double x = prng_unit(&p);

			c->answered[i] = x < 0.05;
			open += !c->answered[i];
		}
		c->k = 3 + (int)prng_below(&p, 3);
		if ((size_t)c->k > open)
			c->k = (int)open;
		/* Popularity by rank in a random order, tilted by group. */
		for (i = 0; i < c->npriorities; i++)
			order[i] = i;
		for (i = c->npriorities; i > 1; i--) {
			r = prng_below(&p, i);
			t = order[i - 1];
			order[i - 1] = order[r];
			order[r] = t;
		}
		for (r = 0; r < c->npriorities; r++)
			for (i = 0; i < 3; i++)
				c->popularity[i][order[r]] =
				    c->answered[order[r]] ? 0 :
				    (0.5 + prng_unit(&p)) /
				    pow((double)r + 1, 0.9);

		gen_int(g, c->id);
		gen_text(g, phase_names[c->phase]);
		buf_puts(&g->row, themes[j % NTHEMES]);
		if (j >= NTHEMES) {
			buf_puts(&g->row, " (");
			buf_putu(&g->row, j / NTHEMES + 1);
			buf_putc(&g->row, ')');
		}
		buf_putc(&g->row, '\t');
		gen_null(g);
		gen_text(g, "Quelles questions la recherche doit-elle "
		    "traiter en priorité ? Donnez votre avis.");
		gen_null(g);
		gen_text(g, "Dites-nous quelles recherches comptent le plus "
		    "pour vous.");
		gen_text(g, "Le Cancéropôle consulte les patients, leurs "
		    "proches, les citoyens et les professionnels pour "
		    "choisir les priorités de recherche des prochaines "
		    "années. Lisez les questions, votez, commentez.");
		gen_null(g);
		gen_time(g, c->gathering_at);
		gen_time(g, c->voting_at);
		gen_time(g, c->closes_at);
		gen_time(g, c->publish_at);
		gen_text(g, c->ranked ? "ranked" : "approval");
		gen_int(g, c->k);
		gen_text(g, c->scheme);
		gen_text(g, c->premoderated ? "pre" : "post");
		gen_time(g, c->voting_at - 45 * DAY);
		gen_time(g, c->voting_at - 40 * DAY);
		gen_row_end(g);
	}
	gen_copy_end(g);
}

void
gen_priorities(struct gen *g)
{
	static const char *const status[] = { "unanswered", "partly_answered",
	    "answered" };
	struct prng	 p;
	uint64_t	 j;
	size_t		 i, r, t, pick[NQUESTIONS];

	gen_copy_begin(g, UTIL_COPY_PRIORITIES);
	for (j = 0; j < g->nconsultations && g->rc == DB_OK; j++) {
		struct gen_consultation *c = &g->consultations[j];

		gen_stream(g, &p, GEN_STREAM_PRIORITIES, j);
		for (i = 0; i < NQUESTIONS; i++)
			pick[i] = i;
		for (i = NQUESTIONS; i > 1; i--) {
			r = prng_below(&p, i);
			t = pick[i - 1];
			pick[i - 1] = pick[r];
			pick[r] = t;
		}
		for (i = 0; i < c->npriorities; i++) {
			int e = c->answered[i] ? 2 : prng_chance(&p, 0.15);

			c->question[i] = (uint8_t)pick[i];
			gen_int(g, c->first_priority + (int64_t)i);
			gen_int(g, c->id);
			gen_int(g, (int64_t)i + 1);
			gen_text(g, questions[pick[i]]);
			gen_null(g);
			gen_text(g, "Une question posée par les participants, "
			    "vérifiée par le comité au regard des revues "
			    "existantes.");
			gen_text(g, questions[pick[i]]);
			gen_text(g, status[e]);
			gen_text(g, e > 0 ? "{https://www.has-sante.fr/}" :
			    "{}");
			gen_time(g, c->voting_at - 42 * DAY);
			gen_time(g, c->voting_at - 42 * DAY);
			gen_row_end(g);
		}
	}
	gen_copy_end(g);
}

void
gen_submissions(struct gen *g, int64_t first_submission, struct buf *sources)
{
	struct prng	 p;
	uint64_t	 j, t, n, start;
	int64_t		 id = first_submission;
	size_t		 i;

	gen_copy_begin(g, UTIL_COPY_SUBMISSIONS);
	for (j = 0; j < g->nconsultations && g->rc == DB_OK; j++) {
		struct gen_consultation *c = &g->consultations[j];

		if (c->gathering_at == 0 || c->participants == 0)
			continue;
		gen_stream(g, &p, GEN_STREAM_SUBMISSIONS, j);
		for (i = 0; i < c->npriorities; i++) {
			n = 1 + prng_below(&p, 4);
			if (n > c->participants)
				n = c->participants;
			/* Distinct authors for one priority. */
			start = prng_below(&p, c->participants);
			for (t = 0; t < n; t++, id++) {
				uint64_t v = (start + t) % c->participants;

				gen_contributed(c, v);
				gen_int(g, id);
				gen_int(g, c->id);
				gen_int(g, g->first_account +
				    (int64_t)gen_perm_at(&c->perm, v));
				buf_puts(&g->row, submission_forms[
				    prng_below(&p, sizeof(submission_forms) /
				    sizeof(submission_forms[0]))]);
				/* The question of the priority it went into. */
				buf_puts(&g->row, questions[c->question[i]]);
				buf_putc(&g->row, '\t');
				gen_text(g, prng_chance(&p, 0.9) ?
				    "published" : "pending");
				gen_time(g, c->gathering_at + (int64_t)
				    prng_below(&p, 25 * DAY));
				gen_row_end(g);
				buf_putu(sources, (uint64_t)(c->first_priority +
				    (int64_t)i));
				buf_putc(sources, '\t');
				buf_putu(sources, (uint64_t)id);
				buf_putc(sources, '\n');
			}
		}
	}
	gen_copy_end(g);
}

/*
 * The tallies of one consultation as its ballots are drawn: per cell
 * (stratum x profile x interests), per priority and cell, per pair; their
 * rows then go, in shard 0, where ballot_put() keeps them, equal to what
 * tally_recount() would count.
 */
#define GEN_STRATA_MAX	64
#define GEN_CELLS	(GEN_STRATA_MAX * PROFILE__MAX * 2)

struct tally {
	char		 strata[GEN_STRATA_MAX][16];
	size_t		 nstrata;
	uint64_t	 cells[GEN_CELLS];
	uint64_t	 supporters[GEN_PRIORITIES_MAX][GEN_CELLS];
	uint64_t	 points[GEN_PRIORITIES_MAX][GEN_CELLS];
	uint64_t	 firsts[GEN_PRIORITIES_MAX][GEN_CELLS];
	uint64_t	 pairs[GEN_PRIORITIES_MAX][GEN_PRIORITIES_MAX][2];
};

static size_t
tally_cell(struct tally *t, const char *stratum, int profile, bool interests)
{
	size_t	 i;

	for (i = 0; i < t->nstrata; i++)
		if (strcmp(t->strata[i], stratum) == 0)
			break;
	if (i == t->nstrata && t->nstrata < GEN_STRATA_MAX)
		snprintf(t->strata[t->nstrata++], sizeof(t->strata[0]), "%s",
		    stratum);
	return (i * PROFILE__MAX + (size_t)profile) * 2 + interests;
}

static void
tally_put(struct buf *b, const char *s, bool last)
{
	buf_puts(b, s);
	buf_putc(b, last ? '\n' : '\t');
}

static void
tally_num(struct buf *b, uint64_t v, bool last)
{
	buf_putu(b, v);
	buf_putc(b, last ? '\n' : '\t');
}

/* The cell's stratum, profile and interests, tab-separated, into b. */
static void
tally_cell_fields(struct buf *b, const struct tally *t, size_t cell)
{
	tally_put(b, t->strata[cell / 2 / PROFILE__MAX], false);
	tally_put(b, profile_name((enum profile)(cell / 2 % PROFILE__MAX)),
	    false);
	tally_put(b, cell % 2 ? "t" : "f", false);
}

static void
tally_rows(const struct gen_consultation *c, const struct tally *t,
    struct buf *cells, struct buf *items, struct buf *pairs)
{
	size_t	 cell, i, j, in;

	for (cell = 0; cell < t->nstrata * PROFILE__MAX * 2; cell++) {
		if (t->cells[cell] == 0)
			continue;
		tally_num(cells, (uint64_t)c->id, false);
		tally_cell_fields(cells, t, cell);
		tally_num(cells, 0, false);
		tally_num(cells, t->cells[cell], false);
		tally_num(cells, 0, true);
		for (i = 0; i < c->npriorities; i++) {
			if (t->supporters[i][cell] == 0)
				continue;
			tally_num(items, (uint64_t)c->id, false);
			tally_num(items, (uint64_t)(c->first_priority +
			    (int64_t)i), false);
			tally_cell_fields(items, t, cell);
			tally_num(items, 0, false);
			tally_num(items, t->supporters[i][cell], false);
			tally_num(items, t->points[i][cell], false);
			tally_num(items, t->firsts[i][cell], true);
		}
	}
	for (i = 0; i < c->npriorities; i++)
		for (j = 0; j < c->npriorities; j++)
			for (in = 0; in < 2; in++) {
				if (t->pairs[i][j][in] == 0)
					continue;
				tally_num(pairs, (uint64_t)c->id, false);
				tally_num(pairs, (uint64_t)(c->first_priority +
				    (int64_t)i), false);
				tally_num(pairs, (uint64_t)(c->first_priority +
				    (int64_t)j), false);
				tally_put(pairs, in ? "t" : "f", false);
				tally_num(pairs, 0, false);
				tally_num(pairs, t->pairs[i][j][in], true);
			}
}

static void
copy_all(struct gen *g, enum utility u, const struct buf *rows)
{
	gen_copy_begin(g, u);
	if (g->rc == DB_OK && rows->len > 0)
		g->rc = db_copy_put(g->db, rows->data, rows->len);
	gen_copy_end(g);
}

void
gen_ballots(struct gen *g)
{
	struct tally	*t = xmalloc(sizeof(*t));
	struct buf	 cells, items, pairs;
	struct prng	 p;
	struct stratum	 s;
	double		 work[GEN_PRIORITIES_MAX];
	size_t		 pick[GEN_PRIORITIES_MAX], n, i, x, cell;
	uint64_t	 j, v;

	buf_init(&cells, 0);
	buf_init(&items, 0);
	buf_init(&pairs, 0);
	gen_copy_begin(g, UTIL_COPY_BALLOTS);
	for (j = 0; j < g->nconsultations && g->rc == DB_OK; j++) {
		struct gen_consultation *c = &g->consultations[j];
		int64_t span = (c->phase == GEN_VOTING ? g->now :
		    c->closes_at) - c->voting_at;

		memset(t, 0, sizeof(*t));
		gen_stream(g, &p, GEN_STREAM_BALLOTS, j);
		for (v = 0; v < c->ballots && g->rc == DB_OK; v++) {
			uint64_t idx = gen_perm_at(&c->perm, v);
			const struct gen_account *a = &g->accounts[idx];
			double u = prng_unit(&p);
			int64_t at;

			if (c->ranked)
				n = u < 0.7 ? (size_t)c->k :
				    1 + prng_below(&p, (uint64_t)c->k);
			else
				n = (size_t)c->k - (size_t)floor(u * u * c->k);
			n = gen_choose(&p, c->popularity[group_of(
			    (enum profile)a->profile)], c->npriorities, n,
			    work, pick);
			gen_contributed(c, v);
			gen_stratum(g, a, c->scheme, &s);
			cell = tally_cell(t, s.code, a->profile, a->interests);
			t->cells[cell]++;
			for (i = 0; i < n; i++) {
				t->supporters[pick[i]][cell]++;
				if (!c->ranked)
					continue;
				t->points[pick[i]][cell] += (uint64_t)c->k - i;
				t->firsts[pick[i]][cell] += i == 0;
				for (x = i + 1; x < n; x++)
					t->pairs[pick[i]][pick[x]]
					    [a->interests]++;
			}
			at = c->voting_at + (int64_t)(v * (uint64_t)span /
			    c->ballots);
			gen_int(g, c->id);
			gen_int(g, g->first_account + (int64_t)idx);
			buf_putc(&g->row, '{');
			for (i = 0; i < n; i++) {
				if (i > 0)
					buf_putc(&g->row, ',');
				buf_putu(&g->row, (uint64_t)(c->first_priority +
				    (int64_t)pick[i]));
			}
			buf_puts(&g->row, "}\t");
			gen_text(g, s.code);
			gen_text(g, profile_name((enum profile)a->profile));
			gen_bool(g, a->interests);
			gen_time(g, at);
			gen_time(g, at);
			gen_row_end(g);
		}
		tally_rows(c, t, &cells, &items, &pairs);
	}
	gen_copy_end(g);
	copy_all(g, UTIL_COPY_TALLY_CELLS, &cells);
	copy_all(g, UTIL_COPY_TALLY_ITEMS, &items);
	copy_all(g, UTIL_COPY_TALLY_PAIRS, &pairs);
	buf_free(&cells);
	buf_free(&items);
	buf_free(&pairs);
	free(t);
}
