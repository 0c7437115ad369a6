# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=sh
# `concerto serve` of the stack, sourced by tools/stack/stack: the env file
# that addresses this instance ($VAR/env, also sourced by the CLI and the
# tests), the throttling secret, and the FastCGI master started in a session
# of its own (pid file $RUN/concerto.pid, socket $RUN/concerto.sock) and
# stopped gracefully.  Uses VAR, RUN, PGSOCK, PGDATA, PORT, ROOT and BIN.

# The throttling secret of this instance: random, readable by its owner only.
throttle_key() {
	[ -s "$VAR/secrets/throttle.key" ] && return 0
	( umask 077 && mkdir -p "$VAR/secrets" &&
	  head -c 32 /dev/urandom >"$VAR/secrets/throttle.key.new" &&
	  mv "$VAR/secrets/throttle.key.new" "$VAR/secrets/throttle.key" ) ||
		die "cannot write $VAR/secrets/throttle.key"
}

# Started as root, serve runs its workers as an account of their own (it
# refuses to run them as root): the system account concerto, made here if
# the machine has none (no home, no shell).
service_user() {
	[ "$(id -u)" = 0 ] || return 0
	id -u concerto >/dev/null 2>&1 && return 0
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin concerto ||
		die "cannot create the system account concerto for the workers"
}

# The key sealing the TOTP secrets (64 hex digits), readable by its owner
# only: the user who runs the stack, which is the user serve runs as.
secret_key() {
	[ -s "$VAR/secrets/secret.key" ] && return 0
	( umask 077 && mkdir -p "$VAR/secrets" &&
	  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$VAR/secrets/secret.key.new" &&
	  echo >>"$VAR/secrets/secret.key.new" &&
	  mv "$VAR/secrets/secret.key.new" "$VAR/secrets/secret.key" ) ||
		die "cannot write $VAR/secrets/secret.key"
}

write_env() {
	throttle_key
	secret_key
	{
		say "# Written by tools/stack/service.sh at every start.  \`. $VAR/env\` lets"
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
			"CONCERTO_MAIL_FROM=${CONCERTO_MAIL_FROM:-Concerto <no-reply@concerto.test>}" \
			"CONCERTO_SECRET_KEY_FILE=$VAR/secrets/secret.key" \
			"CONCERTO_BIN=$BIN"; do
			say "export ${_kv%%=*}=$(sq "${_kv#*=}")"
		done
		[ "$(id -u)" != 0 ] || say "export CONCERTO_USER=concerto"
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
	concerto_wait_socket "$!"
}

# concerto_wait_socket PID: true once the master of PID (the subshell that
# execs setsid) has opened its socket, within 10 s; dies with the log's
# last lines otherwise.
concerto_wait_socket() {
	_n=100
	while [ "$_n" -gt 0 ]; do
		[ -S "$RUN/concerto.sock" ] && concerto_pid >/dev/null && return 0
		# (setsid may fork: the master is then no longer $1)
		kill -0 "$1" 2>/dev/null || concerto_pid >/dev/null || break
		sleep 0.1
		_n=$((_n - 1))
	done
	tail_log "$VAR/log/concerto.log" 30
	if kill -0 "$1" 2>/dev/null || concerto_pid >/dev/null; then
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
