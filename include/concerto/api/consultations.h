/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What others use of src/api/consultations.c: the refusals of
 * consultation_post() and consultation_patch() (sql/012), which `concerto
 * import` reads too, so that an import is refused as the API would be.
 */
#ifndef CONCERTO_API_CONSULTATIONS_H
#define CONCERTO_API_CONSULTATIONS_H

struct api_refusal;

extern const struct api_refusal consultation_refusals[];

#endif
