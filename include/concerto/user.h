/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Account administration from the command line: `concerto user add`,
 * `concerto user role` and `concerto demo`.  These are the only ways to
 * create moderators and admins; every role given or changed is logged in
 * role_changes.
 */
#ifndef CONCERTO_USER_H
#define CONCERTO_USER_H

struct config;

/* The usage lines of `concerto user` (see cli.h). */
extern const char user_usage[];

/* `concerto user add|role ...`; returns the exit status. */
int	 user_command(const struct config *, int argc, char **argv);

/* `concerto demo`: creates (or resets) the demo accounts and prints them. */
int	 user_demo(const struct config *);

#endif
