/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What others use of src/api/priorities.c: the refusals of priority_post()
 * and priority_patch() (sql/012), which `concerto import` reads too.
 */
#ifndef CONCERTO_API_PRIORITIES_H
#define CONCERTO_API_PRIORITIES_H

struct api_refusal;

extern const struct api_refusal priority_refusals[];

#endif
