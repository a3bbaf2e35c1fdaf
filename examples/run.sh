#!/bin/sh
# examples/run.sh EXAMPLE [berth up flags...] - run an example offline on a fresh machine.
#
#   1. builds the base image material (a busybox-static root filesystem tarball) if needed,
#   2. imports it as bb:latest if the engine does not have it,
#   3. runs `berth up -d --wait` in the example and says how to see it answer.
#
# Stop it with:  examples/run.sh EXAMPLE down      (or: cd examples/EXAMPLE && berth down -v)
# Needs: busybox-static, tar, node; berth built (npm run build) or on PATH.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
EXAMPLE=${1:?usage: examples/run.sh quickstart|web-db|profiles [down]}
shift
DIR=$HERE/$EXAMPLE
[ -f "$DIR/compose.yaml" ] || { echo "no example named $EXAMPLE (try: quickstart, web-db, profiles)" >&2; exit 2; }

if [ -n "${BERTH:-}" ]; then :
elif [ -f "$HERE/../dist/cli/main.js" ]; then BERTH="$HERE/../bin/berth"
elif command -v berth >/dev/null 2>&1; then BERTH=berth
else echo "berth is not built: run npm run build first" >&2; exit 1
fi

if [ "${1:-}" = down ]; then
  cd "$DIR" && exec $BERTH down -v
fi

CACHE=${BERTH_EXAMPLES_CACHE:-/tmp/berth-examples}
TARBALL=$CACHE/bb-rootfs.tar
[ -f "$TARBALL" ] || "$HERE/lib/busybox-rootfs.sh" "$TARBALL"
if ! $BERTH image inspect bb:latest >/dev/null 2>&1; then
  echo "importing $TARBALL as bb:latest"
  $BERTH import "$TARBALL" bb:latest >/dev/null
fi

cd "$DIR"
$BERTH up -d --wait "$@"
echo
$BERTH ps
echo
case $EXAMPLE in
  quickstart) echo "Try:  curl http://127.0.0.1:8080/" ;;
  web-db)     echo "Try:  curl http://127.0.0.1:8081/   and   curl http://127.0.0.1:8081/cgi-bin/visits" ;;
  profiles)   echo "Try:  curl http://127.0.0.1:8082/   (add --profile debug for the debug service)" ;;
esac
echo "Stop: examples/run.sh $EXAMPLE down"
