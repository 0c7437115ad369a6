/*
 * A participant's cell in a consultation (src/api/participation.c): the
 * stratum of its weighting scheme, fixed at their first contribution.
 */
#ifndef CONCERTO_API_PARTICIPATION_H
#define CONCERTO_API_PARTICIPATION_H

#include <stdint.h>

struct ctx;
struct request;
struct response;
struct stratum;

/*
 * The stratum of the signed-in participant for scheme: their declared
 * postcode, else GeoIP of the client address.  0, or -1 with a 503 set.
 */
int		 api_stratum(struct ctx *, struct request *, struct response *,
		    const char *scheme, struct stratum *);
/* "true", "false" or NULL (not compared): whether GeoIP agreed. */
const char	*api_stratum_agrees(const struct stratum *);
/*
 * Fixes the participant's cell in consultation cid at their first
 * contribution (nothing happens afterwards).  0, or -1 with the response
 * set.
 */
int		 api_participation_ensure(struct ctx *, struct request *,
		    struct response *, int64_t cid, const char *scheme);

#endif
