#!/bin/sh
# Builds the class-data sharing archive of vortexd: starts the jar on the demo repository twice (the
# first start creates the data dir; the second is a restart on existing data, the start that counts),
# asks it what clients ask (/ready, a configuration, /metrics), stops it, and the JVM writes every class
# it loaded into the archive: an AOT cache (JDK >= 25) when ARCHIVE ends in .aot, else a dynamic
# class-data sharing archive. Usage: src/main/sh/cds-train.sh JAVA JAR ARCHIVE [JVM options…]
set -eu
java=$1 jar=$2 archive=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# start JVM-OPTIONS…: runs the daemon in the background on free ports, sets $pid and $port once /ready says 200
start() {
    "$java" "$@" -jar "$jar" --data-dir="$work/data" --http.port=0 --ws.port=0 >"$work/log" 2>&1 &
    pid=$!
    port=
    for _ in $(seq 1200); do
        [ -n "$port" ] || port=$(sed -n 's/.*msg="vortexd started".* http=[^ ]*:\([0-9]*\).*/\1/p' "$work/log")
        if [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/ready"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$work/log" >&2
    echo "cds-train: vortexd did not start" >&2
    exit 1
}

stop() {
    kill -TERM "$pid"
    wait "$pid" || true
}

start "$@"
stop
rm -f "$archive"
case $archive in
    *.aot) record=-XX:AOTCacheOutput="$archive" ;;
    *) record=-XX:ArchiveClassesAtExit="$archive" ;;
esac
start "$@" "$record"
for path in /ready /demo/prod /demo-prod.yml /api/v1/repos /metrics; do
    curl -fsS -o /dev/null "http://127.0.0.1:$port$path"
done
curl -fsS -o /dev/null -XPOST "http://127.0.0.1:$port/api/v1/refresh?wait=10s"
stop
[ -s "$archive" ] || { echo "cds-train: no archive written" >&2; exit 1; }
