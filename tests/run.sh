#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The whole test suite, as `make test` runs it:
#   sh tests/run.sh build/asan/tests/test_a build/asan/tests/test_b ...
#
# 1. Runs each cmocka unit binary given as argument (built with ASan/UBSan);
#    the first failure stops the run with its output.
# 2. Starts a stack of its own (state in $TEST_VAR, port $TEST_PORT or 8181)
#    serving build/asan/concerto, and runs every tests/http/*.test.mjs with
#    `node --test`, one file at a time (some files stop the database or kill
#    workers: they must not share the stack with another file), then every
#    tests/www/*.test.mjs, TEST_JOBS (1) at a time (browser tests: Debian's
#    chromium through playwright-core, axe-core; screenshots under
#    $TEST_VAR-reports/).
# 3. Stops the stack (always, through the EXIT trap) and fails if the
#    sanitizers reported anything in the service's log.
# 4. Runs the tiny pass of the benchmarks (tests/bench/run.sh with
#    BENCH_TINY=1: every scenario once, on a stack of its own on port
#    $TEST_BENCH_PORT or 8283, in $TEST_VAR-bench-tiny when TEST_VAR is
#    given, else var/bench-tiny), which counts as one test and fails on
#    errors only; TEST_BENCH=0 skips it, and so does TEST_FILES unless
#    TEST_BENCH=1.
# Ends with a line "tests: N passed, N failed".
#
# Environment: TEST_PORT (8181), TEST_VAR (state directory: by default
# var/test, or, when postgres or www-data cannot reach it (a clone under a
# mode 700 /root), a directory of this checkout's under /var/tmp, which
# tools/stack/default-var names on one line; a TEST_VAR given is used as
# it is, and the stack refuses one it cannot use),
# TEST_FILES (space-separated test files to run instead of all of tests/http),
# TEST_FILE_TIMEOUT (seconds per file, 300), TEST_JOBS (browser files at once, 1).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

if [ -n "${TEST_VAR:-}" ]; then
	CONCERTO_VAR=$TEST_VAR
else
	CONCERTO_VAR=$(sh "$ROOT/tools/stack/default-var" "$ROOT/var/test")
fi
export CONCERTO_VAR
export PORT=${TEST_PORT:-8181}
export CONCERTO_BIN=$ROOT/build/asan/concerto
export CONCERTO_DEMO=0
# The sender of the test stack's mail (the env file passes it on).
export CONCERTO_MAIL_FROM='Concerto <no-reply@concerto.test>'
export CONCERTO_FAST_PG=1
export CONCERTO_WORKERS=2
export CONCERTO_THREADS=4
# Leaks in workers ended by signals are noise; memory errors are not (the log
# is checked at the end).
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1

FILE_TIMEOUT=${TEST_FILE_TIMEOUT:-300}
LOG=$CONCERTO_VAR/log/concerto.log
REPORTS=$CONCERTO_VAR-reports
pass=0 fail=0 skip=0
started=$(date +%s)

say() { printf '%s\n' "$*"; }
hr() { say "------------------------------------------------------------------"; }

# ---------------------------------------------------------------- unit tests
unit_total=0
for bin in "$@"; do
	[ -x "$bin" ] || { say "run.sh: $bin is not an executable" >&2; exit 1; }
	out=$(mktemp)
	say "== unit: $bin"
	# Units keep the default leak detection: a leak in a parser is a bug.
	if ! ASAN_OPTIONS=abort_on_error=0 "$bin" >"$out" 2>&1; then
		cat "$out"
		rm -f "$out"
		say "run.sh: unit tests failed in $bin"
		say "tests: $unit_total passed, 1 failed"
		exit 1
	fi
	n=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
	say "   $n passed"
	unit_total=$((unit_total + n))
	rm -f "$out"
done
pass=$((pass + unit_total))

# ------------------------------------------------------------------ the stack
stack() { sh "$ROOT/tools/stack/stack" "$@"; }

# Stops whatever a previous run left in $CONCERTO_VAR, through the stack's own
# command first, then through its pid files, and wipes the state directory.
wipe_previous() {
	[ -d "$CONCERTO_VAR" ] || return 0
	stack stop >/dev/null 2>&1 || true
	local f pid
	for f in "$CONCERTO_VAR"/run/*.pid "$CONCERTO_VAR"/nginx/*.pid "$CONCERTO_VAR"/*/postmaster.pid "$CONCERTO_VAR"/postmaster.pid; do
		[ -f "$f" ] || continue
		pid=$(head -n1 "$f" | tr -dc 0-9)
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then continue; fi
		say "run.sh: stopping leftover process $pid ($f)"
		case $f in
		*postmaster.pid) kill -INT "$pid" 2>/dev/null || true ;;
		*) kill -TERM "$pid" 2>/dev/null || true ;;
		esac
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	rm -rf "$CONCERTO_VAR"
}

stack_up=0
stop_stack() {
	if [ "$stack_up" = 1 ]; then
		stack_up=0
		say "== stopping the test stack"
		stack stop || say "run.sh: stack stop failed" >&2
	fi
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

for need in "$CONCERTO_BIN" "$ROOT/tools/stack/stack"; do
	[ -e "$need" ] || { say "run.sh: missing $need (run: make test)" >&2; exit 1; }
done
command -v node >/dev/null || { say "run.sh: node is missing (make deps)" >&2; exit 1; }

hr
say "== starting the test stack on port $PORT (state in $CONCERTO_VAR)"
wipe_previous
mkdir -p "$CONCERTO_VAR"
stack_up=1
if ! stack start; then
	say "run.sh: the stack did not start"
	[ -f "$LOG" ] && { say "--- last lines of $LOG"; tail -n 40 "$LOG"; }
	exit 1
fi
# shellcheck disable=SC1091
. "$CONCERTO_VAR/env"
export CONCERTO_VAR PORT

# ------------------------------------------------------------------ HTTP tests
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
if [ -n "${TEST_FILES:-}" ]; then
	read -r -a files <<<"$TEST_FILES"
else
	shopt -s nullglob
	files=(tests/http/*.test.mjs tests/www/*.test.mjs)
	shopt -u nullglob
fi
[ -e "${files[0]}" ] || { say "run.sh: no tests/http/*.test.mjs"; exit 1; }

# The reports of a test file, by folder and name (tests/http/accounts and
# tests/www/accounts are two): $REPORTS/http-accounts.test, and so on.
report_of() {
	printf '%s/%s-%s\n' "$REPORTS" "$(basename "$(dirname "$1")")" "$(basename "$1" .mjs)"
}

# Runs one test file with `node --test`: spec to $2 (node's own stdout when
# "-": a path to /dev/stdout would truncate a log file it is redirected to), TAP
# in $REPORTS/<name>.tap for the counts, the exit status in <name>.rc.
run_file() {
	local f=$1 out=$2 name rc=0
	name=$(report_of "$f")
	[ "$out" != - ] || out=stdout
	timeout --kill-after=10 "$FILE_TIMEOUT" node --test \
		--test-reporter=spec --test-reporter-destination="$out" \
		--test-reporter=tap --test-reporter-destination="$name.tap" \
		"$f" || rc=$?
	printf '%s\n' "$rc" >"$name.rc"
}

# Adds a finished file's counts to the totals.
count_file() {
	local f=$1 name tap rc p x c s
	name=$(report_of "$f")
	tap=$name.tap
	[ -f "$tap" ] || : >"$tap"
	rc=$(cat "$name.rc" 2>/dev/null || echo 1)
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1)
	x=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1)
	c=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -n1)
	s=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tap" | tail -n1)
	p=${p:-0} x=${x:-0} c=${c:-0} s=${s:-0}
	if [ "$rc" -ne 0 ] && [ $((x + c)) -eq 0 ]; then
		# Killed by the timeout, or node itself failed: count the file as one failure.
		say "run.sh: $f exited with $rc"
		x=1
	fi
	pass=$((pass + p)) fail=$((fail + x + c)) skip=$((skip + s))
	[ $((x + c)) -eq 0 ] || http_failed_files+=("$f")
}

# The HTTP files run one at a time: some stop the database, kill workers,
# count sign-ins against the throttle or time the cache, and must not share
# the stack with another file.  The browser files only act as participants
# and staff of their own consultations: TEST_JOBS of them may run at once,
# each one's spec printed whole when it ends.  The default is 1: with 2, on
# CI's machine, one file's bursts of sign-ins fill a worker's hashing places
# and the other's page gets 503 busy at once (hashpool_reserve() does not
# wait), as the password reset of tests/www/accounts.test.mjs did.
serial=() parallel=()
for f in "${files[@]}"; do
	case $f in
	tests/www/*) parallel+=("$f") ;;
	*) serial+=("$f") ;;
	esac
done
jobs_max=${TEST_JOBS:-1}

http_failed_files=()
for f in "${serial[@]}"; do
	hr
	say "== $(basename "$(dirname "$f")"): $f"
	run_file "$f" -
	count_file "$f"
done

running=() running_pid=()
# Waits for the oldest running browser file, prints its spec and counts it.
finish_oldest() {
	local f=${running[0]}
	wait "${running_pid[0]}" || true
	running=("${running[@]:1}") running_pid=("${running_pid[@]:1}")
	hr
	say "== $(basename "$(dirname "$f")"): $f"
	cat "$(report_of "$f").spec"
	count_file "$f"
}
for f in "${parallel[@]}"; do
	[ "${#running[@]}" -lt "$jobs_max" ] || finish_oldest
	run_file "$f" "$(report_of "$f").spec" &
	running+=("$f") running_pid+=("$!")
done
while [ "${#running[@]}" -gt 0 ]; do finish_oldest; done
hr

# ------------------------------------------------------------ sanitizer check
# Stopping first lets the workers flush what they have to say.
stop_stack
san=0
if [ -f "$LOG" ] && grep -nE 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$LOG" >/dev/null; then
	say "== sanitizer reports in $LOG:"
	grep -nE -A 30 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$LOG" | head -n 200
	san=1
	fail=$((fail + 1))
fi

# ---------------------------------------------------------- the tiny bench
# Every scenario of `make bench` once (tests/bench/run.sh, BENCH_TINY=1) on
# a stack of its own, started now that the test stack has stopped, so that
# one load runs at a time; it fails on errors only (a non-2xx answer, a
# failed recount, a stale read), never on a ratio.  One test.
bench=skipped bench_pass=0 bench_fail=0
if [ "${TEST_BENCH:-}" = 1 ] || { [ -z "${TEST_FILES:-}" ] && [ "${TEST_BENCH:-1}" != 0 ]; }; then
	hr
	say "== bench: tests/bench/run.sh with BENCH_TINY=1"
	bench_env=(BENCH_TINY=1 BENCH_PORT="${TEST_BENCH_PORT:-8283}")
	[ -z "${TEST_VAR:-}" ] || bench_env+=(BENCH_VAR="${TEST_VAR%/}-bench-tiny")
	t0=$(date +%s)
	rc=0
	env "${bench_env[@]}" timeout --kill-after=10 300 bash tests/bench/run.sh 2>&1 |
		tee "$REPORTS/bench-tiny.log" || rc=$?
	bench="$(($(date +%s) - t0)) s"
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1)) bench_pass=1
		bench="passed in $bench"
	else
		fail=$((fail + 1)) bench_fail=1
		bench="FAILED in $bench (exit $rc; $REPORTS/bench-tiny.log)"
	fi
fi

# -------------------------------------------------------------------- summary
say "== summary ($(($(date +%s) - started)) s)"
say "   unit tests:  $unit_total passed"
say "   http tests:  $((pass - unit_total - bench_pass)) passed, $((fail - san - bench_fail)) failed, $skip skipped"
say "   tiny bench:  $bench"
[ "${#http_failed_files[@]}" -eq 0 ] || say "   failing files: ${http_failed_files[*]}"
[ "$san" -eq 0 ] || say "   sanitizers:  reports found in $LOG"
say "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
