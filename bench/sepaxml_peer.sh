#!/usr/bin/env bash
# The sepaxml peer of docs/PERFORMANCE.md, in a throwaway virtualenv (removed
# at the end): wall time and peak RSS of sepaxml_peer.py for each N.
#   NS="100000 1000000" bench/sepaxml_peer.sh
set -euo pipefail
cd "$(dirname "$0")"
NS=${NS:-"100000 1000000"}
VENV=$(mktemp -d "${TMPDIR:-/tmp}/prelevo-sepaxml.XXXX")
trap 'rm -rf "$VENV"' EXIT
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "sepaxml==2.7.0"
for n in $NS; do
  /usr/bin/time -f "  n=$n wall=%e s peak_rss=%M KiB" "$VENV/bin/python" sepaxml_peer.py "$n"
done
