# shellcheck shell=sh
# nginx of the stack, sourced by tools/stack/stack: renders
# nginx/concerto.conf.in into $VAR/nginx/nginx.conf, checks it, starts nginx
# with that prefix (or reloads a running one) and stops it gracefully.  As
# root its workers run as www-data.  Uses VAR, RUN, WWW, PORT and ROOT.

nginx_conf() { say "$VAR/nginx/nginx.conf"; }
nginx_pid() { live_pid "$RUN/nginx.pid" 'nginx: master*'; }

# Replaces the template's placeholders outside comment lines (the
# template's header names them); refuses a placeholder left over.
nginx_render() {
	_conf=$(nginx_conf)
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
