/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The generator's comments (see generate_parts.h).  A consultation's
 * comments come in threads whose sizes are heavy-tailed (most threads one
 * or two comments, a few hundreds); in one thread in ten replies mostly
 * answer the last reply, so that it runs down to comment_depth_max(),
 * elsewhere they answer the thread or any earlier reply.  A reply to a
 * comment at the cap is attached as comment_post() attaches it.  Three
 * threads in ten are about one priority.  Authors are the consultation's
 * participants, a few of them prolific; 93% of comments are published
 * under post-moderation (80% under pre-moderation), the others pending,
 * hidden or rejected, and 1.5% deleted by their author.  Votes (up or
 * down, by distinct accounts other than the author) go to published
 * comments only; most have none, a few have hundreds.
 */
#include <math.h>
#include <stdlib.h>

#include "concerto/generate_parts.h"
#include "concerto/mem.h"

#define GEN_THREAD_MAX	500
#define GEN_VOTES_MAX	300

/* Sentences whose only capitals are ASCII (gen_fingerprint()). */
static const char *const sentences[] = {
	"Merci pour cette consultation, elle arrive au bon moment.",
	"Pendant mon traitement, personne ne m'a parlé de la fatigue.",
	"Je suis d'accord, le retour au travail a été le plus difficile.",
	"Les proches aidants sont souvent oubliés dans les parcours.",
	"Il faudrait aussi penser aux personnes qui vivent loin de Paris.",
	"Les délais pour obtenir un rendez-vous restent trop longs.",
	"Mon oncologue m'a beaucoup aidée, mais l'information manquait.",
	"Cette question me semble prioritaire pour les enfants.",
	"Avez-vous des sources sur les études déjà menées ?",
	"La recherche sur les effets à long terme est essentielle.",
	"Je ne suis pas sûr que ce soit la question la plus urgente.",
	"En tant qu'infirmière, je vois ces difficultés tous les jours.",
	"Les associations de patients font un travail remarquable.",
	"On parle peu de la vie intime après les traitements.",
	"Le coût des soins de support reste un frein pour beaucoup.",
	"Je rejoins ce qui a été dit plus haut.",
	"Une meilleure coordination entre ville et hôpital changerait tout.",
	"Les essais cliniques devraient être mieux expliqués.",
	"Pour ma part, l'activité physique adaptée m'a beaucoup apporté.",
	"Il serait utile de publier les résultats dans un langage clair.",
	"Quels moyens seront donnés aux équipes pour ces recherches ?",
	"Mon père a été soigné à Créteil et le suivi était excellent.",
	"Ce sujet concerne aussi les jeunes adultes.",
	"Je pense que la prévention mérite plus de place.",
};
#define NSENTENCES	(sizeof(sentences) / sizeof(sentences[0]))

static const char *const alignments[] = { "for", "against", "neutral" };
static const double alignment_share[] = { 0.30, 0.15, 0.55 };
static const char *const statuses[] = { "published", "pending", "hidden",
	"rejected" };
static const double status_post[] = { 0.93, 0.03, 0.03, 0.01 };
static const double status_pre[] = { 0.80, 0.15, 0.03, 0.02 };

/*
 * The votes of comment gi (global index, id), by author's account index:
 * their counts into *up and *down; with write, their rows too.  Drawn
 * from the comment's own stream, so both passes see the same votes.
 */
static void
votes(struct gen *g, uint64_t gi, bool write, int *up, int *down)
{
	struct prng	 p;
	uint64_t	 n, t, start, voter, author = g->comment_author[gi];
	double		 q;

	*up = *down = 0;
	gen_stream(g, &p, GEN_STREAM_VOTES, gi);
	/* Pareto (alpha 1.8) less one: 71% none, a mean of about one. */
	n = (uint64_t)floor(pow(1.0 - prng_unit(&p), -1.0 / 1.8)) - 1;
	if (n > GEN_VOTES_MAX)
		n = GEN_VOTES_MAX;
	if (n > g->naccounts - 1)
		n = g->naccounts - 1;
	q = 0.35 + 0.6 * prng_unit(&p);		/* how liked it is */
	start = prng_below(&p, g->naccounts);
	for (t = 0; t < n && g->rc == DB_OK; t++) {
		bool plus = prng_chance(&p, q);

		voter = (start + t) % g->naccounts;
		if (voter == author)
			continue;
		*(plus ? up : down) += 1;
		if (!write)
			continue;
		gen_int(g, g->first_comment + (int64_t)gi);
		gen_int(g, g->first_account + (int64_t)voter);
		gen_int(g, plus ? 1 : -1);
		gen_time(g, g->now);
		gen_row_end(g);
		g->comment_votes++;
	}
}

static void
body(struct buf *b, struct prng *p)
{
	uint64_t	 n = 1 + prng_below(p, 3), i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ' ');
		buf_puts(b, sentences[prng_below(p, NSENTENCES)]);
	}
}

void
gen_comments(struct gen *g)
{
	struct gen_node	*nodes = xcalloc(GEN_THREAD_MAX, sizeof(*nodes));
	struct prng	 p;
	struct buf	 text;
	char		 fp[33];
	int64_t		 path[64], base;
	uint64_t	 j, gi = 0;

	buf_init(&text, 0);
	g->comment_author = xcalloc(g->ncomments + 1, sizeof(uint32_t));
	g->comment_votable = xcalloc(g->ncomments + 1, sizeof(bool));
	gen_copy_begin(g, UTIL_COPY_COMMENTS);
	for (j = 0; j < g->nconsultations && g->rc == DB_OK; j++) {
		struct gen_consultation *c = &g->consultations[j];
		int64_t opens = c->gathering_at != 0 ? c->gathering_at :
		    c->voting_at;
		int64_t ends = c->closes_at < g->now ? c->closes_at : g->now;
		uint64_t made = 0;

		gen_stream(g, &p, GEN_STREAM_COMMENTS, j);
		while (made < c->comments && g->rc == DB_OK) {
			uint64_t size = gen_thread_size(&p, c->comments - made <
			    GEN_THREAD_MAX ? c->comments - made : GEN_THREAD_MAX);
			double q = prng_chance(&p, 0.1) ? 0.9 : 0.25;
			int64_t prio = prng_chance(&p, 0.3) ? c->first_priority +
			    (int64_t)prng_below(&p, c->npriorities) : 0;
			uint64_t t;

			base = g->first_comment + (int64_t)gi;
			for (t = 0; t < size && g->rc == DB_OK; t++, gi++,
			    made++) {
				const double *sh = c->premoderated ? status_pre :
				    status_post;
				size_t st = prng_weighted(&p, sh, 4), d = 0, k;
				uint64_t pos = (uint64_t)floor((double)
				    c->participants * pow(prng_unit(&p), 2));
				bool deleted = prng_chance(&p, 0.015);
				int64_t x, at = opens + (int64_t)(made *
				    (uint64_t)(ends - opens) / c->comments);
				int up = 0, down = 0;

				if (t == 0) {
					nodes[0].parent = -1;
					nodes[0].depth = 0;
				} else
					gen_attach(nodes, t, prng_chance(&p, q) ?
					    t - 1 : prng_chance(&p, 0.5) ? 0 :
					    prng_below(&p, t), g->depth_max);
				for (x = (int64_t)t; x >= 0 && d < 64;
				    x = nodes[x].parent)
					path[d++] = base + x;
				gen_contributed(c, pos);
				g->comment_author[gi] =
				    (uint32_t)gen_perm_at(&c->perm, pos);
				g->comment_votable[gi] = st == 0 && !deleted;
				if (g->comment_votable[gi])
					votes(g, gi, false, &up, &down);
				buf_reset(&text);
				body(&text, &p);
				gen_fingerprint(buf_str(&text), fp);

				gen_int(g, base + (int64_t)t);
				gen_int(g, c->id);
				if (prio != 0)
					gen_int(g, prio);
				else
					gen_null(g);
				if (nodes[t].parent >= 0)
					gen_int(g, base + nodes[t].parent);
				else
					gen_null(g);
				buf_putc(&g->row, '{');
				for (k = d; k > 0; k--) {
					buf_putu(&g->row, (uint64_t)path[k - 1]);
					if (k > 1)
						buf_putc(&g->row, ',');
				}
				buf_puts(&g->row, "}\t");
				gen_int(g, nodes[t].depth);
				gen_int(g, g->first_account +
				    (int64_t)g->comment_author[gi]);
				gen_text(g, alignments[prng_weighted(&p,
				    alignment_share, 3)]);
				gen_text(g, deleted ? NULL : buf_str(&text));
				gen_text(g, deleted ? NULL : fp);
				gen_text(g, statuses[st]);
				gen_int(g, up);
				gen_int(g, down);
				gen_time(g, at);
				gen_time(g, deleted ? at + 3600 : 0);
				gen_row_end(g);
			}
		}
	}
	gen_copy_end(g);
	buf_free(&text);
	free(nodes);
}

void
gen_comment_votes(struct gen *g)
{
	uint64_t	 gi;
	int		 up, down;

	gen_copy_begin(g, UTIL_COPY_COMMENT_VOTES);
	for (gi = 0; gi < g->ncomments && g->rc == DB_OK; gi++)
		if (g->comment_votable[gi])
			votes(g, gi, true, &up, &down);
	gen_copy_end(g);
}
