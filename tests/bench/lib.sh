# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=bash
# Measurement helpers of `make bench`, sourced by tests/bench/run.sh: wrk and
# pgbench runs recorded slice by slice, medians, paired ratios, the
# PostgreSQL durability of a set, and the report (text and JSON).
#
# Uses (from run.sh): ROOT, CONCERTO_VAR, CONCERTO_URL, CONCERTO_DB, CONNS,
# WRK_THREADS, RUN_SECS, PGBENCH, round, slice, DURABLE_SETTINGS.

# Per benchmark, the figures of its runs in the order they ran (space-
# separated), so that the i-th runs of two members of a set are adjacent.
declare -A RATE P50 P99 ERRS
declare -a RUN_LOG=()

# Converts a wrk latency (e.g. 812.00us, 3.41ms, 1.02s) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
		printf "%.3f", n }'
}

# record NAME RATE P50_MS P99_MS ERRORS: keeps one run's figures under NAME.
record() {
	local name=$1 rate=$2 p50=$3 p99=$4 errs=$5
	RATE[$name]+="$rate "
	P50[$name]+="$p50 "
	P99[$name]+="$p99 "
	ERRS[$name]=$(( ${ERRS[$name]:-0} + errs ))
	RUN_LOG+=("$(printf '%-22s round %s.%s  %10.0f req/s  p50 %8s ms  p99 %8s ms  errors %s' \
		"$name" "${round:-0}" "${slice:-0}" "$rate" "$p50" "$p99" "$errs")")
	say "   ${RUN_LOG[-1]}"
}

# measure NAME PATH [wrk options]: one wrk run, recorded under NAME (with
# WARMUP=1: a short run, not recorded).  Non-2xx/3xx answers and socket
# errors count as errors.
measure() {
	local name=$1 path=$2 out rate p50 p99 errs
	shift 2
	if [ "${WARMUP:-0}" = 1 ]; then
		wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "$@" "$CONCERTO_URL$path" >/dev/null
		return
	fi
	# A long timeout: wrk leaves a timed-out request out of its latencies,
	# which would hide the slowest from p99.
	out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${RUN_SECS}s" --timeout "${WRK_TIMEOUT}s" --latency "$@" "$CONCERTO_URL$path")
	rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	errs=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
	if ! grep -q ' requests in ' <<<"$out" || grep -q '^ *0 requests in ' <<<"$out"; then
		say "   $name: no request completed within ${RUN_SECS}s"
	fi
	if [ -z "$rate" ] || [ -z "$p99" ]; then say "$out"; die "$name: no rate in wrk's output"; fi
	record "$name" "$rate" "$(to_ms "$p50")" "$(to_ms "$p99")" "$errs"
}

# measure_pgbench NAME SCRIPT [pgbench options]: one pgbench run on the
# stack's database as the application role, with wrk's concurrency and
# duration (CONNS clients, WRK_THREADS threads, prepared statements); its
# p50 and p99 come from the per-transaction log.  A failed transaction
# (the scripts divide by zero on a refusal) fails the run.
measure_pgbench() {
	local name=$1 script=$2 out rate lat errs logs=$CONCERTO_VAR/pgbench
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
	lat=$(cat "$logs"/tx.* | awk '{print $3}' | sort -n | awk '{a[NR] = $1}
		END {
			if (NR == 0) { print "0 0"; exit }
			i = int(NR * 0.5); if (i < 1) i = 1; j = int(NR * 0.99); if (j < 1) j = 1
			printf "%.3f %.3f\n", a[i] / 1000, a[j] / 1000 }')
	[ -n "$rate" ] || { say "$out"; die "$name: no tps in pgbench's output"; }
	record "$name" "$rate" "${lat% *}" "${lat#* }" "$errs"
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR] = $1} END {if (NR == 0) print 0; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# ratio A B: rate(A) / rate(B), to 3 decimals.  Members of one set: the
# median of the ratios of their adjacent runs, which drift hits alike;
# otherwise the ratio of their medians.
ratio() {
	local a=$1 b=$2 r
	if [ "${SET_OF[$a]:-x}" = "${SET_OF[$b]:-y}" ]; then
		r=$(median "$(paste -d' ' <(tr ' ' '\n' <<<"${RATE[$a]}" | grep .) \
			<(tr ' ' '\n' <<<"${RATE[$b]}" | grep .) | awk '$2 > 0 {print $1 / $2}')")
	else
		r=$(awk -v x="$(median "${RATE[$a]}")" -v y="$(median "${RATE[$b]}")" 'BEGIN {print (y > 0) ? x / y : 0}')
	fi
	awk -v r="$r" 'BEGIN {printf "%.3f", r}'
}

# ------------------------------------------------------------- durability
# The stack starts PostgreSQL with CONCERTO_FAST_PG=1 (tools/stack/
# postgres.sh: fsync off), which the unit and HTTP tests keep.  A set runs
# on "durable" settings (DURABLE_SETTINGS: fsync, synchronous_commit and
# full_page_writes on, and the group commit of this bench) or on "fast"
# ones (the stack's own), switched with ALTER SYSTEM and pg_reload_conf()
# as the superuser (the cluster's postgres role, over the stack's unix
# socket, where initdb trusts local connections): every setting there is
# reloadable, so the workers' connections stay open.
PG_MODE=fast
pg_super() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$CONCERTO_RUN/postgres" -U postgres -d concerto "$@"
}

# pg_mode durable|fast: makes the cluster's settings those of the mode (a
# no-op when they are already).
pg_mode() {
	local want=$1 kv sql=
	[ "$want" != "$PG_MODE" ] || return 0
	if [ "$want" = durable ]; then
		for kv in "${DURABLE_SETTINGS[@]}"; do
			sql+="ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}';"$'\n'
		done
	else
		for kv in "${DURABLE_SETTINGS[@]}"; do
			sql+="ALTER SYSTEM RESET ${kv%%=*};"$'\n'
		done
	fi
	pg_super <<<"${sql}SELECT pg_reload_conf();" >/dev/null || die "cannot change PostgreSQL's settings"
	# The reload is asynchronous: wait until a new session sees it.
	local want_fsync=off
	[ "$want" = fast ] || want_fsync=on
	for _ in $(seq 50); do
		[ "$(pg_super -At -c 'SHOW fsync')" = "$want_fsync" ] && break
		sleep 0.1
	done
	[ "$(pg_super -At -c 'SHOW fsync')" = "$want_fsync" ] || die "PostgreSQL did not take the $want settings"
	# What was written without fsync reaches the disk before durable runs.
	[ "$want" = fast ] || { pg_super -c CHECKPOINT >/dev/null; sync; }
	PG_MODE=$want
	say "   postgresql: $want ($(pg_super -At -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'commit_delay', 'commit_siblings')"))"
}

# ----------------------------------------------------------------- report
# Rows of the report, one per line of $ROWS (tab-separated): name, rate,
# p50_ms, p99_ms, errors, baseline, ratio, target, met; an empty field is
# null in the JSON.  target is a number for ratio >= target, otherwise the
# condition in words.
ROWS=$CONCERTO_VAR/rows.tsv
row() {
	local IFS=$'\t'
	printf '%s\n' "$*" >>"$ROWS"
}

# The rows as a JSON array, in $CONCERTO_VAR-report.json.
write_json() {
	# shellcheck disable=SC2016  # JavaScript, not shell
	node -e '
		const [src, dst] = process.argv.slice(1);
		const keys = ["name", "rate", "p50_ms", "p99_ms", "errors", "baseline", "ratio", "target", "met"];
		const num = (v) => (v !== "" && !isNaN(Number(v)) ? Number(v) : v);
		const rows = require("fs").readFileSync(src, "utf8").split("\n").filter(Boolean).map((line) => {
			const f = line.split("\t");
			const o = {};
			keys.forEach((k, i) => {
				const v = f[i] ?? "";
				if (v === "") o[k] = null;
				else if (k === "met") o[k] = v === "yes";
				else if (k === "name" || k === "baseline") o[k] = v;
				else o[k] = num(v);
			});
			f.slice(keys.length).forEach((kv) => { const i = kv.indexOf("="); o[kv.slice(0, i)] = num(kv.slice(i + 1)); });
			return o;
		});
		require("fs").writeFileSync(dst, JSON.stringify(rows, null, 1) + "\n");
	' "$ROWS" "$1"
}
