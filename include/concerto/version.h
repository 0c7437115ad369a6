/* SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef CONCERTO_VERSION_H
#define CONCERTO_VERSION_H

#define CONCERTO_VERSION	"0.1.0"

/* The commit built: 12 hex digits, "-dirty" after them when the tree
 * differed, or "unknown" (build/gen/commit.c, written by the Makefile). */
extern const char concerto_commit[];

#endif
