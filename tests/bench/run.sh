#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck disable=SC2317  # functions run indirectly (trap, bench_$name)
# shellcheck source-path=SCRIPTDIR
# `make bench`: wrk and pgbench against Concerto and against baselines
# behind the same nginx, in one run, on a stack of its own (state in
# $BENCH_VAR, port $BENCH_PORT or 8282, the optimised build/concerto).
# Three files: this one (settings, sets, the run, the report), lib.sh
# (measuring: wrk and pgbench runs, medians, paired ratios, PostgreSQL's
# durable and fast settings, the JSON) and scenarios.sh (the dataset, the
# baselines' set-up, one bench_NAME function per row, freshness, the
# workers' memory, the group-commit sweep).
#
# Adding a benchmark: write a bench_NAME function (scenarios.sh) that calls
#   measure NAME PATH [wrk options...]
# (or measure_pgbench NAME SCRIPT [pgbench options...]), add NAME to
# BENCHES and to a set of SETS; to compare two of them, add "A B TARGET" to
# RATIOS (rate of A / rate of B should be at least TARGET).
#
# The rows (each with req/s, p50, p99, errors, and its ratio to its
# baseline in the same run):
#   health, bare, bare_close      /api/health; bare's SELECT 1 (and closing
#                                 at once, as Concerto does: context)
#   signin, health_flood          sign-ins as fast as the host hashes;
#                                 health during a sign-in flood
#   read, comments, results,      the four anonymous reads: the consultation
#   results_raked                 (20 priorities), its page of 40 comment
#                                 threads (?limit=40) with their replies, its
#                                 results raw (?weighting=none) and raked
#   static_*                      nginx serving each read's bytes as a file
#   bare_read                     bare's prepared read of the consultation
#   *_in, bare_in                 the four reads signed in (read.lua), and
#                                 bare's SELECT 1 in their set
#   *_half                        each read paced at half its peak (read.lua's
#                                 delay()): p99 there
#   ballot, comment               PUT ballot (ballot.lua), POST comment
#                                 (comment.lua), durable
#   pgbench_ballot,               pgbench running their own transactions,
#   pgbench_comment               ballot_put() and comment_post(), durable
#   pgbench                       pgbench upserting a bare ballot row, durable
#   *_fast                        the same five on the stack's fast settings
#   mixed                         90% signed-in reads, 9% ballots, 1% comments
#                                 from 10,000 sessions (mixed.lua), durable
# and, as steps: freshness (an admin's PATCH of a title until the
# anonymous read shows it), each worker's resident memory and requests,
# the recount of the ballots replaced under load, Lighthouse.
#
# Durable and fast: the stack runs PostgreSQL with CONCERTO_FAST_PG=1
# (fsync off), as the unit and HTTP tests keep it; every set here runs on
# durable settings (DURABLE_SETTINGS below: fsync, synchronous_commit,
# full_page_writes on, the group commit chosen) except the *_fast one,
# switched by ALTER SYSTEM and pg_reload_conf() as the superuser
# (pg_mode, lib.sh).  The dataset loads on the fast settings.
#
# Dataset (BENCH_SCALE): "small" is tests/bench/seed.sql: two
# consultations of 20 priorities, one published with BENCH_BALLOTS ballots
# (tallies built by `concerto results recount`, raked over the eight IDF
# départements and six profiles) and 60 comment threads with replies and
# votes, one open to the vote and to comments; BENCH_VOTERS signed-in
# participants (10,000, the sessions of the signed-in rows).  "S" is the
# issue's scale S, made by `concerto dev generate` (1,000,000 accounts,
# 100 consultations, 2,000,000 ballots, 1,000,000 comments; a few
# minutes), and the same signed-in participants (participants.sql):
# the published consultation with the most comments is read, the voting
# one with the most ballots voted on (scenarios.sh, seed_generated).  Its
# state and report are var/bench-s and var/bench-s-report.*.
#
# Drift: this 2-core machine's speed wanders by a tenth from one second to
# the next, and the ballot load leaves background work (autovacuum,
# checkpoints) behind it.  So benchmarks that are compared run as a set
# (SETS below): within each round their runs alternate in BENCH_SLICES
# slices of BENCH_DURATION / BENCH_SLICES seconds (health, bare, health,
# bare, ...), and the ratio of two members of a set is the median of the
# ratios of their adjacent slices, which drift hits alike (of two
# benchmarks of different sets: the ratio of their medians).  pgbench runs
# are not sliced: each opens new database sessions, whose first
# transactions (catalog caches, plpgsql compiled anew) would weigh on a
# 2-second run, while the service's connections stay warm; so a set that
# holds pgbench runs whole rounds of BENCH_DURATION.
#
# Report: $BENCH_VAR-report.txt, and the same rows as JSON in
# $BENCH_VAR-report.json: an array of {name, rate, p50_ms, p99_ms, errors,
# baseline, ratio, target, met} (target: a number when the row asks
# ratio >= target, else the condition in words; null when none).
#
# Environment: BENCH_PORT (8282), BENCH_VAR (state directory: var/bench, or
# the directory tools/stack/default-var names when postgres or www-data
# cannot reach it), BENCH_SCALE (small or S), BENCH_DURATION (seconds of each
# benchmark per round, 10), BENCH_SLICES (slices per round, 5),
# BENCH_BALLOTS (1000000), BENCH_VOTERS (10000), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 2), BENCH_TIMEOUT
# (seconds before wrk counts a request as failed, 10), BENCH_ONLY (a
# subset of BENCHES), BENCH_LIGHTHOUSE (0 skips it), BENCH_GROUP_COMMIT
# ("DELAY/SIBLINGS ...": a sweep of group-commit settings after the rounds),
# CONCERTO_WORKERS / CONCERTO_THREADS (the same for Concerto and bare),
# BENCH_STRICT=1 to exit non-zero when a target is missed.
# BENCH_TINY=1 is the pass of `make test`: every scenario once (1 round of
# 1 slice of 1 s, no warm-up), the small dataset with 5,000 ballots, no
# Lighthouse, port 8283 and var/bench-tiny by default; it fails on errors
# only (a non-2xx answer, a failed recount, freshness over 1 s), never on
# a ratio.
# Whatever the mode, failed requests, a failed recount or a stale read
# fail the run: its figures would mean nothing.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD

TINY=${BENCH_TINY:-0}
if [ "$TINY" = 1 ]; then
	BENCH_ROUNDS=1 BENCH_SLICES=1 BENCH_DURATION=1 BENCH_SCALE=small BENCH_LIGHTHOUSE=0
	BENCH_BALLOTS=${BENCH_BALLOTS:-5000}
	default_var=$ROOT/var/bench-tiny default_port=8283
elif [ "${BENCH_SCALE:-small}" = S ]; then
	default_var=$ROOT/var/bench-s default_port=8282
else
	default_var=$ROOT/var/bench default_port=8282
fi
if [ -n "${BENCH_VAR:-}" ]; then
	CONCERTO_VAR=$BENCH_VAR
else
	CONCERTO_VAR=$(sh "$ROOT/tools/stack/default-var" "$default_var")
fi
export CONCERTO_VAR
export PORT=${BENCH_PORT:-$default_port}
export CONCERTO_BIN=$ROOT/build/concerto
export CONCERTO_DEMO=0
export CONCERTO_FAST_PG=1
export CONCERTO_WORKERS=${CONCERTO_WORKERS:-2}
export CONCERTO_THREADS=${CONCERTO_THREADS:-4}
# The bench stack only: each participant comments far more often than a
# person would (the configuration's maximum; the tests keep 5).
COMMENTS_PER_MINUTE=1000
export CONCERTO_COMMENTS_PER_MINUTE=$COMMENTS_PER_MINUTE

SCALE=${BENCH_SCALE:-small}
DURATION=${BENCH_DURATION:-10}
SLICES=${BENCH_SLICES:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_THREADS:-2}
WRK_TIMEOUT=${BENCH_TIMEOUT:-10}	# seconds before wrk gives a request up (an error)
BALLOTS=${BENCH_BALLOTS:-1000000}
VOTERS=${BENCH_VOTERS:-10000}
MAX_CHOICES=5		# K of both consultations (max_ranks, max_choices)
SLICE=$((DURATION / SLICES))	# seconds of one sliced run
[ "$SLICE" -ge 1 ] || SLICE=1
RUN_SECS=$SLICE			# seconds of the current run
BARE=$ROOT/build/bench/bare
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
REPORT=$CONCERTO_VAR-report.txt
JSON=$CONCERTO_VAR-report.json

# PostgreSQL's settings for the durable sets (lib.sh, pg_mode): all three
# of a server that keeps what it acknowledged, and the group commit of
# this machine.  commit_delay 1000 us with commit_siblings 5, the best of
# 0, 10, 100 and 1000 (BENCH_GROUP_COMMIT="0/5 10/5 100/5 1000/5", 2 rounds
# of 4 s, 32 clients, on this 2-core machine while others' builds ran, so
# within its noise): pgbench's ballot_put() 1098 tps against 775 with no
# delay (ahead in both rounds), PUT ballot 571 against 536 req/s, POST
# comment 223 against 245 (a loss within the noise); 10 and 100 us were
# no better than none.  wal_buffers (a restart) stays at its default,
# 1/32 of shared_buffers (4 MB), far above what one flush writes here.
DURABLE_SETTINGS=(fsync=on synchronous_commit=on full_page_writes=on
	commit_delay=1000 commit_siblings=5)

say() { printf '%s\n' "$*"; }
die() { say "bench: $*" >&2; exit 1; }
stack() { sh "$ROOT/tools/stack/stack" "$@"; }

# shellcheck source=lib.sh
. "$ROOT/tests/bench/lib.sh"
# shellcheck source=scenarios.sh
. "$ROOT/tests/bench/scenarios.sh"

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
	rm -f "$CONCERTO_VAR/run/bare.pid" "$CONCERTO_VAR/nginx/conf.d/bare.conf" \
		"$CONCERTO_VAR/nginx/conf.d/static.conf"
	if [ "$stack_up" = 1 ]; then
		stack_up=0
		stack stop >/dev/null 2>&1 || say "bench: stack stop failed" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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

# ----------------------------------------------------------------- the sets
# BENCH_ONLY="read bare_read" runs a subset (ratios between them only).
ALL_BENCHES=(health bare bare_close signin health_flood
	read bare_read static_read comments static_comments
	results results_raked static_results static_results_raked
	read_in comments_in results_in results_raked_in bare_in
	read_half comments_half results_half results_raked_half
	read_in_half comments_in_half results_in_half results_raked_in_half
	ballot comment pgbench pgbench_ballot pgbench_comment
	ballot_fast comment_fast pgbench_fast pgbench_ballot_fast pgbench_comment_fast
	mixed)
if [ -n "${BENCH_ONLY:-}" ]; then
	read -r -a BENCHES <<<"$BENCH_ONLY"
else
	BENCHES=("${ALL_BENCHES[@]}")
fi
for b in "${BENCHES[@]}"; do
	declare -F "bench_$b" >/dev/null || die "no benchmark $b"
	# A paced read needs its peak, measured earlier in the same round.
	if [[ $b == *_half ]] && [[ " ${BENCHES[*]} " != *" ${b%_half} "* ]]; then
		die "$b needs ${b%_half} in BENCH_ONLY"
	fi
done

# The sets whose members alternate slice by slice (see Drift above), in
# the order they run; a benchmark of BENCHES in no set runs alone.  A set
# with a *_fast member runs on the fast settings, every other on durable
# ones; a set with a pgbench member runs whole rounds.
SETS=("health bare bare_close" "signin" "health_flood"
	"read bare_read static_read" "comments static_comments"
	"results results_raked static_results static_results_raked"
	"read_in comments_in results_in results_raked_in bare_in"
	"read_half comments_half results_half results_raked_half"
	"read_in_half comments_in_half results_in_half results_raked_in_half"
	"ballot comment pgbench pgbench_ballot pgbench_comment"
	"ballot_fast comment_fast pgbench_fast pgbench_ballot_fast pgbench_comment_fast"
	"mixed")

# Comparisons: "A B TARGET" means rate(A)/rate(B) should be >= TARGET
# ("-": reported as context, no target).
RATIOS=("health bare 0.9" "health bare_close -" "health_flood health 0.5"
	"read static_read 0.5" "read bare_read 0.8" "comments static_comments 0.5"
	"results static_results 0.5" "results_raked static_results_raked 0.5"
	"results read 0.8" "results_raked results 0.8"
	"read_in bare_in 0.5" "comments_in bare_in 0.3"
	"results_in bare_in -" "results_raked_in bare_in -"
	"ballot pgbench 0.4" "ballot pgbench_ballot 0.5" "ballot ballot_fast -"
	"comment pgbench 0.3" "comment pgbench_comment -" "comment comment_fast -"
	"pgbench_ballot pgbench_ballot_fast -" "pgbench pgbench_fast -"
	"ballot_fast pgbench_fast -" "ballot_fast pgbench_ballot_fast -"
	"comment_fast pgbench_fast -" "comment_fast pgbench_comment_fast -")

# Targets that are not ratios: "NAME RATE_MIN P99_MAX_MS" ("-": none).
LIMITS=("mixed 5000 50")
for b in "${BENCHES[@]}"; do [[ $b != *_half ]] || LIMITS+=("$b - 20"); done
RSS_MAX_KIB=$((32 * 1024))
FRESH_MAX_MS=1000

# The sets to run: those of SETS restricted to BENCHES, then the
# benchmarks of BENCHES that no set names.
declare -a RUN_SETS=()
declare -A SET_OF=()
for g in "${SETS[@]}" "${BENCHES[@]}"; do
	members=
	for b in $g; do
		[[ " ${BENCHES[*]} " == *" $b "* ]] || continue
		[ -z "${SET_OF[$b]:-}" ] || continue
		members+="$b "
	done
	[ -n "$members" ] || continue
	for b in $members; do SET_OF[$b]=${#RUN_SETS[@]}; done
	RUN_SETS+=("$members")
done
set_mode() { if [[ " $1" == *_fast\ * ]]; then say fast; else say durable; fi; }

# ------------------------------------------------------------------------ run
t_start=$SECONDS
say "== bench: building $BARE"
build_bare
say "== bench: starting a stack on port $PORT (state in $CONCERTO_VAR)"
wipe_previous
mkdir -p "$CONCERTO_VAR"
rm -f "$REPORT" "$JSON"
stack_up=1
stack start >/dev/null || die "the stack did not start"
# shellcheck disable=SC1091
. "$CONCERTO_VAR/env"
CONCERTO_RUN=${CONCERTO_RUN:-$CONCERTO_VAR/run}
start_bare
[ "$(http_status /api/health)" = 200 ] || die "/api/health is not 200"
HASH_SLOTS=${CONCERTO_HASH_SLOTS:-$(nproc)}
bench_pw="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$bench_pw" | "$CONCERTO_BIN" user add --email bench@concerto.test \
	--role participant --pseudonym bench-signin --password-stdin >/dev/null ||
	die "cannot create the sign-in account"
export SIGNIN_BODY="{\"email\":\"bench@concerto.test\",\"password\":\"$bench_pw\"}"
seed_dataset
start_static
: >"$ROWS"

pg_mode durable
if [ "$TINY" != 1 ]; then
	say "== bench: warming up"
	for b in "${BENCHES[@]}"; do
		[[ $b == *_half ]] || WARMUP=1 "bench_$b"
	done
fi

say "== bench: wrk -t$WRK_THREADS -c$CONNS, $ROUNDS rounds of $SLICES slices of ${SLICE}s (pgbench sets: of one ${DURATION}s run), workers=$CONCERTO_WORKERS threads=$CONCERTO_THREADS"
for round in $(seq "$ROUNDS"); do
	for g in "${RUN_SETS[@]}"; do
		pg_mode "$(set_mode "$g")"
		n=$SLICES RUN_SECS=$SLICE
		if [[ " $g" == *" pgbench"* ]]; then n=1 RUN_SECS=$DURATION; fi
		for slice in $(seq "$n"); do
			for b in $g; do "bench_$b"; done
		done
	done
done
pg_mode durable
[ -z "${BENCH_GROUP_COMMIT:-}" ] || group_commit_sweep

# --------------------------------------------------------------- the steps
say "== bench: freshness of the anonymous read after an admin's PATCH"
freshness
say "== bench: the workers' memory"
mem=$(worker_memory)
served=$(node -e 'fetch(process.argv[1]).then(r => r.text()).then(t => {
	let n = 0;
	for (const l of t.split("\n")) if (l.startsWith("concerto_http_requests_total{")) n += Number(l.split(" ").pop());
	console.log(n); }, () => console.log(0))' "$CONCERTO_URL/metrics")
# The tallies of the ballots replaced under load must equal their recount.
recount_rc=0
"$CONCERTO_BIN" results recount "$VOTE_ID" >"$CONCERTO_VAR/log/recount-vote.log" 2>&1 || recount_rc=$?

# -------------------------------------------------------------------- summary
status=0 errors=0
# summarise NAME: its rows (one per ratio it has, else one).
summarise() {
	local b=$1 rate p50 p99 e r a base target l rmin pmax met any=0 cond ratio_ab
	rate=$(median "${RATE[$b]}") p50=$(median "${P50[$b]}") p99=$(median "${P99[$b]}") e=${ERRS[$b]}
	for r in "${RATIOS[@]}"; do
		read -r a base target <<<"$r"
		[ "$a" = "$b" ] || continue
		[ -n "${RATE[$base]:-}" ] || continue
		any=1
		ratio_ab=$(ratio "$a" "$base")
		if [ "$target" = - ]; then
			row "$b" "$rate" "$p50" "$p99" "$e" "$base" "$ratio_ab" "" ""
			continue
		fi
		met=$(awk -v r="$ratio_ab" -v t="$target" 'BEGIN {print (r >= t) ? "yes" : "no"}')
		[ "$met" = yes ] || status=1
		row "$b" "$rate" "$p50" "$p99" "$e" "$base" "$ratio_ab" "$target" "$met"
	done
	for l in "${LIMITS[@]}"; do
		read -r a rmin pmax <<<"$l"
		[ "$a" = "$b" ] || continue
		any=1 cond=
		[ "$rmin" = - ] || cond="rate >= $rmin"
		[ "$pmax" = - ] || cond="${cond:+$cond, }p99 < $pmax ms"
		met=$(awk -v r="$rate" -v p="$p99" -v rmin="$rmin" -v pmax="$pmax" \
			'BEGIN {print ((rmin == "-" || r >= rmin) && (pmax == "-" || p < pmax)) ? "yes" : "no"}')
		[ "$met" = yes ] || status=1
		row "$b" "$rate" "$p50" "$p99" "$e" "" "" "$cond" "$met"
	done
	[ "$any" = 1 ] || row "$b" "$rate" "$p50" "$p99" "$e" "" "" "" ""
	if [ "$e" -gt 0 ]; then
		say "bench: $b had $e failed requests: its rate means nothing" >&2
		errors=1
	fi
}
for b in "${BENCHES[@]}"; do summarise "$b"; done
for b in $(printf '%s\n' "${!RATE[@]}" | grep '^gc_' | sort -t_ -k2,2n -k4); do summarise "$b"; done
if [ -n "${RATE[signin]:-}" ]; then
	row signin_per_core "$(awk -v r="$(median "${RATE[signin]}")" -v c="$(nproc)" 'BEGIN {printf "%.1f", r / c}')" "" "" 0 "" "" "" ""
fi
fresh_met=yes
if [ "$FRESH_MS" -lt 0 ] || [ "$FRESH_MS" -gt "$FRESH_MAX_MS" ]; then fresh_met=no errors=1; fi
row freshness "" "" "" "$([ "$FRESH_MS" -ge 0 ] && echo 0 || echo 1)" "" "" "delay <= $FRESH_MAX_MS ms" "$fresh_met" "delay_ms=$FRESH_MS"
while read -r pid kib reqs; do
	[ -n "$pid" ] || continue
	met=$([ "$kib" -lt "$RSS_MAX_KIB" ] && echo yes || echo no)
	[ "$met" = yes ] || status=1
	row "worker_$pid" "" "" "" 0 "" "" "rss < 32 MiB" "$met" \
		"rss_mib=$(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}')" "requests=$reqs"
done <<<"$mem"
row recount "" "" "" "$([ "$recount_rc" = 0 ] && echo 0 || echo 1)" "" "" "tallies = ballots" \
	"$([ "$recount_rc" = 0 ] && echo yes || echo no)"
[ "$recount_rc" = 0 ] || errors=1

{
	say ""
	say "== bench summary, scale $SCALE (medians of $((ROUNDS * SLICES)) runs of ${SLICE}s, of $ROUNDS of ${DURATION}s for the pgbench sets; $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ); durable: ${DURABLE_SETTINGS[*]})"
	printf '%-22s %10s %9s %9s %7s  %-20s %7s  %s\n' benchmark "req/s" "p50 ms" "p99 ms" errors baseline ratio target
	# shellcheck disable=SC2034  # fields by name
	while IFS=$'\t' read -r name rate p50 p99 e base r target met extra; do
		case $name in freshness | worker_* | recount | signin_per_core) continue ;; esac
		printf '%-22s %10.0f %9.3f %9.3f %7s  %-20s %7s  %s\n' "$name" "$rate" "$p50" "$p99" "$e" \
			"${base:--}" "${r:--}" "${target:+$target: $([ "$met" = yes ] && echo met || echo MISSED)}"
	done <"$ROWS"
	[ -z "${RATE[signin]:-}" ] || say "sign-ins per core: $(awk -F'\t' '$1 == "signin_per_core" {print $2}' "$ROWS") /s"
	say "freshness: the anonymous read showed an admin's new title after $FRESH_MS ms (target <= $FRESH_MAX_MS ms: $fresh_met)"
	while read -r pid kib reqs; do
		[ -n "$pid" ] || continue
		say "worker $pid: VmRSS $(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}') MiB after $reqs requests (target < 32 MiB)"
	done <<<"$mem"
	say "requests served (/metrics): $served"
	say "after the ballots: $(tail -n 1 "$CONCERTO_VAR/log/recount-vote.log")"
	say ""
} | tee -a "$REPORT"
if [ "$recount_rc" != 0 ]; then
	say "bench: the tallies of consultation $VOTE_ID differ from its ballots (exit $recount_rc, see $CONCERTO_VAR/log/recount-vote.log)" | tee -a "$REPORT"
fi

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

write_json "$JSON"
say "(report in $REPORT and $JSON; $((SECONDS - t_start)) s)"
# Failed requests make the run invalid; a missed target fails only when asked.
[ "$errors" -eq 0 ] || exit 1
if [ "$TINY" != 1 ] && { [ "$status" -ne 0 ] || [ "$lighthouse_status" -ne 0 ]; } && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 1; fi
exit 0
