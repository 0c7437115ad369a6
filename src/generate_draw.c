/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The draws and row texts of the data generator (see generate_draw.h).
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#include "concerto/buf.h"
#include "concerto/generate_draw.h"

/* First names of every generation in France; none starts a reserved name. */
static const char *const first_names[] = {
	"Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise",
	"Alice", "Lina", "Zoé", "Juliette", "Anaïs", "Margaux", "Élodie",
	"Nathalie", "Isabelle", "Sylvie", "Martine", "Françoise", "Brigitte",
	"Monique", "Nadia", "Fatima", "Yasmine", "Aïcha", "Mélanie", "Hélène",
	"Hugo", "Lucas", "Louis", "Gabriel", "Jules", "Adam", "Raphaël",
	"Arthur", "Nathan", "Théo", "Mathis", "Karim", "Mehdi", "Youssef",
	"Julien", "Nicolas", "Thomas", "Pierre", "Philippe", "Michel",
	"Jean", "Alain", "Bernard", "Patrick", "Éric", "Olivier", "Laurent",
	"Mamadou", "Ibrahim", "Sacha", "Dominique", "Claude", "Morgane",
	"Maxime", "Noé", "Rose", "Ambre", "Paul", "Romain", "Quentin",
};
static const char *const surnames[] = {
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
	"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel",
	"Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
	"Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
	"Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
	"Guerin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Diallo",
	"Nguyen", "Benali", "Traoré", "Chevalier", "Lemoine", "Gauthier",
};
#define NFIRST	(sizeof(first_names) / sizeof(first_names[0]))
#define NSUR	(sizeof(surnames) / sizeof(surnames[0]))

void
gen_pseudonym(struct prng *p, unsigned attempt, struct buf *out)
{
	const char	*first = first_names[prng_below(p, NFIRST)];
	uint64_t	 form = prng_below(p, 10);

	buf_reset(out);
	buf_puts(out, first);
	if (form < 4) {			/* Camille R. 482 */
		buf_putc(out, ' ');
		buf_putc(out, (char)('A' + prng_below(p, 26)));
		buf_puts(out, ". ");
		buf_putu(out, 10 + prng_below(p, 9990));
	} else if (form < 7) {		/* Sacha93 */
		buf_putu(out, 10 + prng_below(p, 990));
	} else if (form < 9) {		/* Léa Martin */
		buf_putc(out, ' ');
		buf_puts(out, surnames[prng_below(p, NSUR)]);
	} else {			/* Hugo_75 */
		buf_putc(out, '_');
		buf_putu(out, 1 + prng_below(p, 99));
	}
	if (attempt > 0) {
		buf_putc(out, ' ');
		buf_putu(out, 100 + prng_below(p, 900000));
	}
}

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	uint64_t	 t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

void
gen_perm_init(struct gen_perm *pm, struct prng *p, uint64_t n)
{
	pm->n = n;
	pm->b = n > 0 ? prng_below(p, n) : 0;
	pm->a = 1;
	if (n < 3)
		return;
	do
		pm->a = 1 + prng_below(p, n - 1);
	while (gcd(pm->a, n) != 1);
}

uint64_t
gen_perm_at(const struct gen_perm *pm, uint64_t i)
{
	/* a and i are below n, which is below 2^32 (gen_perm_init()). */
	return (pm->a * i + pm->b) % pm->n;
}

int
gen_split(uint64_t total, const double *weight, size_t n, uint64_t cap,
    uint64_t *out)
{
	uint64_t	 left = total, given;
	double		 sum;
	size_t		 i, open = 0;
	bool		 moved = true;

	for (i = 0; i < n; i++)
		open += weight[i] > 0;
	if (open == 0 ? total > 0 : cap < UINT64_MAX / open &&
	    cap * open < total)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = 0;
	/* Rounds of proportional shares among those below the cap. */
	while (left > 0 && moved) {
		sum = 0;
		for (i = 0; i < n; i++)
			if (out[i] < cap)
				sum += weight[i] > 0 ? weight[i] : 0;
		moved = false;
		given = 0;
		for (i = 0; i < n && sum > 0; i++) {
			uint64_t share;

			if (out[i] >= cap || weight[i] <= 0)
				continue;
			share = (uint64_t)floor((double)left * weight[i] / sum);
			if (share > cap - out[i])
				share = cap - out[i];
			out[i] += share;
			given += share;
		}
		left -= given;
		moved = given > 0;
	}
	/* What rounding left: one each, in order, where there is room. */
	for (i = 0; left > 0; i = (i + 1) % n)
		if (weight[i] > 0 && out[i] < cap) {
			out[i]++;
			left--;
		}
	return 0;
}

size_t
gen_choose(struct prng *p, const double *weight, size_t n, size_t k,
    double *work, size_t *out)
{
	size_t	 i, got = 0, open = 0;

	for (i = 0; i < n; i++) {
		work[i] = weight[i] > 0 ? weight[i] : 0;
		open += work[i] > 0;
	}
	while (got < k && got < open) {
		i = prng_weighted(p, work, n);
		out[got++] = i;
		work[i] = 0;
	}
	return got;
}

uint64_t
gen_thread_size(struct prng *p, uint64_t max)
{
	/* Pareto with x_m = 1 and alpha = 1.4: median 1.6, mean 3.5. */
	double		 u = 1.0 - prng_unit(p), s = floor(pow(u, -1.0 / 1.4));
	uint64_t	 n = s > (double)max ? max : (uint64_t)s;

	return n < 1 ? 1 : n;
}

int64_t
gen_attach(struct gen_node *nodes, size_t at, size_t to, int cap)
{
	int64_t	 parent = (int64_t)to;

	if (nodes[to].depth >= cap)
		parent = nodes[to].parent;
	nodes[at].parent = parent;
	nodes[at].depth = parent < 0 ? 0 : nodes[parent].depth + 1;
	return parent;
}

void
gen_copy_text(struct buf *out, const char *s)
{
	const char	*start;

	if (s == NULL) {
		buf_puts(out, "\\N");
		return;
	}
	for (start = s; *s != '\0'; s++) {
		const char *esc = NULL;

		switch (*s) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		buf_append(out, start, (size_t)(s - start));
		buf_puts(out, esc);
		start = s + 1;
	}
	buf_append(out, start, (size_t)(s - start));
}

void
gen_fingerprint(const char *body, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0, i;
	struct buf	 b;
	const char	*s = body;
	bool		 space = false;

	buf_init(&b, 0);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = true;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') :
		    *s);
	}
	EVP_Digest(b.len > 0 ? b.data : "", b.len, md, &len, EVP_md5(), NULL);
	for (i = 0; i < 16 && i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[32] = '\0';
	buf_free(&b);
}
