/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Marks on a JSON text: the viewer's own fields set on a shared answer
 * (router.h's route views) without parsing it into a tree, which for a
 * page of 330 comments costs some 6 ms to parse and 4 ms to encode again
 * against a tenth of a millisecond to scan.
 */
#ifndef CONCERTO_JSON_MARK_H
#define CONCERTO_JSON_MARK_H

#include <stddef.h>

#include <jansson.h>

#include "concerto/buf.h"

/*
 * Copies the JSON text in[0..len) to out, where each object whose member
 * "id" is an integer whose decimal form is a key of marks has the members
 * named by the keys of marks[id] (an object of scalars) set to their
 * values.  Those members must exist, hold scalars and come after "id" in
 * their object.  Returns 0; or -1 if a mark could not be set or the text
 * is not well-formed JSON, out then being unspecified.
 */
int	 json_mark(const char *in, size_t len, const json_t *marks,
	    struct buf *out);

#endif
