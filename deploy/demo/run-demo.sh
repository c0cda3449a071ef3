#!/usr/bin/env bash
# Runs a demo federation on 127.0.0.1: a coordinator and three nodes, each holding one site of survival::colon
# (and of datasets::infert), every link over mutual TLS with certificates of the federation's own CA, made here
# first; asks it a few questions through the fedstats CLI as researcher alice, and shuts everything down.
# Needs only a JDK >= 21 (JAVA_HOME, java on the PATH, or under /usr/lib/jvm); builds the project with the Maven
# Wrapper first (FEDSTATS_SKIP_BUILD=1 skips that). FEDSTATS_KEEP_RUNNING=1 leaves the federation up at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
run="$here/run"
start_ns=$(date +%s%N)

# The launchers in bin/ find a Java >= 21 themselves; the build needs a JDK, found the same way.
source "$root/bin/lib/launcher.sh"
build=$([[ "${FEDSTATS_SKIP_BUILD:-}" == "1" ]] || echo yes)
fedstats_find_jdk ${build:+javac} || exit 1
export JAVA_HOME="$FEDSTATS_JAVA_HOME"
if [[ -n "$build" ]]; then
  echo "== building (./mvnw -q -DskipTests install)"
  (cd "$root" && ./mvnw -q -DskipTests install)
fi

rm -rf "$run" && mkdir -p "$run"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for_line() {  # file, pattern, seconds, pid: stops at once, with the process's own words, if it exits
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if ! kill -0 "$4" 2>/dev/null; then
      echo "demo: $(basename "$1" .log) did not start:" >&2; cat "$1" >&2; exit 1
    fi
    if (( SECONDS >= deadline )); then
      echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
    fi
    sleep 0.1
  done
}

# The federation's PKI: a CA, and a key and certificate for the coordinator, each node and researcher alice, each
# in its own folder as on its own machine (in one JVM: 'fedstats pki demo'; deploy/README.md shows the real steps).
echo "== creating the federation's CA and certificates for the coordinator, site1-3 and researcher alice"
"$root/bin/fedstats" pki demo --dir "$run/pki" --nodes site1,site2,site3 --researchers alice >"$run/pki.log"

echo "== starting the coordinator and nodes site1, site2, site3 on 127.0.0.1 (the nodes dial the coordinator; mutual TLS)"
# Four JVMs on a small machine: the serial collector and the quick compiler keep them light.
export FEDSTATS_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
"$root/bin/fedstats-coordinator" --config "$here/coordinator.yaml" >"$run/coordinator.log" 2>&1 &
pids+=($!)
wait_for_line "$run/coordinator.log" "^  node site3 " 60 "${pids[0]}"   # its start lines, the last one
# The coordinator's own lines (its log has the rest).
grep -E '^(coordinator |  node )' "$run/coordinator.log"
for i in 1 2 3; do
  "$root/bin/fedstats-node" --config "$here/node-site$i.yaml" >"$run/node-site$i.log" 2>&1 &
  pids+=($!)
done
# Each node loads its data, dials out and is in the federation as soon as the coordinator takes its link.
for i in 1 2 3; do
  wait_for_line "$run/node-site$i.log" "dialling its coordinator" 60 "${pids[$i]}"
  wait_for_line "$run/coordinator.log" "node site$i linked from" 60 "${pids[0]}"
done
unset FEDSTATS_JAVA_OPTS

# The command line as a user in this folder would type it; 127.0.0.1:7050 is its default coordinator.
if [[ "$PWD" == "$root" ]]; then launcher=bin/fedstats; tls_dir=deploy/demo/run/pki/alice
else launcher="$root/bin/fedstats"; tls_dir="$run/pki/alice"; fi
# Researcher alice's certificate, for every command below; the nodes' audit logs record her name from it.
export FEDSTATS_TLS_DIR="$run/pki/alice" FEDSTATS_TLS_NAME=alice
project=demo-study        # the study the sites approved (approvals.yaml); every question names it

shell_words() {  # prints its arguments as a shell command line that gives them back, to copy and paste
  local line="" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then line+=" $arg"
    elif [[ "$arg" == *\'* ]]; then line+=" $(printf '%q' "$arg")"
    else line+=" '$arg'"; fi
  done
  echo "${line# }"
}

fedstats() {
  local args=("$@")
  case " $* " in
    *" --project "*|" nodes "|" datasets "|" variables "*) ;;
    *) args+=(--project "$project") ;;
  esac
  echo
  echo "\$ $(shell_words "$launcher" "${args[@]}")"
  "$root/bin/fedstats" "${args[@]}" || true
}

echo
echo "# Every command below talks to the coordinator over mutual TLS with researcher alice's certificate:"
echo "\$ $(shell_words export "FEDSTATS_TLS_DIR=$tls_dir" FEDSTATS_TLS_NAME=alice)"
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
fedstats chisq colon rx status
fedstats correlation colon age time
fedstats lm colon "time ~ age + sex + rx"
echo
echo "# A logistic regression fitted over the three sites: each round is printed (on stderr) as it completes."
fedstats glm colon "status ~ rx + sex + age + obstruct" --family binomial 2>&1
fedstats meta colon "status ~ rx + sex + age" --family binomial
echo
echo "# With lymph nodes in the model, each site would leave out its 5 to 7 patients without a count: refused."
fedstats glm colon "status ~ rx + nodes" --family binomial
echo
echo "# A cohort too small to release: each site refuses it, so there is no pooled value."
fedstats count colon --where "age < 30 and sex = 1"
echo
echo "# Lymph node counts are missing for a few patients at each site: fewer than 10, so the sites refuse the summary."
fedstats summary colon nodes
echo
echo "# The patient id is declared an identifier at every site: not listed, and no request may use it."
fedstats count colon --where "id < 100" 2>&1
echo
echo "# Histograms are not on infert's allow-list at any site: the request is denied."
fedstats histogram infert age --breaks 20,30,40,50 2>&1
echo
echo "# A project the sites have not approved: each site refuses it, naming the missing approval."
fedstats count colon --project other-study 2>&1
echo
echo "# The same federation over HTTP/JSON (web-listen; from R, Python or curl: README), from Python with alice's files:"
py_args=(https://127.0.0.1:7052 --dataset colon --variable age --project "$project")
echo "\$ $(shell_words python3 "$([[ "$PWD" == "$root" ]] && echo examples || echo "$root/examples")/python/fedstats_api.py" \
  "${py_args[@]}" --cert "$tls_dir/alice.crt" --key "$tls_dir/alice.key" --ca "$tls_dir/ca.crt")"
if command -v python3 >/dev/null 2>&1; then
  python3 "$root/examples/python/fedstats_api.py" "${py_args[@]}" --cert "$run/pki/alice/alice.crt" \
    --key "$run/pki/alice/alice.key" --ca "$run/pki/alice/ca.crt" 2>&1 || true
else
  echo "(python3 is not installed here: skipped)"
fi
echo
echo "# Every site wrote each request to its audit log, e.g. the last entry of site1:"
tail -n 1 "$run/audit-site1.jsonl"

elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo
echo "== demo finished in ${elapsed_ms} ms; logs and audit logs in $run"
if [[ "${FEDSTATS_KEEP_RUNNING:-}" == "1" ]]; then
  echo "== the federation stays up (coordinator 127.0.0.1:7050, mutual TLS: run the export above first; dashboard"
  echo "   https://127.0.0.1:7052/ for a browser holding alice's certificate: deploy/README.md, Dashboard); press Ctrl-C to stop it"
  wait
fi
