#!/usr/bin/env bash
# Runs a demo federation on 127.0.0.1: a coordinator and three nodes, each holding one site of survival::colon
# (and of datasets::infert), asks it a few questions through the fedstats CLI, and shuts everything down.
# Needs only a JDK >= 21 (JAVA_HOME or java on PATH); builds the project with the Maven Wrapper first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
run="$here/run"
start_ns=$(date +%s%N)

if [[ -z "${JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
    [[ -x "$candidate/bin/java" ]] && export JAVA_HOME="$candidate" && break
  done
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jvm_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED)
java_major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if (( java_major < 21 )); then
  echo "fedstats needs a JDK >= 21; $java is $java_major (set JAVA_HOME)" >&2; exit 1
fi
# protobuf-java still uses sun.misc.Unsafe; JDK 24+ warns about it unless told to allow it.
(( java_major >= 24 )) && jvm_opts+=(--sun-misc-unsafe-memory-access=allow)

if [[ "${FEDSTATS_SKIP_BUILD:-}" != "1" ]]; then
  echo "== building (./mvnw -q -DskipTests install)"
  (cd "$root" && ./mvnw -q -DskipTests install)
fi

node_jar="$root/node-server/target/fedstats-node-server-0.1.0-SNAPSHOT.jar"
coordinator_jar="$root/coordinator/target/fedstats-coordinator-0.1.0-SNAPSHOT.jar"
cli_jar="$root/client-sdk/target/fedstats-client-sdk-0.1.0-SNAPSHOT.jar"

rm -rf "$run" && mkdir -p "$run"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for_line() {  # file, pattern, seconds
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
    fi
    sleep 0.1
  done
}

echo "== starting nodes site1, site2, site3 and the coordinator on 127.0.0.1"
for i in 1 2 3; do
  "$java" "${jvm_opts[@]}" -jar "$node_jar" --config "$here/node-site$i.yaml" >"$run/node-site$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do wait_for_line "$run/node-site$i.log" "listening on" 60; done
"$java" "${jvm_opts[@]}" -jar "$coordinator_jar" --config "$here/coordinator.yaml" >"$run/coordinator.log" 2>&1 &
pids+=($!)
wait_for_line "$run/coordinator.log" "listening on" 60
cat "$run/coordinator.log"

fedstats() {
  echo
  echo "\$ fedstats $*"
  # A class-data archive, written by the first call, makes the later CLI starts about a third faster.
  "$java" "${jvm_opts[@]}" -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$run/cli.jsa" \
    -jar "$cli_jar" --coordinator 127.0.0.1:50060 --user demo "$@" || true
}

fedstats nodes
fedstats datasets
fedstats variables colon
fedstats count colon
fedstats count colon --where "sex = 0"
fedstats summary colon age
fedstats summary colon age --where "rx in (Lev, Lev+5FU) and age >= 50"
fedstats table colon rx status
fedstats histogram colon age --breaks 0,40,50,60,70,100
fedstats --format csv summary colon time --where "status = 1"
echo
echo "# A cohort too small to release: each site refuses it, so there is no pooled value."
fedstats count colon --where "age < 30 and sex = 1"
echo
echo "# Lymph node counts are missing for a few patients at each site: fewer than 10, so the sites refuse the summary."
fedstats summary colon nodes
echo
echo "# Histograms are not on infert's allow-list at any site: the request is denied."
fedstats histogram infert age --breaks 20,30,40,50 2>&1
echo
echo "# Every site wrote each request to its audit log, e.g. the last entry of site1:"
tail -n 1 "$run/audit-site1.jsonl"

elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo
echo "== demo finished in ${elapsed_ms} ms; logs and audit logs in $run"
if [[ "${FEDSTATS_KEEP_RUNNING:-}" == "1" ]]; then
  echo "== the federation stays up (coordinator 127.0.0.1:50060); press Ctrl-C to stop it"
  wait
fi
