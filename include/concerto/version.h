/* SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef CONCERTO_VERSION_H
#define CONCERTO_VERSION_H

#define CONCERTO_VERSION	"0.1.0"

#endif
