#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# A stand-in for sendmail(8) in the HTTP tests.  `concerto mail` runs
# `$CONCERTO_SENDMAIL -t -i` with one whole message on standard input
# (headers, a blank line, the body); this writes that message, byte for
# byte, to a new file in $MAILDIR (made if missing) and exits 0, as a
# working local MTA would.  Without -t (recipients taken from the headers)
# it refuses with EX_USAGE, so a change of the calling convention shows.
# The file appears whole: written under a dot-name, then renamed.
set -eu

t=0
for arg in "$@"; do
	case $arg in
	-t) t=1 ;;
	-i | -oi) ;;
	*) printf 'fake-sendmail: unexpected argument: %s\n' "$arg" >&2; exit 64 ;;
	esac
done
[ "$t" = 1 ] || { echo 'fake-sendmail: -t is required' >&2; exit 64; }
dir=${MAILDIR:?fake-sendmail: MAILDIR is not set}
mkdir -p "$dir"
tmp=$(mktemp "$dir/.incoming.XXXXXXXX")
cat >"$tmp"
[ -s "$tmp" ] || { rm -f "$tmp"; echo 'fake-sendmail: empty message' >&2; exit 65; }
# Names sort in delivery order: seconds, nanoseconds, then the unique part.
mv "$tmp" "$dir/$(date +%s.%N).${tmp##*.}.eml"
