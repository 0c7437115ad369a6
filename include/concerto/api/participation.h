/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A participant's cell in a consultation (src/api/participation.c): the
 * stratum of its weighting scheme, fixed at their first contribution.
 */
#ifndef CONCERTO_API_PARTICIPATION_H
#define CONCERTO_API_PARTICIPATION_H

struct buf;
struct ctx;
struct request;

/*
 * Appends the signed-in participant's strata (stratum_json()) to out:
 * their declared postcode, else GeoIP of the client address.
 */
void	 api_viewer_strata(struct ctx *, struct request *, struct buf *out);

#endif
