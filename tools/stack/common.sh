# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=sh
# What the parts of the stack share, sourced by tools/stack/stack and
# tools/stack/default-var: messages, the paths the stack writes into
# configuration files, running a program as the postgres user, pid files,
# waiting for processes and for HTTP, and whether postgres and www-data can
# use a state directory.  Expects ROOT, HERE and UID_NOW to be set.

say() { printf '%s\n' "$*"; }
die() { say "stack: $*" >&2; exit 1; }

# Paths end up in nginx.conf (through sed), in PostgreSQL's configuration and
# in libpq conninfo strings: keep them to characters none of those quote.
safe_path() {
	case $1 in
	*[!A-Za-z0-9._/+@-]*) die "$2 holds characters this script does not quote: $1" ;;
	esac
}

is_root() { [ "$UID_NOW" -eq 0 ]; }

# Runs a PostgreSQL program as the postgres user (it refuses root), from /
# so that an unreachable working directory does not matter.
as_pg() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# True when USER can search directory $2 (all its parents included).
can_reach() {
	is_root || return 0
	runuser -u "$1" -- test -x "$2"
}

# live_pid FILE PATTERN: prints the pid in FILE when that process is alive
# and its command line matches the shell PATTERN; fails otherwise.  Guards
# against signalling a stranger after a stale pid file.
live_pid() {
	[ -f "$1" ] || return 1
	_pid=$(head -n 1 "$1" | tr -dc 0-9)
	[ -n "$_pid" ] && [ -r "/proc/$_pid/cmdline" ] || return 1
	_cmd=$(tr '\0' ' ' <"/proc/$_pid/cmdline" 2>/dev/null) || return 1
	# shellcheck disable=SC2254
	case $_cmd in $2) say "$_pid" ;; *) return 1 ;; esac
}

# wait_gone PID SECONDS: true once PID has exited.
wait_gone() {
	_n=$(($2 * 10))
	while [ "$_n" -gt 0 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	! kill -0 "$1" 2>/dev/null
}

# A value in single quotes, for the env file.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# wait_http URL SECONDS: true once URL answers 200; at most SECONDS, then
# the last answer goes to standard error (tools/stack/wait-http.mjs).
wait_http() {
	command -v node >/dev/null 2>&1 || die "node is not installed (make deps)"
	node "$HERE/wait-http.mjs" "$1" "$2"
}

# tail_log FILE N: the last N lines of FILE on standard error, under a title.
tail_log() {
	say "--- last lines of $1" >&2
	tail -n "$2" "$1" >&2 2>/dev/null || true
}

# ------------------------------------------ can the stack use this directory

# blocked_at USER DIR: prints the first directory on the way to DIR that
# USER cannot enter.  DIR need not exist yet: what the stack makes, it makes
# with mode 0755, so the deepest directory that exists decides.  Fails when
# USER can reach DIR, and always when not root (every piece then runs as the
# invoking user).
blocked_at() {
	is_root || return 1
	_d=$2
	while [ ! -d "$_d" ]; do _d=$(dirname "$_d"); done
	runuser -u "$1" -- test -x "$_d" && return 1
	_p=
	for _c in $(say "${_d#/}" | tr / ' '); do
		_p=$_p/$_c
		runuser -u "$1" -- test -x "$_p" || break
	done
	say "${_p:-/}"
}

# A unix socket path holds 107 bytes (sun_path, with its NUL); the longest
# of the stack is PostgreSQL's, in run/postgres/.
SOCKET_PATH_MAX=107
pg_socket_of() { say "$1/run/postgres/.s.PGSQL.5432"; }

# var_problems DIR: says, one line each, why the stack cannot keep its state
# in DIR: postgres (the cluster, its socket) or www-data (nginx's workers,
# which connect to run/concerto.sock) cannot reach it, or a socket path
# would be too long.  Fails, saying nothing, when the stack can use DIR.
var_problems() {
	_ok=1
	if is_root; then
		for _u in postgres www-data; do
			id "$_u" >/dev/null 2>&1 && continue
			say "there is no user $_u (make deps installs PostgreSQL and nginx)"
			_ok=0
		done
		[ "$_ok" = 1 ] && var_blocked "$1" && _ok=0
	fi
	_sock=$(pg_socket_of "$1")
	if [ ${#_sock} -gt $SOCKET_PATH_MAX ]; then
		say "the state directory $1 is too long for unix sockets: PostgreSQL's would be $_sock, ${#_sock} bytes, over $SOCKET_PATH_MAX (at most $((SOCKET_PATH_MAX - ${#_sock} + ${#1})) bytes for the directory)"
		_ok=0
	fi
	[ "$_ok" = 0 ]
}

# var_blocked DIR: says which of postgres and www-data cannot reach DIR
# (its run/, where both go) and where each stops; fails when both can.
var_blocked() {
	_pg=$(blocked_at postgres "$1/run") || _pg=
	_www=$(blocked_at www-data "$1/run") || _www=
	if [ -n "$_pg" ] && [ "$_pg" = "$_www" ]; then
		say "postgres and www-data cannot reach the state directory $1 (they cannot enter $_pg)"
		return 0
	fi
	[ -n "$_pg" ] && say "postgres cannot reach the state directory $1 (it cannot enter $_pg)"
	[ -n "$_www" ] && say "www-data cannot reach the state directory $1 (it cannot enter $_www)"
	[ -n "$_pg$_www" ]
}
