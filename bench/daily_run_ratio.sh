#!/usr/bin/env bash
# The daily run's target on SQLite (docs/PERFORMANCE.md): `prelevo collect`
# of N monthly plans against 2 × (bulk-insert ceiling + bare-writer ceiling),
# all three measured in the same rounds, one after the other, because the
# machines are shared and only figures taken together compare.
#
#   SHARED_BENCH=../shared/bench ROUNDS=3 bench/daily_run_ratio.sh
#
# The ceilings are the shared reference programs (`storage-ceiling sqlite`:
# a raw rusqlite prepared-statement insert of N indexed rows, 2 MiB cache;
# `xml-ceiling write`: a bare quick-xml writer of N transactions). The run
# starts from the bench's kept database, made once by
#   BENCH_DIR=/var/tmp/day NS=1000000 BOOKS=in-use cargo bench -p prelevo --bench collection_day
# and copied for each round (the copy and its migration are not timed).
# The last column is the memory the kernel had free (holding no file) as the
# round began: `collect` writes and reads far more through the page cache
# than the ceilings, and slows more than they do when other large files
# fill it (docs/PERFORMANCE.md, eleventh round).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED_BENCH=${SHARED_BENCH:-../shared/bench}
ROUNDS=${ROUNDS:-3}
N=${N:-1000000}
BOOK=${BOOK:-in-use}
BENCH_DIR=${BENCH_DIR:-/var/tmp/day}
LOADED="$BENCH_DIR/day-$N-$BOOK.loaded.db"
[ -f "$LOADED" ] || { echo "no $LOADED: make it with the collection_day bench (see above)" >&2; exit 1; }
[ -d "$SHARED_BENCH/storage-ceiling" ] || { echo "no ceilings in $SHARED_BENCH" >&2; exit 1; }

CEILINGS_TARGET=${TMPDIR:-/tmp}/prelevo-ceilings-target
(cd "$SHARED_BENCH/storage-ceiling" && CARGO_TARGET_DIR=$CEILINGS_TARGET cargo build --release -q)
(cd "$SHARED_BENCH/xml-ceiling" && CARGO_TARGET_DIR=$CEILINGS_TARGET cargo build --release -q)
cargo build --release -q -p prelevo
PRELEVO=${CARGO_TARGET_DIR:-target}/release/prelevo

WORK=$(mktemp -d "$BENCH_DIR/ratio.XXXX")
trap 'rm -rf "$WORK"' EXIT
RUN_DB="$WORK/run.db"

echo "| round | insert ceiling (s) | writer ceiling (s) | target (s) | \`collect\` (s) | ratio to target | free memory (GiB) |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  # Each program starts with nothing of the one before left to write back,
  # and the ceilings without the last round's database beside them.
  rm -f "$RUN_DB"*
  sync
  free_kib=$(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo)
  insert=$("$CEILINGS_TARGET/release/storage-ceiling" sqlite "$WORK/ceiling.db" "$N" \
    | sed -n 's/.*"m":"sqlite_bulk_insert_indexed_cache2M".*"s":\([0-9.]*\).*/\1/p')
  rm -f "$WORK"/ceiling.db*
  sync
  writer=$("$CEILINGS_TARGET/release/xml-ceiling" write "$N" "$WORK/ceiling.xml" \
    | sed -n 's/.*"write_s":\([0-9.]*\).*/\1/p')
  rm -f "$WORK/ceiling.xml"
  cp "$LOADED" "$RUN_DB"
  DATABASE_URL="sqlite://$RUN_DB" "$PRELEVO" migrate >/dev/null
  sync
  collect=$( { DATABASE_URL="sqlite://$RUN_DB" PRELEVO_LOG=warn /usr/bin/time -f '%e' \
    "$PRELEVO" --json collect --date 2026-12-01 >/dev/null; } 2>&1 | tail -1)
  python3 -c "
insert, writer, collect, free = $insert, $writer, $collect, $free_kib / 2**20
target = 2 * (insert + writer)
print(f'| $round | {insert:.2f} | {writer:.2f} | {target:.2f} | {collect:.2f} | {collect / target:.2f} | {free:.1f} |')"
done
