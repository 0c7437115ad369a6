# shellcheck shell=sh
# What the parts of the stack share, sourced by tools/stack/stack: messages,
# the paths this script writes into configuration files, running a program
# as the postgres user, pid files and waiting for processes and for HTTP.
# Expects ROOT, HERE and UID_NOW to be set.

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

# ------------------------------------------------------------------ locating

# Sets RUN, PGDATA, PGSOCK, PGLOG, WWW for an existing or new state directory.
# With `create`, makes the directories (relocating run/ when needed).
locate() {
	[ "${1:-}" != create ] || mkdir -p "$VAR"
	_hash=$(printf '%s' "$VAR" | sha256sum | cut -c1-10)
	TMPRUN=/tmp/concerto-$UID_NOW-$_hash
	if [ -L "$VAR/run" ]; then
		RELOCATED=1
	elif [ -d "$VAR/run" ]; then
		RELOCATED=0
	elif [ "${1:-}" = create ] && needs_relocation; then
		RELOCATED=1
	else
		RELOCATED=0
	fi
	if [ "$RELOCATED" = 1 ]; then
		RUN=$TMPRUN
		PGDATA=$RUN/pg
		WWW=$RUN/www
	else
		RUN=$VAR/run
		PGDATA=$VAR/pg
		WWW=$ROOT/www
	fi
	PGSOCK=$RUN/postgres
	PGLOG=$PGSOCK/postgres.log
	[ "${1:-}" = create ] || return 0

	mkdir -p "$VAR/log" "$VAR/nginx/conf.d"
	if [ "$RELOCATED" = 1 ]; then
		make_tmprun
	else
		mkdir -p "$RUN"
		if ! can_reach postgres "$RUN" || ! can_reach www-data "$RUN"; then
			die "$RUN was made when it was reachable by postgres and www-data, and no longer is; stop the stack and remove $VAR"
		fi
	fi
	chmod 0755 "$RUN"
	mkdir -p "$RUN/nginx"
	mkdir -p "$PGSOCK"
	is_root && chown postgres:postgres "$PGSOCK"
	chmod 0700 "$PGSOCK"
	ln -sfn "$PGLOG" "$VAR/log/postgres.log"
	if [ "$RELOCATED" = 1 ]; then
		ln -sfn "$PGDATA" "$VAR/pg"
		# nginx serves a copy of www/, refreshed at every start.
		rm -rf "$WWW.new"
		cp -R "$ROOT/www" "$WWW.new"
		chmod -R a+rX "$WWW.new"
		rm -rf "$WWW"
		mv "$WWW.new" "$WWW"
	fi
}

# True when postgres or www-data cannot use paths under $VAR or read www/, or
# when a socket path under $VAR would pass the 107 bytes of sun_path.
needs_relocation() {
	[ ${#VAR} -le 70 ] || return 0
	can_reach postgres "$VAR" || return 0
	can_reach www-data "$VAR" || return 0
	if is_root && ! runuser -u www-data -- test -r "$ROOT/www/index.html"; then
		return 0
	fi
	return 1
}

# Makes /tmp/concerto-UID-HASH fresh (or keeps it when $VAR/run already leads
# there) and links $VAR/run to it.  Refuses a directory that is not ours.
make_tmprun() {
	if [ -L "$VAR/run" ] && [ "$(readlink "$VAR/run")" = "$TMPRUN" ] &&
		[ -d "$TMPRUN" ] && [ ! -L "$TMPRUN" ] &&
		[ "$(stat -c %u "$TMPRUN")" = "$UID_NOW" ]; then
		[ -z "$(find "$TMPRUN" -maxdepth 0 -perm /022)" ] ||
			die "$TMPRUN is writable by others; remove it"
		return 0
	fi
	if [ -e "$TMPRUN" ] || [ -L "$TMPRUN" ]; then
		if [ -L "$TMPRUN" ] || [ "$(stat -c %u "$TMPRUN")" != "$UID_NOW" ]; then
			die "$TMPRUN exists and is not ours; remove it"
		fi
		# A leftover of a wiped state directory: nothing may still run from it.
		for _f in "$TMPRUN/pg/postmaster.pid" "$TMPRUN/nginx.pid" "$TMPRUN/concerto.pid"; do
			if [ -f "$_f" ] && _p=$(head -n 1 "$_f" | tr -dc 0-9) && [ -n "$_p" ] &&
				kill -0 "$_p" 2>/dev/null; then
				die "process $_p still runs from $TMPRUN ($_f); stop it first"
			fi
		done
		rm -rf "$TMPRUN"
	fi
	mkdir -m 0755 "$TMPRUN"
	rm -f "$VAR/run"
	ln -s "$TMPRUN" "$VAR/run"
	say "stack: $VAR is not reachable by postgres/www-data (or too deep); runtime state in $TMPRUN"
}
