#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions run indirectly (trap, bench_$name)
# `make bench`: wrk against Concerto and against the bare FastCGI program
# (tests/bench/bare.c) behind the same nginx, in one run, on a stack of its
# own (state in $BENCH_VAR, port $BENCH_PORT or 8282, the optimised
# build/concerto).  Each benchmark runs ROUNDS times, alternating with the
# others so that drift in the machine hits them alike; the median is kept.
#
# Adding a benchmark: write a bench_NAME function that calls
#   measure NAME PATH [wrk options...]
# (or measure_pgbench NAME SCRIPT [pgbench options...]) and add NAME to
# BENCHES; to compare two of them, add "A B TARGET" to RATIOS (rate of A /
# rate of B should be at least TARGET).
#
# Consultations (issue 4): tests/bench/seed.sql loads two consultations of
# 20 priorities, one published with BENCH_BALLOTS ballots (1,000,000) whose
# tallies `concerto results recount` builds, one open to the vote with
# BENCH_VOTERS (1000) signed-in participants; then its read is measured
# against bare's prepared read of the same JSON, PUT ballot (ballot.lua)
# against pgbench running the PUT's own transaction, ballot_put()
# (ballot_put.pgbench), with as many clients for as long (pgbench upserting
# a bare ballot row, ballot.pgbench, is reported beside it), and the
# results against the read.
#
# Weighting (issue 5): the ballots of the published consultation lie in
# the eight IDF départements (scheme idf-departements) across the six
# profiles, which have target shares: its default results are raked
# (results_raked), measured against the unweighted ones
# (results, ?weighting=none).
#
# Drift: this 2-core machine's speed wanders by a tenth from one second to
# the next, and the ballot load leaves background work (autovacuum,
# checkpoints) behind it.  So benchmarks that are compared run as a set
# (SETS below): within each round their runs alternate in BENCH_SLICES
# slices of BENCH_DURATION / BENCH_SLICES seconds (health, bare, health,
# bare, ...), and the ratio of two members of a set is the median of the
# ratios of their adjacent slices, which drift hits alike.  pgbench runs
# are not sliced: each opens new database sessions, whose first
# transactions (catalog caches, plpgsql compiled anew) would weigh on a
# 2-second run, while the service's connections stay warm; so the set that
# holds pgbench runs whole rounds of BENCH_DURATION.
#
# Environment: BENCH_PORT (8282), BENCH_VAR (state directory: var/bench, or
# the directory tools/stack/default-var names when postgres or www-data
# cannot reach it),
# BENCH_DURATION (seconds of each benchmark per round, 10), BENCH_SLICES
# (slices per round, 5),
# BENCH_BALLOTS (1000000), BENCH_VOTERS (1000),
# BENCH_ROUNDS (3), BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 2),
# CONCERTO_WORKERS / CONCERTO_THREADS (the same for Concerto and bare),
# BENCH_STRICT=1 to exit non-zero when a target is missed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD

if [ -n "${BENCH_VAR:-}" ]; then
	CONCERTO_VAR=$BENCH_VAR
else
	CONCERTO_VAR=$(sh "$ROOT/tools/stack/default-var" "$ROOT/var/bench")
fi
export CONCERTO_VAR
export PORT=${BENCH_PORT:-8282}
export CONCERTO_BIN=$ROOT/build/concerto
export CONCERTO_DEMO=0
export CONCERTO_FAST_PG=1
export CONCERTO_WORKERS=${CONCERTO_WORKERS:-2}
export CONCERTO_THREADS=${CONCERTO_THREADS:-4}

DURATION=${BENCH_DURATION:-10}
SLICES=${BENCH_SLICES:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_THREADS:-2}
BALLOTS=${BENCH_BALLOTS:-1000000}
VOTERS=${BENCH_VOTERS:-1000}
MAX_CHOICES=5		# K of both consultations (max_ranks, max_choices)
SLICE=$((DURATION / SLICES))	# seconds of one sliced run
[ "$SLICE" -ge 1 ] || SLICE=1
RUN_SECS=$SLICE			# seconds of the current run
BARE=$ROOT/build/bench/bare
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
REPORT=$CONCERTO_VAR-report.txt

say() { printf '%s\n' "$*"; }
die() { say "bench: $*" >&2; exit 1; }
stack() { sh "$ROOT/tools/stack/stack" "$@"; }

for need in "$CONCERTO_BIN" "$ROOT/tools/stack/stack"; do
	[ -e "$need" ] || die "missing $need (run: make bench)"
done
command -v wrk >/dev/null || die "wrk is missing (make deps installs it)"
[ -x "$PGBENCH" ] || die "$PGBENCH is missing (postgresql-15 installs it)"
command -v psql >/dev/null || die "psql is missing (postgresql-client)"

# ------------------------------------------------------------ set-up, tear-down
stack_up=0
bare_pid=
cleanup() {
	set +e
	if [ -n "$bare_pid" ] && kill -0 "$bare_pid" 2>/dev/null; then
		kill -TERM "$bare_pid"
		for _ in $(seq 50); do kill -0 "$bare_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$bare_pid" 2>/dev/null
	fi
	rm -f "$CONCERTO_VAR/run/bare.pid" "$CONCERTO_VAR/nginx/conf.d/bare.conf"
	if [ "$stack_up" = 1 ]; then
		stack_up=0
		stack stop >/dev/null 2>&1 || say "bench: stack stop failed" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_bare() {
	mkdir -p "$(dirname "$BARE")"
	# shellcheck disable=SC2046
	cc -std=c17 -O2 -Wall -Wextra -Werror -o "$BARE" "$ROOT/tests/bench/bare.c" \
		$(pkg-config --cflags --libs fcgi libpq) -lpthread
}

# Stops what a previous run may have left in $CONCERTO_VAR, then wipes it.
wipe_previous() {
	[ -d "$CONCERTO_VAR" ] || return 0
	local pid
	if [ -f "$CONCERTO_VAR/run/bare.pid" ]; then
		pid=$(tr -dc 0-9 <"$CONCERTO_VAR/run/bare.pid")
		# Only a process that is bare (a stale pid file may name a stranger).
		if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'bench/bare'; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	fi
	stack stop >/dev/null 2>&1 || true
	rm -rf "$CONCERTO_VAR"
}

# Reloads this stack's nginx (tools/stack/nginx.sh renders $CONCERTO_VAR/nginx/nginx.conf
# and runs nginx with that prefix; its pid file is $CONCERTO_RUN/nginx.pid).
nginx_reload() {
	local args=(-e "$CONCERTO_VAR/log/nginx-error.log" -c "$CONCERTO_VAR/nginx/nginx.conf" -p "$CONCERTO_VAR/nginx/")
	nginx -q -t "${args[@]}" || die "nginx rejects the bench configuration"
	nginx -s reload "${args[@]}"
	sleep 1
}

# Starts bare on a socket beside Concerto's (in $CONCERTO_RUN, the stack's
# run/) and routes /__bench/bare to it with the /api/ location's parameters
# and settings (nginx/fastcgi.conf and nginx/api-upstream.conf), so that
# nginx does the same work for both and the ratio is the worker's alone.
start_bare() {
	local run=${CONCERTO_RUN:-$CONCERTO_VAR/run}
	local sock=$run/bare.sock
	mkdir -p "$CONCERTO_VAR/log" "$CONCERTO_VAR/nginx/conf.d"
	BARE_SOCKET_GROUP=${CONCERTO_SOCKET_GROUP:-www-data} CONCERTO_DB=$CONCERTO_DB \
		"$BARE" "$sock" >>"$CONCERTO_VAR/log/bare.log" 2>&1 &
	bare_pid=$!
	echo "$bare_pid" >"$run/bare.pid"
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

# ---------------------------------------------------------------- consultations
# Loads tests/bench/seed.sql, builds the tallies of the ballots with the
# recount command, and checks each consultation request once: READ_ID,
# VOTE_ID, VOTE_PRIORITIES and the ballot.lua settings come out of it.
seed_consultations() {
	local out t0 rc
	say "== bench: loading $BALLOTS ballots and $VOTERS signed-in participants"
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
	export BALLOT_SESSIONS=$CONCERTO_VAR/sessions.txt BALLOT_PRIORITIES=$VOTE_PRIORITIES
	export BALLOT_K=$MAX_CHOICES BALLOT_THREADS=$WRK_THREADS
	check_request GET "/api/v1/consultations/$READ_ID"
	check_request GET "/__bench/bare?consultation=$READ_ID"
	check_request GET "/api/v1/consultations/$READ_ID/results?weighting=none"
	check_request GET "/api/v1/consultations/$READ_ID/results"
	check_raked "/api/v1/consultations/$READ_ID/results"
	check_request PUT "/api/v1/consultations/$VOTE_ID/ballot"
}

# check_request METHOD PATH: one request as the benchmark makes it (a PUT
# as the first participant); dies with the request and the answer unless
# it is a 200.
check_request() {
	# shellcheck disable=SC2016  # JavaScript, not shell
	node -e '
		const [method, url, sessions, ids] = process.argv.slice(1);
		const [token, csrf] = require("fs").readFileSync(sessions, "utf8").split("\n")[0].split(" ");
		const init = { method, headers: {} };
		if (method === "PUT") {
			init.headers = { "content-type": "application/json",
				cookie: `__Host-concerto=${token}`, "x-csrf-token": csrf };
			init.body = JSON.stringify({ choices: ids.split(",").slice(0, 3).map(Number) });
		}
		fetch(url, init).then(async (r) => {
			const body = await r.text();
			if (r.status === 200) {
				console.log(`   ${method} ${new URL(url).pathname}${new URL(url).search}: 200, ${body.length} bytes`);
				return;
			}
			console.log(`${method} ${url} ${JSON.stringify(init)}\n-> ${r.status} ${body}`);
			process.exit(1);
		}, (e) => { console.log(`${method} ${url}: ${e.message}`); process.exit(1); });
	' "$1" "$CONCERTO_URL$2" "$CONCERTO_VAR/sessions.txt" "$VOTE_PRIORITIES" ||
		die "$1 $2 does not answer 200"
}

# check_raked PATH: dies with the answer unless the results at PATH were
# raked, and raked to convergence ("weighting":{"method":"raking",
# "status":"ok",...}).
check_raked() {
	# shellcheck disable=SC2016  # JavaScript, not shell
	node -e '
		const url = process.argv[1];
		fetch(url).then(async (r) => {
			const body = await r.text();
			let w = null;
			try { w = JSON.parse(body).weighting; } catch (e) { /* below */ }
			if (r.status === 200 && w && w.method === "raking" && w.status === "ok") {
				console.log(`   raked: ${w.scheme}, ${w.iterations} iterations, ` +
					`n ${w.n}, n_eff ${Math.round(w.n_eff)}`);
				return;
			}
			console.log(`GET ${url}\n-> ${r.status} ${body}`);
			process.exit(1);
		}, (e) => { console.log(`GET ${url}: ${e.message}`); process.exit(1); });
	' "$CONCERTO_URL$1" || die "GET $1 is not raked results"
}

# ---------------------------------------------------------------- measurement
declare -A RATE P99 ERRS
declare -a RUN_LOG=()

# Converts a wrk latency (e.g. 812.00us, 3.41ms, 1.02s) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
		printf "%.3f", n }'
}

# record NAME RATE P99_MS ERRORS: keeps one run's figures under NAME (in
# the order of the runs: the i-th runs of a set's members are adjacent).
record() {
	local name=$1 rate=$2 p99=$3 errs=$4
	RATE[$name]+="$rate "
	P99[$name]+="$p99 "
	ERRS[$name]=$(( ${ERRS[$name]:-0} + errs ))
	RUN_LOG+=("$(printf '%-14s round %s.%s  %10.0f req/s  p99 %8s ms  errors %s' "$name" "$round" "$slice" "$rate" "$p99" "$errs")")
	say "   ${RUN_LOG[-1]}"
}

# measure NAME PATH [wrk options]: one wrk run, recorded under NAME (with
# WARMUP=1: a short run, not recorded).
measure() {
	local name=$1 path=$2 out rate p99 errs
	shift 2
	if [ "${WARMUP:-0}" = 1 ]; then
		wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "$@" "$CONCERTO_URL$path" >/dev/null
		return
	fi
	out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${RUN_SECS}s" --latency "$@" "$CONCERTO_URL$path")
	rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	errs=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
	[ -n "$rate" ] || { say "$out"; die "$name: no rate in wrk's output"; }
	record "$name" "$rate" "$(to_ms "$p99")" "$errs"
}

# measure_pgbench NAME SCRIPT [pgbench options]: one pgbench run on the
# stack's database as the application role, with wrk's concurrency and
# duration (CONNS clients, WRK_THREADS threads, prepared statements);
# its p99 comes from the per-transaction log.
measure_pgbench() {
	local name=$1 script=$2 out rate p99 errs logs=$CONCERTO_VAR/pgbench
	shift 2
	if [ "${WARMUP:-0}" = 1 ]; then
		out=$("$PGBENCH" -n -M prepared -c "$CONNS" -j "$WRK_THREADS" -T 2 \
			-f "$script" "$@" "$CONCERTO_DB" 2>&1) ||
			{ say "$out" | tail -n 5; die "$name: pgbench failed (warm-up)"; }
		return
	fi
	rm -rf "$logs"
	mkdir -p "$logs"
	out=$("$PGBENCH" -n -M prepared -c "$CONNS" -j "$WRK_THREADS" -T "$RUN_SECS" \
		-l --log-prefix="$logs/tx" -f "$script" "$@" "$CONCERTO_DB" 2>&1) ||
		{ say "$out"; die "$name: pgbench failed"; }
	rate=$(awk '/^tps = / {print $3; exit}' <<<"$out")
	errs=$(awk '/^number of failed transactions:/ {print $5} /^number of transactions actually processed:/ {split($6, a, "/"); if (a[2] != "") print a[2] - a[1]}' <<<"$out" | awk '{n += $1} END {print n + 0}')
	# Log lines: client transaction latency_us script epoch epoch_us.
	p99=$(cat "$logs"/tx.* | awk '{print $3}' | sort -n |
		awk '{a[NR] = $1} END {i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f", a[i] / 1000}')
	[ -n "$rate" ] || { say "$out"; die "$name: no tps in pgbench's output"; }
	record "$name" "$rate" "$p99" "$errs"
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# The benchmarks, in the order they alternate.
bench_health() { measure health /api/health; }
bench_bare()   { measure bare /__bench/bare; }
# bare closing its connections at once as Concerto does (context: how much
# of health/bare that difference makes; no target).
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

# A consultation of 20 priorities (READ_ID, with the ballots), anonymously,
# and bare's prepared read of the same consultation as JSON.
bench_read()      { measure read "/api/v1/consultations/$READ_ID"; }
bench_bare_read() { measure bare_read "/__bench/bare?consultation=$READ_ID"; }

# Ballots replaced by VOTERS participants (ballot.lua), against pgbench
# upserting ballots into bench_ballots with the same clients, for as long.
bench_ballot() {
	measure ballot "/api/v1/consultations/$VOTE_ID/ballot" -s "$ROOT/tests/bench/ballot.lua"
}
bench_pgbench() {
	measure_pgbench pgbench "$ROOT/tests/bench/ballot.pgbench" -D cid="$VOTE_ID" \
		-D voters="$VOTERS" -D k="$MAX_CHOICES" -D first="${VOTE_PRIORITIES%%,*}" -D last="${VOTE_PRIORITIES##*,}"
}
# The same clients running ballot_put() itself, the transaction a PUT
# runs: PUT ballot / pgbench_ballot is what HTTP, nginx, the session and
# JSON cost on top of the ballot's own database work.
bench_pgbench_ballot() {
	measure_pgbench pgbench_ballot "$ROOT/tests/bench/ballot_put.pgbench" -D cid="$VOTE_ID" \
		-D voters="$VOTERS" -D first_voter="$FIRST_VOTER" -D k="$MAX_CHOICES" \
		-D prios="$VOTE_PRIORITIES"
}

# The results of the consultation with BALLOTS ballots (published:
# anonymous), unweighted, and raked over départements and profiles (its
# default).
bench_results() { measure results "/api/v1/consultations/$READ_ID/results?weighting=none"; }
bench_results_raked() { measure results_raked "/api/v1/consultations/$READ_ID/results"; }

# BENCH_ONLY="read bare_read" runs a subset (ratios between them only).
read -r -a BENCHES <<<"${BENCH_ONLY:-health bare bare_close signin health_flood read bare_read ballot pgbench pgbench_ballot results results_raked}"

# The sets whose members alternate slice by slice (see Drift above); a
# benchmark of BENCHES in no set runs alone.
SETS=("health bare bare_close" "signin" "health_flood" "read bare_read"
	"ballot pgbench pgbench_ballot" "results results_raked")

# Comparisons: "A B TARGET" means rate(A)/rate(B) should be >= TARGET
# ("-": reported as context, no target).
RATIOS=("health bare 0.9" "health bare_close -" "health_flood health 0.5" "read bare_read 0.8"
	"ballot pgbench_ballot 0.5" "results read 0.8" "results_raked results 0.8")

# ------------------------------------------------------------------------ run
say "== bench: building $BARE"
build_bare
say "== bench: starting a stack on port $PORT (state in $CONCERTO_VAR)"
wipe_previous
mkdir -p "$CONCERTO_VAR"
stack_up=1
stack start >/dev/null || die "the stack did not start"
# shellcheck disable=SC1091
. "$CONCERTO_VAR/env"
start_bare
[ "$(http_status /api/health)" = 200 ] || die "/api/health is not 200"
HASH_SLOTS=${CONCERTO_HASH_SLOTS:-$(nproc)}
bench_pw="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$bench_pw" | "$CONCERTO_BIN" user add --email bench@concerto.test \
	--role participant --pseudonym bench-signin --password-stdin >/dev/null ||
	die "cannot create the sign-in account"
export SIGNIN_BODY="{\"email\":\"bench@concerto.test\",\"password\":\"$bench_pw\"}"
seed_consultations

say "== bench: warming up"
for b in "${BENCHES[@]}"; do WARMUP=1 "bench_$b"; done

# The sets to run: those of SETS restricted to BENCHES, then the
# benchmarks of BENCHES that no set names.
declare -a RUN_SETS=()
declare -A SET_OF=()
for g in "${SETS[@]}" "${BENCHES[@]}"; do
	members=
	for b in $g; do
		[[ " ${BENCHES[*]} " == *" $b "* ]] && [ -z "${SET_OF[$b]:-}" ] || continue
		members+="$b "
	done
	[ -n "$members" ] || continue
	for b in $members; do SET_OF[$b]=${#RUN_SETS[@]}; done
	RUN_SETS+=("$members")
done

say "== bench: wrk -t$WRK_THREADS -c$CONNS, $ROUNDS rounds of $SLICES slices of ${SLICE}s (pgbench: of one ${DURATION}s run), workers=$CONCERTO_WORKERS threads=$CONCERTO_THREADS"
for round in $(seq "$ROUNDS"); do
	for g in "${RUN_SETS[@]}"; do
		n=$SLICES RUN_SECS=$SLICE
		if [[ " $g" == *" pgbench"* ]]; then n=1 RUN_SECS=$DURATION; fi
		for slice in $(seq "$n"); do
			for b in $g; do "bench_$b"; done
		done
	done
done

# -------------------------------------------------------------------- summary
{
	say ""
	say "== bench summary (medians of $((ROUNDS * SLICES)) runs of ${SLICE}s, of $ROUNDS of ${DURATION}s for the pgbench set; $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
	printf '%-14s %12s %12s %8s\n' benchmark "req/s" "p99 (ms)" errors
	for b in "${BENCHES[@]}"; do
		printf '%-14s %12.0f %12.3f %8s\n' "$b" "$(median "${RATE[$b]}")" "$(median "${P99[$b]}")" "${ERRS[$b]}"
	done
	[ -z "${RATE[signin]:-}" ] || say "sign-ins per core: $(awk -v r="$(median "${RATE[signin]}")" -v c="$(nproc)" 'BEGIN {printf "%.1f", r / c}') /s"
	say ""
} | tee "$REPORT"

# The pages, as a phone on a slow network meets them (BENCH_LIGHTHOUSE=0
# skips this): tests/bench/lighthouse/run.mjs, on the published
# consultation.
lighthouse_status=0
if [ "${BENCH_LIGHTHOUSE:-1}" != 0 ]; then
	say "== bench: lighthouse (mobile) on home, consultation $READ_ID and its results"
	(cd "$ROOT/tests/bench/lighthouse" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
		die "npm ci in tests/bench/lighthouse failed"
	node "$ROOT/tests/bench/lighthouse/run.mjs" "http://127.0.0.1:$PORT" "$READ_ID" \
		"$CONCERTO_VAR/lighthouse.json" | tee -a "$REPORT" || lighthouse_status=1
fi

status=0
for r in "${RATIOS[@]}"; do
	read -r a b target <<<"$r"
	[ -n "${RATE[$a]:-}" ] && [ -n "${RATE[$b]:-}" ] || continue
	if [ "${SET_OF[$a]}" = "${SET_OF[$b]}" ]; then
		# Paired: the median of the ratios of adjacent runs.
		ratio=$(median "$(paste -d' ' <(tr ' ' '\n' <<<"${RATE[$a]}" | grep .) \
			<(tr ' ' '\n' <<<"${RATE[$b]}" | grep .) | awk '{print $1 / $2}')")
		ratio=$(awk -v r="$ratio" 'BEGIN {printf "%.3f", r}')
	else
		ratio=$(awk -v x="$(median "${RATE[$a]}")" -v y="$(median "${RATE[$b]}")" 'BEGIN {printf "%.3f", x / y}')
	fi
	if [ "$target" = - ]; then
		say "ratio $a/$b = $ratio (context, no target)" | tee -a "$REPORT"
		continue
	fi
	verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN {print (r >= t) ? "meets" : "BELOW"}')
	say "ratio $a/$b = $ratio (target >= $target: $verdict)" | tee -a "$REPORT"
	[ "$verdict" = meets ] || status=1
done
errors=0
# The tallies of the ballots replaced under load must equal their recount.
rc=0
"$CONCERTO_BIN" results recount "$VOTE_ID" >"$CONCERTO_VAR/log/recount-vote.log" 2>&1 || rc=$?
say "after the ballots: $(tail -n 1 "$CONCERTO_VAR/log/recount-vote.log")" | tee -a "$REPORT"
if [ "$rc" != 0 ]; then
	say "bench: the tallies of consultation $VOTE_ID differ from its ballots (exit $rc, see $CONCERTO_VAR/log/recount-vote.log)" | tee -a "$REPORT"
	errors=1
fi
for b in "${BENCHES[@]}"; do
	if [ "${ERRS[$b]}" -gt 0 ]; then
		say "bench: $b had ${ERRS[$b]} failed requests: its rate means nothing" | tee -a "$REPORT"
		errors=1
	fi
done
say "(report in $REPORT)"
# Failed requests make the run invalid; a missed target fails only when asked.
[ "$errors" -eq 0 ] || exit 1
if { [ "$status" -ne 0 ] || [ "$lighthouse_status" -ne 0 ]; } && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 1; fi
exit 0
