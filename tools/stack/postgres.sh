# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=sh
# PostgreSQL of the stack, sourced by tools/stack/stack: the cluster in
# $PGDATA (made by initdb on the first start), started and stopped with
# pg_ctl as the postgres user, listening on a unix socket in $PGSOCK only;
# the roles and the database; the schema (`concerto migrate`) and the demo
# data.  Uses PGDATA, PGSOCK, PGLOG, VAR, ROOT and BIN.

PGBIN=/usr/lib/postgresql/15/bin

pg_installed() { [ -x "$PGBIN/pg_ctl" ]; }

pg_running() {
	[ -f "$PGDATA/PG_VERSION" ] || return 1
	as_pg "$PGBIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

# Creates the cluster when there is none, and writes the settings of this
# stack into concerto.conf, which postgresql.conf includes.  The socket
# directory (which also holds the server's log) is postgres's; as root, the
# workers' group (concerto: service.sh) may only pass through it to the socket.
pg_init() {
	mkdir -p "$PGSOCK"
	if is_root; then
		chown postgres:concerto "$PGSOCK"
		chmod 0710 "$PGSOCK"
	else
		chmod 0700 "$PGSOCK"
	fi
	ln -sfn "$PGLOG" "$VAR/log/postgres.log"
	[ -f "$PGDATA/PG_VERSION" ] || pg_initdb
	pg_write_conf
}

pg_initdb() {
	is_root && ! id postgres >/dev/null 2>&1 && die "no postgres user (make deps installs PostgreSQL)"
	mkdir -p "$PGDATA"
	is_root && chown postgres:postgres "$PGDATA"
	chmod 0700 "$PGDATA"
	say "stack: creating the PostgreSQL cluster in $PGDATA"
	as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust \
		--auth-host=reject -E UTF8 --locale=C.UTF-8 >"$VAR/log/initdb.log" 2>&1 ||
		{ cat "$VAR/log/initdb.log" >&2; die "initdb failed"; }
	printf "\ninclude_if_exists = 'concerto.conf'\n" >>"$PGDATA/postgresql.conf"
}

pg_write_conf() {
	# Every worker thread holds a connection, old and new workers overlap
	# during a SIGHUP roll-over, and the benchmark's bare program has as many.
	_w=${CONCERTO_WORKERS:-$(nproc)}
	_t=${CONCERTO_THREADS:-4}
	_max=$((3 * _w * _t + 20))
	[ "$_max" -ge 100 ] || _max=100
	{
		say "# Written by tools/stack/postgres.sh at every start; included from postgresql.conf."
		say "# Unix socket only, in a directory only postgres (and root) can enter."
		say "listen_addresses = ''"
		say "unix_socket_directories = '$PGSOCK'"
		say "max_connections = $_max"
		say "# Statistics of every statement the workers send (pg_stat_statements)."
		say "shared_preload_libraries = 'pg_stat_statements'"
		say "pg_stat_statements.track = top"
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
		{ tail_log "$PGLOG" 20; die "PostgreSQL did not start (log: $PGLOG)"; }
}

# pg_stop [MODE]: fast by default; immediate kills every backend at once.
pg_stop() {
	pg_running || return 0
	as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA" -m "${1:-fast}" -w -t 60 >/dev/null
}

# The roles and the database, idempotently (design: workers connect as
# concerto_app with DML only; migrations run as concerto_owner), with the
# recipe production uses (sql/setup/database.sql).
pg_roles() {
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -v db=concerto -h "$PGSOCK" \
		-U postgres -d postgres -f "$ROOT/sql/setup/database.sql" >/dev/null
}

# Applies the migrations of sql/ (`concerto migrate`, with the env file
# that service.sh writes).
pg_migrate() {
	(
		# shellcheck disable=SC1091
		. "$VAR/env"
		cd /
		"$BIN" migrate
	) || die "concerto migrate failed"
}

# The demo accounts and the consultations of sql/demo/ (CONCERTO_DEMO=1).
pg_load_demo() {
	(
		# shellcheck disable=SC1091
		. "$VAR/env"
		cd /
		"$BIN" demo
		for f in "$CONCERTO_SQL_DIR"/demo/*.json; do
			"$BIN" import consultation "$f" || exit 1
		done
	) || die "concerto demo failed"
}
