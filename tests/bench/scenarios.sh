# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=bash
# The scenarios of `make bench`, sourced by tests/bench/run.sh: the
# dataset, the baselines' set-up (bare, static copies), one bench_NAME
# function per row, and the steps that are not load (freshness, the
# workers' memory, the group-commit sweep).
#
# Uses (from run.sh): ROOT, CONCERTO_VAR, CONCERTO_RUN, CONCERTO_URL,
# CONCERTO_BIN, CONCERTO_DB_ADMIN, BALLOTS, VOTERS, MAX_CHOICES, CONNS,
# WRK_THREADS, HASH_SLOTS, SCALE, COMMENTS_PER_MINUTE; sets READ_ID,
# VOTE_ID, VOTE_PRIORITIES, FIRST_VOTER and the paths below.

# ------------------------------------------------------------------ dataset
# seed_dataset: the data of the run, by BENCH_SCALE (see run.sh's header).
# Whatever makes it, it leaves: READ_ID (published, with ballots, tallies
# and a comment page of 40 threads), VOTE_ID (open to the vote and to
# comments), VOTE_PRIORITIES, FIRST_VOTER .. FIRST_VOTER + VOTERS - 1 (the
# signed-in participants) and $CONCERTO_VAR/sessions.txt (their "TOKEN
# CSRF" lines).
seed_dataset() {
	case $SCALE in
	small) seed_small ;;
	S) seed_generated ;;
	*) die "BENCH_SCALE is small or S, not $SCALE" ;;
	esac
	READ_PATH=/api/v1/consultations/$READ_ID
	# The page of 40 threads (sort oldest, the default), with their replies.
	COMMENTS_PATH="/api/v1/consultations/$READ_ID/comments?limit=40"
	RESULTS_PATH="/api/v1/consultations/$READ_ID/results?weighting=none"
	RAKED_PATH=/api/v1/consultations/$READ_ID/results
	BALLOT_PATH=/api/v1/consultations/$VOTE_ID/ballot
	COMMENT_PATH=/api/v1/consultations/$VOTE_ID/comments
	export BALLOT_SESSIONS=$CONCERTO_VAR/sessions.txt BALLOT_PRIORITIES=$VOTE_PRIORITIES
	export BALLOT_K=$MAX_CHOICES BALLOT_THREADS=$WRK_THREADS
	export BENCH_LUA_DIR=$ROOT/tests/bench
	check_dataset
}

# The small dataset: tests/bench/seed.sql, then the tallies of its
# published consultation built by the recount command.
seed_small() {
	local out t0 rc
	say "== bench: loading $BALLOTS ballots, $VOTERS signed-in participants and the comment threads (small)"
	t0=$SECONDS
	out=$(psql -X -q -v ON_ERROR_STOP=1 -v ballots="$BALLOTS" -v voters="$VOTERS" \
		-v read_method=ranked -v vote_method=approval -v k="$MAX_CHOICES" \
		-f "$ROOT/tests/bench/seed.sql" "$CONCERTO_DB_ADMIN") ||
		die "tests/bench/seed.sql failed"
	READ_ID=$(awk '$1 == "read" {print $2}' <<<"$out")
	VOTE_ID=$(awk '$1 == "vote" {print $2}' <<<"$out")
	VOTE_PRIORITIES=$(awk '$1 == "priorities" {print $2}' <<<"$out")
	FIRST_VOTER=$(awk '$1 == "first_voter" {print $2}' <<<"$out")
	awk '$1 == "session" {print $2, $3}' <<<"$out" >"$CONCERTO_VAR/sessions.txt"
	if [ -z "$READ_ID" ] || [ -z "$VOTE_ID" ] || [ -z "$VOTE_PRIORITIES" ] || [ -z "$FIRST_VOTER" ]; then
		die "tests/bench/seed.sql printed no ids"
	fi
	say "   loaded in $((SECONDS - t0)) s; recounting consultation $READ_ID"
	t0=$SECONDS
	rc=0
	"$CONCERTO_BIN" results recount "$READ_ID" >"$CONCERTO_VAR/log/recount.log" 2>&1 || rc=$?
	# 3: differences found (none were kept yet) and the tallies rebuilt.
	[ "$rc" = 0 ] || [ "$rc" = 3 ] || { tail -n 5 "$CONCERTO_VAR/log/recount.log" >&2; die "recount failed ($rc)"; }
	say "   $(tail -n 1 "$CONCERTO_VAR/log/recount.log") in $((SECONDS - t0)) s"
}

# Scale S (issue 14): \`concerto dev generate\` (seed 14) of 1,000,000
# accounts, 100 consultations, 2,000,000 ballots and 1,000,000 comments,
# whose tallies it makes equal to a recount; then participants.sql's
# signed-in participants.  READ_ID is the published consultation with the
# most comments, VOTE_ID the voting one with the most ballots, and
# MAX_CHOICES that one's k.
seed_generated() {
	local out t0 db=(psql -X -q -At -v ON_ERROR_STOP=1 "$CONCERTO_DB_ADMIN")
	say "== bench: generating scale S (1,000,000 accounts, 100 consultations, 2,000,000 ballots, 1,000,000 comments)"
	t0=$SECONDS
	out=$("$CONCERTO_BIN" dev generate --accounts 1000000 --consultations 100 \
		--ballots 2000000 --comments 1000000 --seed 14 2>"$CONCERTO_VAR/log/generate.log") ||
		{ tail -n 5 "$CONCERTO_VAR/log/generate.log" >&2; die "concerto dev generate failed"; }
	# "consultation ID PHASE METHOD BALLOTS COMMENTS"
	READ_ID=$(awk '$1 == "consultation" && $3 == "published"' <<<"$out" | sort -k6,6nr | awk 'NR == 1 {print $2}')
	VOTE_ID=$(awk '$1 == "consultation" && $3 == "voting"' <<<"$out" | sort -k5,5nr | awk 'NR == 1 {print $2}')
	if [ -z "$READ_ID" ] || [ -z "$VOTE_ID" ]; then
		die "the generator made no published or no voting consultation"
	fi
	say "   generated in $((SECONDS - t0)) s; read: consultation $READ_ID, vote: consultation $VOTE_ID"
	out=$("${db[@]}" -1 -v voters="$VOTERS" -f "$ROOT/tests/bench/participants.sql" \
		-f "$ROOT/tests/bench/participants_print.sql") || die "tests/bench/participants.sql failed"
	awk '$1 == "session" {print $2, $3}' <<<"$out" >"$CONCERTO_VAR/sessions.txt"
	FIRST_VOTER=$(awk '$1 == "first_voter" {print $2}' <<<"$out")
	VOTE_PRIORITIES=$("${db[@]}" -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM priorities
		WHERE consultation_id = $VOTE_ID AND evidence_status <> 'answered'")
	MAX_CHOICES=$("${db[@]}" -c "SELECT k FROM consultations WHERE id = $VOTE_ID")
	if [ -z "$FIRST_VOTER" ] || [ -z "$VOTE_PRIORITIES" ] || [ -z "$MAX_CHOICES" ]; then
		die "no participants, priorities or k for consultation $VOTE_ID"
	fi
	"${db[@]}" -c "ANALYZE accounts, sessions" || die "ANALYZE failed"
}

# Each request once, as the benchmarks make it.
check_dataset() {
	local n out
	check_request GET "$READ_PATH"
	check_request GET "/__bench/bare?consultation=$READ_ID"
	check_request GET "$RESULTS_PATH"
	check_request GET "$RAKED_PATH"
	check_raked "$RAKED_PATH"
	out=$(check_request GET "$COMMENTS_PATH")
	say "$out"
	n=$(sed -n 's/.*, \([0-9]*\) threads.*/\1/p' <<<"$out")
	[ "${n:-0}" -eq 40 ] || die "GET $COMMENTS_PATH gives ${n:-no} threads, not 40"
	check_request GET "$READ_PATH" signed
	check_request GET "$COMMENTS_PATH" signed
	check_request PUT "$BALLOT_PATH" signed
	check_request POST "$COMMENT_PATH" signed
}

# check_request METHOD PATH [signed]: one request as the benchmark makes it
# (signed: as the first participant of sessions.txt, with the CSRF token on
# a write); dies with the request and the answer unless it is a 2xx.
check_request() {
	# shellcheck disable=SC2016  # JavaScript, not shell
	node -e '
		const [method, url, signed, sessions, ids] = process.argv.slice(1);
		const [token, csrf] = require("fs").readFileSync(sessions, "utf8").split("\n")[0].split(" ");
		const init = { method, headers: {} };
		if (signed === "signed") init.headers.cookie = `__Host-concerto=${token}`;
		if (method === "PUT" || method === "POST") {
			init.headers["content-type"] = "application/json";
			init.headers["x-csrf-token"] = csrf;
			init.headers["x-forwarded-for"] = "10.1.2.3";
			init.body = JSON.stringify(method === "PUT"
				? { choices: ids.split(",").slice(0, 3).map(Number) }
				: { body: `Commentaire de vérification ${Date.now()} : merci.` });
		}
		fetch(url, init).then(async (r) => {
			const body = await r.text();
			if (r.status >= 200 && r.status < 300) {
				let what = "";
				try { const j = JSON.parse(body); if (Array.isArray(j.comments)) what = `, ${j.comments.length} threads`; } catch (e) { /* not JSON */ }
				console.log(`   ${method} ${new URL(url).pathname}${new URL(url).search}${signed ? " (signed in)" : ""}: ${r.status}, ${body.length} bytes${what}`);
				return;
			}
			console.log(`${method} ${url} ${JSON.stringify(init)}\n-> ${r.status} ${body}`);
			process.exit(1);
		}, (e) => { console.log(`${method} ${url}: ${e.message}`); process.exit(1); });
	' "$1" "$CONCERTO_URL$2" "${3:-}" "$CONCERTO_VAR/sessions.txt" "$VOTE_PRIORITIES" ||
		die "$1 $2 does not answer 2xx"
}

# check_raked PATH: dies with the answer unless the results at PATH were
# weighted, and to convergence: raked ("weighting":{"method":"raking",
# "status":"ok",...}) on the small dataset, whose consultation has target
# shares of profiles; post-stratified by département ("method":
# "post-stratification") at scale S, whose generated ones have none.
check_raked() {
	# shellcheck disable=SC2016  # JavaScript, not shell
	node -e '
		const url = process.argv[1];
		fetch(url).then(async (r) => {
			const body = await r.text();
			let w = null;
			try { w = JSON.parse(body).weighting; } catch (e) { /* below */ }
			if (r.status === 200 && w && (w.method === "raking" || w.method === "post-stratification") && w.status === "ok") {
				console.log(`   ${w.method}: ${w.scheme}, ${w.iterations} iterations, ` +
					`n ${w.n}, n_eff ${Math.round(w.n_eff)}`);
				return;
			}
			console.log(`GET ${url}\n-> ${r.status} ${body}`);
			process.exit(1);
		}, (e) => { console.log(`GET ${url}: ${e.message}`); process.exit(1); });
	' "$CONCERTO_URL$1" || die "GET $1 is not weighted results"
}

# ---------------------------------------------------------------- baselines
# Reloads this stack's nginx (tools/stack/nginx.sh renders $CONCERTO_VAR/nginx/nginx.conf
# and runs nginx with that prefix; its pid file is $CONCERTO_RUN/nginx.pid).
nginx_reload() {
	local args=(-e "$CONCERTO_VAR/log/nginx-error.log" -c "$CONCERTO_VAR/nginx/nginx.conf" -p "$CONCERTO_VAR/nginx/")
	nginx -q -t "${args[@]}" || die "nginx rejects the bench configuration"
	nginx -s reload "${args[@]}"
	sleep 1
}

build_bare() {
	mkdir -p "$(dirname "$BARE")"
	# shellcheck disable=SC2046
	cc -std=c17 -O2 -Wall -Wextra -Werror -o "$BARE" "$ROOT/tests/bench/bare.c" \
		$(pkg-config --cflags --libs fcgi libpq) -lpthread
}

# Starts bare on a socket beside Concerto's (in $CONCERTO_RUN, the stack's
# run/) and routes /__bench/bare to it with the /api/ location's parameters
# and settings (nginx/fastcgi.conf and nginx/api-upstream.conf), so that
# nginx does the same work for both and the ratio is the worker's alone.
start_bare() {
	local sock=$CONCERTO_RUN/bare.sock
	mkdir -p "$CONCERTO_VAR/log" "$CONCERTO_VAR/nginx/conf.d"
	BARE_SOCKET_GROUP=${CONCERTO_SOCKET_GROUP:-www-data} CONCERTO_DB=$CONCERTO_DB \
		"$BARE" "$sock" >>"$CONCERTO_VAR/log/bare.log" 2>&1 &
	bare_pid=$!
	echo "$bare_pid" >"$CONCERTO_RUN/bare.pid"
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || die "bare did not open $sock (see $CONCERTO_VAR/log/bare.log)"
	cat >"$CONCERTO_VAR/nginx/conf.d/bare.conf" <<-EOF
	# Written by tests/bench/run.sh; removed when the benchmark ends.
	location = /__bench/bare {
	    fastcgi_pass unix:$sock;
	    include $ROOT/nginx/fastcgi.conf;
	    include $ROOT/nginx/api-upstream.conf;
	}
	EOF
	nginx_reload
	local code
	code=$(http_status /__bench/bare)
	[ "$code" = 200 ] || die "bare answers $code behind nginx (see $CONCERTO_VAR/log/bare.log)"
}

# The HTTP status of GET PATH on the stack (node: curl may be absent).
http_status() {
	node -e 'fetch(process.argv[1]).then(r => console.log(r.status), e => console.log("error " + e.message))' \
		"$CONCERTO_URL$1"
}

# The anonymous reads as static files: each read's body fetched once and
# written under $CONCERTO_VAR/bench-static/, served by nginx at
# /__bench/static/NAME (a bench-only location in conf.d/, like bare's) with
# the headers the worker sends as far as nginx allows: the same
# Content-Type and Cache-Control, nginx's security headers (the server's),
# no ETag, no gzip (as /api/).
STATIC_READS=(read comments results results_raked)
static_path() {
	case $1 in
	read) say "$READ_PATH" ;; comments) say "$COMMENTS_PATH" ;;
	results) say "$RESULTS_PATH" ;; results_raked) say "$RAKED_PATH" ;;
	esac
}
start_static() {
	local dir=$CONCERTO_VAR/bench-static conf=$CONCERTO_VAR/nginx/conf.d/static.conf name hdr
	mkdir -p "$dir"
	say "# Written by tests/bench/run.sh; removed when the benchmark ends." >"$conf"
	for name in "${STATIC_READS[@]}"; do
		# shellcheck disable=SC2016  # JavaScript, not shell
		hdr=$(node -e '
			const [url, file] = process.argv.slice(1);
			fetch(url).then(async (r) => {
				const body = Buffer.from(await r.arrayBuffer());
				if (r.status !== 200) { console.error(`${url}: ${r.status}`); process.exit(1); }
				require("fs").writeFileSync(file, body);
				console.log(`${r.headers.get("content-type")}\t${r.headers.get("cache-control") ?? ""}`);
			}, (e) => { console.error(`${url}: ${e.message}`); process.exit(1); });
		' "$CONCERTO_URL$(static_path "$name")" "$dir/$name.json") || die "cannot copy the read $name"
		chmod 0644 "$dir/$name.json"
		cat >>"$conf" <<-EOF
		location = /__bench/static/$name {
		    alias $dir/$name.json;
		    types { }
		    default_type "${hdr%%$'\t'*}";
		    etag off;
		    gzip off;
		    include $ROOT/nginx/security-headers.conf;
		    add_header Cache-Control "${hdr#*$'\t'}" always;
		}
		EOF
	done
	nginx_reload
	for name in "${STATIC_READS[@]}"; do
		[ "$(http_status "/__bench/static/$name")" = 200 ] || die "nginx does not serve /__bench/static/$name"
	done
	say "   static copies of the reads: $(cd "$dir" && wc -c -- *.json | awk '$2 != "total" {printf "%s %d B  ", $2, $1}')"
}

# ------------------------------------------------------------- benchmarks
# Health, against bare's SELECT 1 (and closing its connections at once as
# Concerto does: context, how much of health/bare that difference makes).
bench_health() { measure health /api/health; }
bench_bare()   { measure bare /__bench/bare; }
bench_bare_close() { measure bare_close "/__bench/bare?close=at-once"; }

# Sign-ins with the right password, as many at once as the host hashes.
bench_signin() {
	measure signin /api/v1/session -c"$HASH_SLOTS" -s "$ROOT/tests/bench/signin.lua"
}

# Health while a sign-in flood (four times what the host can hash) runs
# beside it; the flood's own answers (200 or 503 busy) are not measured.
bench_health_flood() {
	local flood
	if [ "${WARMUP:-0}" = 1 ]; then return; fi
	wrk -t1 -c$((HASH_SLOTS * 4)) -d"$((RUN_SECS + 2))s" -s "$ROOT/tests/bench/signin.lua" \
		"$CONCERTO_URL/api/v1/session" >/dev/null &
	flood=$!
	sleep 1
	measure health_flood /api/health
	wait "$flood"
}

# The four reads, anonymously: the consultation (20 priorities), its page
# of 40 comment threads with their replies, its results raw and raked; and
# their baselines, nginx serving the same bytes (static_*), and bare's
# prepared read of the same consultation as JSON.
bench_read()          { measure read "$READ_PATH"; }
bench_comments()      { measure comments "$COMMENTS_PATH"; }
bench_results()       { measure results "$RESULTS_PATH"; }
bench_results_raked() { measure results_raked "$RAKED_PATH"; }
bench_static_read()          { measure static_read /__bench/static/read; }
bench_static_comments()      { measure static_comments /__bench/static/comments; }
bench_static_results()       { measure static_results /__bench/static/results; }
bench_static_results_raked() { measure static_results_raked /__bench/static/results_raked; }
bench_bare_read() { measure bare_read "/__bench/bare?consultation=$READ_ID"; }

# The same four reads signed in (read.lua: the cookie of one of VOTERS
# participants, each in turn), against bare's SELECT 1 in the same set.
signed() { READ_SESSIONS=$CONCERTO_VAR/sessions.txt READ_THREADS=$WRK_THREADS measure "$@" -s "$ROOT/tests/bench/read.lua"; }
bench_read_in()          { signed read_in "$READ_PATH"; }
bench_comments_in()      { signed comments_in "$COMMENTS_PATH"; }
bench_results_in()       { signed results_in "$RESULTS_PATH"; }
bench_results_raked_in() { signed results_raked_in "$RAKED_PATH"; }
bench_bare_in()          { measure bare_in /__bench/bare; }

# Each read at half its peak (the median of its runs so far), paced by
# read.lua's delay(): its p99 at that rate.
half() {
	local name=$1 base=${1%_half} path=$2 rate
	shift 2
	rate=$(awk -v r="$(median "${RATE[$base]:-}")" 'BEGIN {printf "%d", r / 2}')
	[ "$rate" -gt 0 ] || rate=100
	READ_RATE=$rate READ_THREADS=$WRK_THREADS measure "$name" "$path" -s "$ROOT/tests/bench/read.lua" "$@"
}
bench_read_half()          { half read_half "$READ_PATH"; }
bench_comments_half()      { half comments_half "$COMMENTS_PATH"; }
bench_results_half()       { half results_half "$RESULTS_PATH"; }
bench_results_raked_half() { half results_raked_half "$RAKED_PATH"; }
halfs() { READ_SESSIONS=$CONCERTO_VAR/sessions.txt half "$@"; }
bench_read_in_half()          { halfs read_in_half "$READ_PATH"; }
bench_comments_in_half()      { halfs comments_in_half "$COMMENTS_PATH"; }
bench_results_in_half()       { halfs results_in_half "$RESULTS_PATH"; }
bench_results_raked_in_half() { halfs results_raked_in_half "$RAKED_PATH"; }

# Writes, on durable settings (the set's PostgreSQL mode: see pg_mode in
# lib.sh), and the same on the stack's fast ones (*_fast).  Ballots
# replaced by VOTERS participants (ballot.lua); new comment threads by
# them (comment.lua); pgbench running the same transactions for the same
# participants at the same concurrency (ballot_put.pgbench,
# comment_post.pgbench), and upserting a bare ballot row
# (ballot.pgbench: the yardstick of both).
w_ballot()  { measure "$1" "$BALLOT_PATH" -s "$ROOT/tests/bench/ballot.lua"; }
w_comment() {
	COMMENT_SESSIONS=$CONCERTO_VAR/sessions.txt COMMENT_THREADS=$WRK_THREADS \
		measure "$1" "$COMMENT_PATH" -s "$ROOT/tests/bench/comment.lua"
}
w_pgbench() {
	measure_pgbench "$1" "$ROOT/tests/bench/ballot.pgbench" -D cid="$VOTE_ID" \
		-D voters="$VOTERS" -D k="$MAX_CHOICES" -D first="${VOTE_PRIORITIES%%,*}" -D last="${VOTE_PRIORITIES##*,}"
}
w_pgbench_ballot() {
	measure_pgbench "$1" "$ROOT/tests/bench/ballot_put.pgbench" -D cid="$VOTE_ID" \
		-D voters="$VOTERS" -D first_voter="$FIRST_VOTER" -D k="$MAX_CHOICES" \
		-D prios="$VOTE_PRIORITIES"
}
w_pgbench_comment() {
	measure_pgbench "$1" "$ROOT/tests/bench/comment_post.pgbench" -D cid="$VOTE_ID" \
		-D voters="$VOTERS" -D first_voter="$FIRST_VOTER" -D per_minute="$COMMENTS_PER_MINUTE"
}
bench_ballot()               { w_ballot ballot; }
bench_comment()              { w_comment comment; }
bench_pgbench()              { w_pgbench pgbench; }
bench_pgbench_ballot()       { w_pgbench_ballot pgbench_ballot; }
bench_pgbench_comment()      { w_pgbench_comment pgbench_comment; }
bench_ballot_fast()          { w_ballot ballot_fast; }
bench_comment_fast()         { w_comment comment_fast; }
bench_pgbench_fast()         { w_pgbench pgbench_fast; }
bench_pgbench_ballot_fast()  { w_pgbench_ballot pgbench_ballot_fast; }
bench_pgbench_comment_fast() { w_pgbench_comment pgbench_comment_fast; }

# 90% reads (the four signed-in reads in turn), 9% ballots, 1% comments,
# from the VOTERS (10,000) signed-in sessions (mixed.lua), durable.
bench_mixed() {
	MIXED_SESSIONS=$CONCERTO_VAR/sessions.txt MIXED_THREADS=$WRK_THREADS \
	MIXED_READS="$READ_PATH $COMMENTS_PATH $RESULTS_PATH $RAKED_PATH" \
	MIXED_BALLOT=$BALLOT_PATH MIXED_COMMENT=$COMMENT_PATH \
		measure mixed "$READ_PATH" -s "$ROOT/tests/bench/mixed.lua"
}

# --------------------------------------------------------------- freshness
# freshness: as an admin (made with `concerto user add --role admin`,
# signed in by a session written in SQL with its second factor done, as
# seed.sql writes the participants'), PATCH the title of the consultation
# open to the vote, then poll its anonymous read (as a visitor: no cookie,
# no cache-busting query, so a cache in front of it counts) every 10 ms
# until the new title shows, for at most 5 s.  Sets FRESH_MS (-1: never).
freshness() {
	local pw out token csrf
	pw="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
	if ! psql -X -qAt -c "SELECT 1 FROM accounts WHERE email = 'bench-admin@concerto.test'" \
		"$CONCERTO_DB_ADMIN" | grep -q 1; then
		printf '%s\n' "$pw" | "$CONCERTO_BIN" user add --email bench-admin@concerto.test \
			--role admin --pseudonym bench-admin --password-stdin >/dev/null ||
			die "cannot create the admin account"
	fi
	out=$(psql -X -qAt -v ON_ERROR_STOP=1 "$CONCERTO_DB_ADMIN" <<-'EOF'
	WITH t AS (
		SELECT translate(rtrim(encode(gen_random_bytes(32), 'base64'), '='), '+/', '-_') AS token,
		    translate(rtrim(encode(gen_random_bytes(32), 'base64'), '='), '+/', '-_') AS csrf
	), s AS (
		INSERT INTO sessions (token_hash, csrf_hash, account_id, second_factor, expires_at)
		SELECT digest(t.token, 'sha256'), digest(t.csrf, 'sha256'), a.id, true,
		    now() + interval '1 hour'
		FROM t, accounts a WHERE a.email = 'bench-admin@concerto.test'
		RETURNING 1
	)
	SELECT token || ' ' || csrf FROM t, s;
	EOF
	) || die "cannot make the admin's session"
	read -r token csrf <<<"$out"
	[ -n "$csrf" ] || die "no admin session"
	# shellcheck disable=SC2016  # JavaScript, not shell
	FRESH_MS=$(node -e '
		const [url, token, csrf] = process.argv.slice(1);
		const title = `Priorités de recherche, version ${Date.now()}`;
		(async () => {
			const r = await fetch(url, { method: "PATCH", headers: {
				"content-type": "application/json", cookie: `__Host-concerto=${token}`,
				"x-csrf-token": csrf }, body: JSON.stringify({ title_fr: title }) });
			if (r.status !== 200) { console.error(`PATCH ${url}: ${r.status} ${await r.text()}`); console.log(-1); return; }
			const t0 = performance.now();
			const needle = JSON.stringify(title).slice(1, -1);
			while (performance.now() - t0 < 5000) {
				const g = await fetch(url);
				const body = await g.text();
				if (g.status === 200 && body.includes(needle)) { console.log(Math.round(performance.now() - t0)); return; }
				await new Promise((ok) => setTimeout(ok, 10));
			}
			console.log(-1);
		})().catch((e) => { console.error(e.message); console.log(-1); });
	' "$CONCERTO_URL/api/v1/consultations/$VOTE_ID" "$token" "$csrf")
	say "   freshness: the new title showed after ${FRESH_MS} ms (-1: not within 5 s)"
}

# ------------------------------------------------------------------ memory
# worker_memory: one line per `concerto serve` worker (the children of the
# master of $CONCERTO_RUN/concerto.pid): "PID RSS_KIB REQUESTS".  Requests
# are counted in the service's log, whose lines name the worker by its
# index; indexes are given in fork order, so they pair with the children
# sorted by start time (a worker restarted during the run breaks the
# pairing, and the master's log says so).
worker_memory() {
	local master pids p i=0 log=$CONCERTO_VAR/log/concerto.log
	master=$(head -n 1 "$CONCERTO_RUN/concerto.pid" | tr -dc 0-9)
	[ -n "$master" ] || return 0
	pids=$(for p in /proc/[0-9]*; do
		awk -v m="$master" -v p="${p#/proc/}" '{
			sub(/^.*\) /, ""); if ($2 == m) print $20, p }' "$p/stat" 2>/dev/null
	done | sort -n | awk '{print $2}')
	sleep 0.2	# the log writer's last lines
	for p in $pids; do
		printf '%s %s %s\n' "$p" \
			"$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)" \
			"$(grep -c "\"worker\":$i," "$log" 2>/dev/null || true)"
		i=$((i + 1))
	done
}

# ---------------------------------------------------------- group commit
# BENCH_GROUP_COMMIT="DELAY/SIBLINGS ...": after the rounds, runs the
# durable ballot PUT, comment POST and pgbench's ballot_put() under each
# commit_delay (microseconds) / commit_siblings, ROUNDS rounds of
# DURATION each, the settings alternating, and reports them beside the
# configured one: what DURABLE_SETTINGS's group commit was chosen from.
group_commit_sweep() {
	local s d n base=("${DURABLE_SETTINGS[@]}") kv
	say "== bench: group commit: ${BENCH_GROUP_COMMIT}"
	for round in $(seq "$ROUNDS"); do
		for s in $BENCH_GROUP_COMMIT; do
			d=${s%/*} n=${s#*/}
			DURABLE_SETTINGS=()
			for kv in "${base[@]}"; do
				case $kv in commit_delay=* | commit_siblings=*) ;; *) DURABLE_SETTINGS+=("$kv") ;; esac
			done
			DURABLE_SETTINGS+=("commit_delay=$d" "commit_siblings=$n")
			PG_MODE=changed
			pg_mode durable
			slice=$s RUN_SECS=$DURATION
			w_ballot "gc_${d}_${n}_ballot"
			w_comment "gc_${d}_${n}_comment"
			w_pgbench_ballot "gc_${d}_${n}_pgbench_ballot"
		done
	done
	DURABLE_SETTINGS=("${base[@]}")
	PG_MODE=changed
	pg_mode durable
	{
		say ""
		say "== group commit (durable; medians of $ROUNDS runs of ${DURATION}s; configured: ${base[*]})"
		printf '%-22s %12s %12s %12s\n' "delay/siblings" "ballot" "comment" "pgbench_ballot"
		for s in $BENCH_GROUP_COMMIT; do
			d=${s%/*} n=${s#*/}
			printf '%-22s %12.0f %12.0f %12.0f\n' "$s" "$(median "${RATE[gc_${d}_${n}_ballot]}")" \
				"$(median "${RATE[gc_${d}_${n}_comment]}")" "$(median "${RATE[gc_${d}_${n}_pgbench_ballot]}")"
		done
	} | tee -a "$REPORT"
}
