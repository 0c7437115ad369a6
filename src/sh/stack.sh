#!/bin/sh
# The Concerto stack of one state directory: PostgreSQL, `concerto serve`
# (the FastCGI master and its workers) and nginx.  The Makefile runs it from
# the repository as `sh src/sh/stack.sh CMD`:
#
#   start     bring everything up in the background; running pieces are kept
#   stop      stop nginx, the workers, then PostgreSQL (whatever runs)
#   run       start, wait in the foreground, stop everything on Ctrl-C / TERM
#   pg-stop   stop PostgreSQL only (the tests' "database away" checks)
#   pg-crash  stop PostgreSQL in immediate mode: every backend dies at once,
#             as in a crash (the tests' "database lost under load" check)
#   pg-start  start PostgreSQL only, and wait until it accepts connections
#   status    say which pieces run
#   env       print the path of the env file
#
# Environment: PORT (8080), CONCERTO_VAR (state directory, $PWD/var),
# CONCERTO_BIN (build/concerto), CONCERTO_DEMO (1: load the demo accounts
# and consultations),
# CONCERTO_FAST_PG (1: PostgreSQL without fsync, for tests), and
# CONCERTO_WORKERS / CONCERTO_THREADS, passed through when set.
#
# Layout of $CONCERTO_VAR:
#   env            `export` lines: `. $CONCERTO_VAR/env && build/concerto migrate`
#   log/           concerto.log, nginx-access.log, nginx-error.log,
#                  postgres.log (a link into run/postgres/)
#   nginx/         nginx.conf (rendered from nginx/concerto.conf.in), conf.d/
#   pg/            the PostgreSQL cluster (owned by postgres)
#   run/           concerto.sock (0660, group www-data, made by serve),
#                  concerto.pid, nginx.pid, nginx/ (nginx temp files),
#                  postgres/ (0700, owned by postgres: its socket and log)
# As root, PostgreSQL runs as `postgres` and nginx's workers as `www-data`.
# When those users cannot reach $CONCERTO_VAR or www/ (a clone under a mode
# 700 /root, say), or when the socket paths would be too long, run/ is a link
# to /tmp/concerto-UID-HASH/, made fresh for this state directory, which then
# also holds the cluster (pg/ links there) and a copy of www/ for nginx.
set -eu
umask 022

PGBIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
UID_NOW=$(id -u)

say() { printf '%s\n' "$*"; }
die() { say "stack: $*" >&2; exit 1; }

PORT=${PORT:-8080}
VAR=${CONCERTO_VAR:-$PWD/var}
case $VAR in /*) ;; *) VAR=$PWD/$VAR ;; esac
while [ "${VAR%/}" != "$VAR" ] && [ "$VAR" != / ]; do VAR=${VAR%/}; done
BIN=${CONCERTO_BIN:-$ROOT/build/concerto}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac

# Paths end up in nginx.conf (through sed), in PostgreSQL's configuration and
# in libpq conninfo strings: keep them to characters none of those quote.
safe_path() {
	case $1 in
	*[!A-Za-z0-9._/+@-]*) die "$2 holds characters this script does not quote: $1" ;;
	esac
}
safe_path "$ROOT" "the repository path"
safe_path "$VAR" "CONCERTO_VAR"
safe_path "$BIN" "CONCERTO_BIN"
case $PORT in '' | *[!0-9]*) die "PORT must be a number: $PORT" ;; esac
if [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then die "PORT out of range: $PORT"; fi

# ------------------------------------------------------------------- helpers

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

# Polls URL until it answers 200, for at most SECONDS; prints the last
# answer on failure.  Node is a dependency of the project (curl may be absent).
wait_http() {
	if command -v node >/dev/null 2>&1; then
		node -e '
			const [url, secs] = process.argv.slice(1);
			const end = Date.now() + Number(secs) * 1000;
			let last = "no answer";
			(async () => {
				for (;;) {
					try {
						const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
						const body = await r.text();
						if (r.status === 200) process.exit(0);
						last = r.status + " " + body.slice(0, 200);
					} catch (e) { last = String(e.cause || e.message || e); }
					if (Date.now() > end) { console.error("last answer: " + last); process.exit(1); }
					await new Promise((r) => setTimeout(r, 200));
				}
			})();' "$1" "$2"
	elif command -v curl >/dev/null 2>&1; then
		_n=$(($2 * 5))
		while [ "$_n" -gt 0 ]; do
			[ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
			sleep 0.2
			_n=$((_n - 1))
		done
		return 1
	else
		die "neither node nor curl is installed (make deps)"
	fi
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

# ---------------------------------------------------------------- PostgreSQL

pg_running() {
	[ -f "$PGDATA/PG_VERSION" ] || return 1
	as_pg "$PGBIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

# Creates the cluster when there is none, and writes the settings of this
# stack into concerto.conf, which postgresql.conf includes.
pg_init() {
	if [ ! -f "$PGDATA/PG_VERSION" ]; then
		is_root && ! id postgres >/dev/null 2>&1 && die "no postgres user (make deps installs PostgreSQL)"
		mkdir -p "$PGDATA"
		is_root && chown postgres:postgres "$PGDATA"
		chmod 0700 "$PGDATA"
		say "stack: creating the PostgreSQL cluster in $PGDATA"
		as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust \
			--auth-host=reject -E UTF8 --locale=C.UTF-8 >"$VAR/log/initdb.log" 2>&1 ||
			{ cat "$VAR/log/initdb.log" >&2; die "initdb failed"; }
		printf "\ninclude_if_exists = 'concerto.conf'\n" >>"$PGDATA/postgresql.conf"
	fi
	# Every worker thread holds a connection, old and new workers overlap
	# during a SIGHUP roll-over, and the benchmark's bare program has as many.
	_w=${CONCERTO_WORKERS:-$(nproc)}
	_t=${CONCERTO_THREADS:-4}
	_max=$((3 * _w * _t + 20))
	[ "$_max" -ge 100 ] || _max=100
	{
		say "# Written by src/sh/stack.sh start; included from postgresql.conf."
		say "# Unix socket only, in a directory only postgres (and root) can enter."
		say "listen_addresses = ''"
		say "unix_socket_directories = '$PGSOCK'"
		say "max_connections = $_max"
		if [ "${CONCERTO_FAST_PG:-0}" = 1 ]; then
			say "# CONCERTO_FAST_PG=1 (tests, benchmarks): a crash may lose the cluster."
			say "fsync = off"
		fi
	} >"$PGDATA/concerto.conf"
	is_root && chown postgres:postgres "$PGDATA/concerto.conf"
	return 0
}

pg_start() {
	if pg_running; then
		say "stack: PostgreSQL already runs"
		return 0
	fi
	as_pg "$PGBIN/pg_ctl" start -D "$PGDATA" -l "$PGLOG" -w -t 60 >/dev/null ||
		{ tail -n 20 "$PGLOG" >&2 2>/dev/null; die "PostgreSQL did not start (log: $PGLOG)"; }
}

# pg_stop [MODE]: fast by default; immediate kills every backend at once.
pg_stop() {
	pg_running || return 0
	as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA" -m "${1:-fast}" -w -t 60 >/dev/null
}

# The roles and the database, idempotently (design: workers connect as
# concerto_app with DML only; migrations run as concerto_owner).
pg_roles() {
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -U postgres -d postgres <<-'EOF' >/dev/null
	SELECT 'CREATE ROLE concerto_owner LOGIN'
	 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'concerto_owner') \gexec
	SELECT 'CREATE ROLE concerto_app LOGIN'
	 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'concerto_app') \gexec
	SELECT 'CREATE DATABASE concerto OWNER concerto_owner TEMPLATE template0 ENCODING ''UTF8'''
	 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'concerto') \gexec
	REVOKE ALL ON DATABASE concerto FROM PUBLIC;
	GRANT CONNECT ON DATABASE concerto TO concerto_app;
	EOF
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -U postgres -d concerto <<-'EOF' >/dev/null
	ALTER SCHEMA public OWNER TO concerto_owner;
	REVOKE ALL ON SCHEMA public FROM PUBLIC;
	GRANT USAGE ON SCHEMA public TO concerto_app;
	ALTER DEFAULT PRIVILEGES FOR ROLE concerto_owner IN SCHEMA public
	    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO concerto_app;
	ALTER DEFAULT PRIVILEGES FOR ROLE concerto_owner IN SCHEMA public
	    GRANT USAGE, SELECT ON SEQUENCES TO concerto_app;
	ALTER DEFAULT PRIVILEGES FOR ROLE concerto_owner IN SCHEMA public
	    GRANT EXECUTE ON FUNCTIONS TO concerto_app;
	EOF
}

# ------------------------------------------------------------------- concerto

# The throttling secret of this instance: random, readable by its owner only.
throttle_key() {
	[ -s "$VAR/secrets/throttle.key" ] && return 0
	( umask 077 && mkdir -p "$VAR/secrets" &&
	  head -c 32 /dev/urandom >"$VAR/secrets/throttle.key.new" &&
	  mv "$VAR/secrets/throttle.key.new" "$VAR/secrets/throttle.key" ) ||
		die "cannot write $VAR/secrets/throttle.key"
}

write_env() {
	throttle_key
	{
		say "# Written by src/sh/stack.sh start.  \`. $VAR/env\` lets"
		say "# build/concerto subcommands address this instance."
		for _kv in \
			"CONCERTO_VAR=$VAR" \
			"PORT=$PORT" \
			"CONCERTO_RUN=$RUN" \
			"CONCERTO_PGDATA=$PGDATA" \
			"CONCERTO_DB=host=$PGSOCK dbname=concerto user=concerto_app" \
			"CONCERTO_DB_ADMIN=host=$PGSOCK dbname=concerto user=concerto_owner" \
			"CONCERTO_SOCKET=$RUN/concerto.sock" \
			"CONCERTO_SQL_DIR=$ROOT/sql" \
			"CONCERTO_GEOIP=${CONCERTO_GEOIP:-$ROOT/build/geoip/concerto-test.mmdb}" \
			"CONCERTO_URL=http://127.0.0.1:$PORT" \
			"CONCERTO_PUBLIC_URL=${CONCERTO_PUBLIC_URL:-http://127.0.0.1:$PORT}" \
			"CONCERTO_THROTTLE_KEY_FILE=$VAR/secrets/throttle.key" \
			"CONCERTO_BIN=$BIN"; do
			say "export ${_kv%%=*}=$(sq "${_kv#*=}")"
		done
		[ -z "${CONCERTO_WORKERS:-}" ] || say "export CONCERTO_WORKERS=$(sq "$CONCERTO_WORKERS")"
		[ -z "${CONCERTO_THREADS:-}" ] || say "export CONCERTO_THREADS=$(sq "$CONCERTO_THREADS")"
	} >"$VAR/env.new"
	mv "$VAR/env.new" "$VAR/env"
}

concerto_pid() { live_pid "$RUN/concerto.pid" '*concerto* serve*'; }

concerto_start() {
	if _pid=$(concerto_pid); then
		say "stack: concerto already runs (pid $_pid)"
		return 0
	fi
	# No live master in the pid file: it is stale.  The socket is left to
	# serve, which replaces a stale one and refuses one a server answers on.
	rm -f "$RUN/concerto.pid"
	# A session of its own: a Ctrl-C meant for `make run` reaches the script,
	# which stops the master with SIGTERM (graceful) rather than SIGINT.
	(
		# shellcheck disable=SC1091
		. "$VAR/env"
		CONCERTO_PIDFILE=$RUN/concerto.pid
		export CONCERTO_PIDFILE
		cd /
		exec setsid "$BIN" serve </dev/null >>"$VAR/log/concerto.log" 2>&1
	) &
	_spawned=$!
	_n=100
	while [ "$_n" -gt 0 ]; do
		[ -S "$RUN/concerto.sock" ] && concerto_pid >/dev/null && return 0
		# (setsid may fork: the master is then no longer $_spawned)
		kill -0 "$_spawned" 2>/dev/null || concerto_pid >/dev/null || break
		sleep 0.1
		_n=$((_n - 1))
	done
	say "--- last lines of $VAR/log/concerto.log" >&2
	tail -n 30 "$VAR/log/concerto.log" >&2 || true
	if kill -0 "$_spawned" 2>/dev/null || concerto_pid >/dev/null; then
		die "concerto serve did not open $RUN/concerto.sock within 10 s"
	fi
	die "concerto serve exited at start"
}

concerto_stop() {
	_pid=$(concerto_pid) || { rm -f "$RUN/concerto.pid"; return 0; }
	kill -TERM "$_pid" 2>/dev/null || true
	# In-flight requests get CONCERTO_SHUTDOWN_GRACE (15 s) to finish.
	if ! wait_gone "$_pid" "$((${CONCERTO_SHUTDOWN_GRACE:-15} + 5))"; then
		say "stack: concerto (pid $_pid) ignored SIGTERM; killing its process group" >&2
		kill -KILL "-$_pid" 2>/dev/null || kill -KILL "$_pid" 2>/dev/null || true
		wait_gone "$_pid" 5 || true
	fi
	rm -f "$RUN/concerto.pid"
}

# ---------------------------------------------------------------------- nginx

NGINX_CONF=$VAR/nginx/nginx.conf
nginx_pid() { live_pid "$RUN/nginx.pid" 'nginx: master*'; }

nginx_render() {
	if is_root; then _user='user www-data www-data;'; else _user='# (not root: nginx runs as the invoking user)'; fi
	# Comment lines keep their placeholders (the template's header names them).
	{
		say "# Rendered from $ROOT/nginx/concerto.conf.in by src/sh/stack.sh start;"
		say "# edit the template, not this file."
		sed -e "/^[[:space:]]*#/!{
			s|@PORT@|$PORT|g; s|@RUN@|$RUN|g; s|@WWW@|$WWW|g; s|@VAR@|$VAR|g
			s|@NGINX_DIR@|$ROOT/nginx|g; s|@USER@|$_user|g
		}" "$ROOT/nginx/concerto.conf.in"
	} >"$NGINX_CONF.new"
	if grep -v '^[[:space:]]*#' "$NGINX_CONF.new" | grep '@[A-Z_]*@' >&2; then
		die "placeholders left in $NGINX_CONF.new"
	fi
	mv "$NGINX_CONF.new" "$NGINX_CONF"
}

nginx_start() {
	nginx_render
	_args="-e $VAR/log/nginx-error.log -c $NGINX_CONF -p $VAR/nginx/"
	# shellcheck disable=SC2086
	nginx -q -t $_args || die "nginx rejects $NGINX_CONF"
	if _pid=$(nginx_pid); then
		say "stack: nginx already runs (pid $_pid); reloading its configuration"
		kill -HUP "$_pid"
	else
		# shellcheck disable=SC2086
		nginx $_args || die "nginx did not start (see $VAR/log/nginx-error.log)"
	fi
}

nginx_stop() {
	_pid=$(nginx_pid) || return 0
	kill -QUIT "$_pid" 2>/dev/null || true
	if ! wait_gone "$_pid" 10; then
		kill -TERM "$_pid" 2>/dev/null || true
		wait_gone "$_pid" 5 || say "stack: nginx (pid $_pid) did not stop" >&2
	fi
}

# ------------------------------------------------------------------- commands

cmd_start() {
	[ -x "$BIN" ] || die "$BIN is missing or not executable (make build)"
	command -v nginx >/dev/null 2>&1 || die "nginx is not installed (make deps)"
	[ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 is not installed (make deps)"
	locate create
	pg_init
	pg_start
	pg_roles
	write_env
	(
		# shellcheck disable=SC1091
		. "$VAR/env"
		cd /
		"$BIN" migrate
	) || die "concerto migrate failed"
	if [ "${CONCERTO_DEMO:-1}" = 1 ]; then
		(
			# shellcheck disable=SC1091
			. "$VAR/env"
			cd /
			"$BIN" demo
			for f in "$CONCERTO_SQL_DIR"/demo/*.json; do
				"$BIN" import consultation "$f" || exit 1
			done
		) || die "concerto demo failed"
	fi
	concerto_start
	nginx_start
	if ! wait_http "http://127.0.0.1:$PORT/api/health" 15; then
		say "--- last lines of $VAR/log/concerto.log" >&2
		tail -n 20 "$VAR/log/concerto.log" >&2 || true
		say "--- last lines of $VAR/log/nginx-error.log" >&2
		tail -n 10 "$VAR/log/nginx-error.log" >&2 || true
		die "http://127.0.0.1:$PORT/api/health did not answer 200 within 15 s"
	fi
	say "Concerto runs at http://127.0.0.1:$PORT/ (state in $VAR; \`. $VAR/env\` for the CLI)"
}

cmd_stop() {
	[ -d "$VAR" ] || return 0
	locate
	nginx_stop
	concerto_stop
	pg_stop
}

STOPPED=0
run_stop() {
	[ "$STOPPED" = 0 ] || return 0
	STOPPED=1
	trap '' INT TERM
	say ""
	say "stack: stopping"
	cmd_stop
}

cmd_run() {
	trap 'run_stop; exit 0' INT TERM
	trap 'run_stop' EXIT
	cmd_start
	say "Ctrl-C stops it."
	while :; do
		sleep 1 &
		wait $! || true
		if ! concerto_pid >/dev/null; then
			say "stack: concerto serve has exited; last lines of $VAR/log/concerto.log:" >&2
			tail -n 20 "$VAR/log/concerto.log" >&2 || true
			exit 1
		fi
	done
}

cmd_pg_start() {
	[ -d "$VAR" ] || die "no state directory $VAR (make start first)"
	locate
	[ -f "$PGDATA/PG_VERSION" ] || die "no cluster in $PGDATA (make start first)"
	pg_start
}

cmd_pg_stop() {
	[ -d "$VAR" ] || return 0
	locate
	pg_stop "${1:-fast}"
}

cmd_status() {
	if [ ! -d "$VAR" ]; then
		say "no state directory $VAR"
		return 1
	fi
	locate
	_up=0
	if _pid=$(nginx_pid); then say "nginx:      running (pid $_pid), http://127.0.0.1:$PORT/"; _up=$((_up + 1)); else say "nginx:      stopped"; fi
	if _pid=$(concerto_pid); then say "concerto:   running (master pid $_pid)"; _up=$((_up + 1)); else say "concerto:   stopped"; fi
	if pg_running; then say "postgresql: running ($PGDATA)"; _up=$((_up + 1)); else say "postgresql: stopped"; fi
	[ "$_up" -eq 3 ]
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
run) cmd_run ;;
pg-start) cmd_pg_start ;;
pg-stop) cmd_pg_stop ;;
pg-crash) cmd_pg_stop immediate ;;
status) cmd_status ;;
env)
	[ -f "$VAR/env" ] || die "no $VAR/env (make start first)"
	say "$VAR/env"
	;;
*)
	say "usage: sh src/sh/stack.sh start|stop|run|pg-start|pg-stop|pg-crash|status|env" >&2
	exit 2
	;;
esac
