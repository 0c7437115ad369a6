/*
 * A participant's cell in a consultation (src/api/participation.c): the
 * stratum of its weighting scheme, fixed at their first contribution.
 */
#ifndef CONCERTO_API_PARTICIPATION_H
#define CONCERTO_API_PARTICIPATION_H

#include <stdint.h>

struct buf;
struct ctx;
struct request;
struct response;

/*
 * Appends the signed-in participant's strata (stratum_json()) to out:
 * their declared postcode, else GeoIP of the client address.
 */
void	 api_viewer_strata(struct ctx *, struct request *, struct buf *out);
/*
 * Fixes the participant's cell in consultation cid at their first
 * contribution (nothing happens afterwards).  0, or -1 with the response
 * set.
 */
int	 api_participation_ensure(struct ctx *, struct request *,
	    struct response *, int64_t cid);

#endif
