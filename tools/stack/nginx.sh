# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=sh
# nginx of the stack, sourced by tools/stack/stack: renders
# nginx/concerto.conf.in into $VAR/nginx/nginx.conf, checks it, starts nginx
# with that prefix (or reloads a running one) and stops it gracefully.  As
# root its workers run as www-data.  Uses VAR, RUN, PORT and ROOT; sets WWW.

nginx_conf() { say "$VAR/nginx/nginx.conf"; }
nginx_pid() { live_pid "$RUN/nginx.pid" 'nginx: master*'; }

# Sets WWW, the directory nginx serves: the checkout's www/ when nginx's
# workers (www-data) can read it; otherwise (a checkout under a mode 700
# /root: the state directory is reachable, the checkout is not) a copy in
# $VAR/www, made afresh at every start, so that an edit of www/ shows after
# the next `make start` only.
nginx_www() {
	WWW=$ROOT/www
	if ! is_root || runuser -u www-data -- test -r "$WWW/index.html"; then
		return 0
	fi
	WWW=$VAR/www
	say "stack: www-data cannot read $ROOT/www; nginx serves a copy of it, $WWW (made at every start)"
	rm -rf "$WWW.new"
	cp -R "$ROOT/www" "$WWW.new"
	chmod -R a+rX "$WWW.new"
	rm -rf "$WWW"
	mv "$WWW.new" "$WWW"
}

# Writes the configuration: replaces the template's placeholders outside
# comment lines (the template's header names them) and refuses one left
# over.  Makes the directories it names (conf.d/, the temp files' run/nginx/).
nginx_render() {
	_conf=$(nginx_conf)
	mkdir -p "$VAR/nginx/conf.d" "$RUN/nginx"
	nginx_www
	if is_root; then _user='user www-data www-data;'; else _user='# (not root: nginx runs as the invoking user)'; fi
	{
		say "# Rendered from $ROOT/nginx/concerto.conf.in by tools/stack/nginx.sh;"
		say "# edit the template, not this file."
		sed -e "/^[[:space:]]*#/!{
			s|@PORT@|$PORT|g; s|@RUN@|$RUN|g; s|@WWW@|$WWW|g; s|@VAR@|$VAR|g
			s|@NGINX_DIR@|$ROOT/nginx|g; s|@USER@|$_user|g
		}" "$ROOT/nginx/concerto.conf.in"
	} >"$_conf.new"
	if grep -v '^[[:space:]]*#' "$_conf.new" | grep '@[A-Z_]*@' >&2; then
		die "placeholders left in $_conf.new"
	fi
	mv "$_conf.new" "$_conf"
}

nginx_start() {
	nginx_render
	_args="-e $VAR/log/nginx-error.log -c $(nginx_conf) -p $VAR/nginx/"
	# shellcheck disable=SC2086
	nginx -q -t $_args || die "nginx rejects $(nginx_conf)"
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
