#!/usr/bin/env bash
# Runs the node and coordinator container images without a container engine: unpacks each image tarball's layers
# into a root folder and runs the image's own entrypoint in it under chroot (with a private /proc, the host's /dev,
# the root read-only and a tmpfs at /tmp, and the image's user when run as root; in a user namespace otherwise),
# then checks that
#   - the images hold no shell, run as a numeric non-root user and start java from the image's own runtime;
#   - `--version` of each prints the build's version;
#   - a node whose configuration names a missing data file stops with status 2 and says which file;
#   - the compose federation (deploy/compose: its configurations, mounted as compose.yaml mounts them, with
#     certificates from 'fedstats pki demo'), a coordinator and three nodes from the images, link up over mutual
#     TLS, answer researcher alice's count from the CLI, write their audit logs on their volumes, show the nodes up
#     on /metrics, serve the dashboard and the HTTP API over HTTPS, and stop on SIGTERM.
# Prints each image's tarball and unpacked size.
# Usage: deploy/images/smoke-test.sh [NODE-TARBALL COORDINATOR-TARBALL]
#   (default: the tarballs ./mvnw -Pimages -DskipTests package writes under images/*/target/jib/)
# Needs: Linux with unshare and chroot (util-linux, coreutils), and the project built (bin/fedstats runs the CLI).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node_tar=${1:-$root/images/node/target/jib/fedstats-node.tar}
coordinator_tar=${2:-$root/images/coordinator/target/jib/fedstats-coordinator.tar}
# The demo's ports are 7050-7053; these lie below Linux's ephemeral range too.
researcher_port=7160 node_port=7161 metrics_port=7162 web_port=7163

fail() { echo "images smoke test: $*" >&2; exit 1; }
for tool in unshare chroot tar; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || fail "needs $tool"
done
chroot=$(command -v chroot || echo /usr/sbin/chroot)
for tarball in "$node_tar" "$coordinator_tar"; do
  [[ -f "$tarball" ]] || fail "no image tarball $tarball: build it with ./mvnw -Pimages -DskipTests package"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fedstats-images.XXXXXX")
pids=()
cleanup() {
  local pid
  # each is an unshare, which kills its java when it ends (--kill-child)
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# json_strings FILE KEY: the strings of KEY's array (or KEY's string) in a one-line JSON file, one a line. Jib's
# image config and manifest hold no commas or quotes within these strings.
json_strings() {
  local value
  value=$(grep -o "\"$2\":\(\[[^]]*\]\|\"[^\"]*\"\)" "$1" | head -1) || return 0
  value=${value#*:}
  value=${value#[}
  value=${value%]}
  tr ',' '\n' <<<"$value" | sed 's/^"//; s/"$//' | grep -v '^$' || true
}

# unpack TARBALL NAME: the image's root folder under $work/NAME/root, its config in $work/NAME/config.json
unpack() {
  local tarball=$1 name=$2 layer
  mkdir -p "$work/$name/image" "$work/$name/root"
  tar -xf "$tarball" -C "$work/$name/image"
  mv "$work/$name/image/config.json" "$work/$name/config.json"
  while IFS= read -r layer; do
    tar --warning=no-unknown-keyword -xzf "$work/$name/image/$layer" -C "$work/$name/root"
  done < <(json_strings "$work/$name/image/manifest.json" Layers)
  rm -rf "$work/$name/image"
  printf '%-22s tarball %4d MB, unpacked %4d MB\n' "$name" "$(( $(stat -c %s "$tarball") / 1000000 ))" \
    "$(( $(du -sb "$work/$name/root" | cut -f1) / 1000000 ))"
}

# check_image NAME: what an image must and must not hold
check_image() {
  local name=$1 dir=$work/$1 user entrypoint
  user=$(json_strings "$dir/config.json" User)
  [[ "$user" =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]] || fail "$name: its user is '$user', not a numeric non-root uid:gid"
  for shell in bin/sh bin/bash usr/bin/sh bin/busybox; do
    [[ ! -e "$dir/root/$shell" ]] || fail "$name holds a shell: /$shell"
  done
  entrypoint=$(json_strings "$dir/config.json" Entrypoint | head -1)
  [[ "$entrypoint" == /opt/java/bin/java && -x "$dir/root$entrypoint" ]] \
    || fail "$name: its entrypoint starts with '$entrypoint', not the image's /opt/java/bin/java"
}

# run_image NAME [--bind HOST:IMAGE[:ro]]... [-- ARGS...]: runs the image's entrypoint with ARGS (without ARGS: with
# its default arguments) in the image's root, with its environment and, when run as root, its user. Becomes unshare,
# whose one child is java: call it in a subshell ($(...) or &).
run_image() {
  local name=$1 dir=$work/$1 mounts="" env=() cmd=() line host inside mode user
  shift
  while [[ "${1:-}" == --bind ]]; do
    IFS=: read -r host inside mode <<<"$2"
    if [[ -d "$host" ]]; then mkdir -p "$dir/root$inside"
    else mkdir -p "$(dirname "$dir/root$inside")" && touch "$dir/root$inside"; fi
    mounts+="mount --bind '$host' '$dir/root$inside' && "
    [[ "$mode" == ro ]] && mounts+="mount -o remount,bind,ro '$dir/root$inside' && "
    shift 2
  done
  [[ "${1:-}" == -- ]] && shift
  while IFS= read -r line; do env+=("$line"); done < <(json_strings "$dir/config.json" Env)
  env+=("${extra_env[@]}")
  while IFS= read -r line; do cmd+=("$line"); done < <(json_strings "$dir/config.json" Entrypoint)
  if (( $# == 0 )); then   # the image's default arguments, as a container engine gives them
    while IFS= read -r line; do set -- "$@" "$line"; done < <(json_strings "$dir/config.json" Cmd)
  fi
  user=$(json_strings "$dir/config.json" User)
  mkdir -p "$dir/root/proc" "$dir/root/dev"
  local -a ns=(unshare --mount --pid --fork --kill-child)
  local -a as=()
  if (( EUID == 0 )); then as=(--userspec="$user"); else ns+=(--map-root-user); fi
  # The root read-only and a tmpfs at /tmp that allows executables, as compose.yaml and the Helm charts run them.
  mkdir -p "$dir/root/tmp"
  exec "${ns[@]}" bash -c "mount --bind '$dir/root' '$dir/root' && mount -o remount,bind,ro '$dir/root' && \
    mount -t proc proc '$dir/root/proc' && mount --rbind /dev '$dir/root/dev' && \
    mount -t tmpfs -o exec,mode=1777,size=256m tmpfs '$dir/root/tmp' && ${mounts} \
    exec env -i \"\$@\"" run-image "${env[@]}" "$chroot" "${as[@]}" "$dir/root" "${cmd[@]}" "$@"
}

# wait_for FILE PATTERN SECONDS PID: until FILE has a line matching PATTERN; stops with the file if PID exits
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$4" 2>/dev/null || { cat "$1" >&2; fail "$(basename "$1" .log) stopped before '$2'"; }
    (( SECONDS < deadline )) || { cat "$1" >&2; fail "timed out waiting for '$2' in $(basename "$1")"; }
    sleep 0.2
  done
}

# stop PID LOG: SIGTERM to the java process (the namespace's first process, the child of unshare), as a container
# engine sends it; waits up to 30 s for it to end
stop() {
  local pid=$1 java deadline=$((SECONDS + 30))
  java=$(pgrep -P "$pid" | head -1 || true)
  kill -TERM "${java:-$pid}" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    (( SECONDS < deadline )) || { cat "$2" >&2; fail "$(basename "$2" .log) did not stop within 30 s of SIGTERM"; }
    sleep 0.2
  done
}

# Four JVMs on a small machine: the serial collector and the quick compiler keep them light (as in the demo).
extra_env=("JAVA_TOOL_OPTIONS=-XX:+UseSerialGC -XX:TieredStopAtLevel=1")

echo "== unpacking the images"
unpack "$node_tar" fedstats-node
unpack "$coordinator_tar" fedstats-coordinator
check_image fedstats-node
check_image fedstats-coordinator

echo "== --version"
version=$(sed -n '/<artifactId>fedstats-parent</,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")
out=$(run_image fedstats-node -- --version)
[[ "$out" == "fedstats-node $version" ]] || fail "fedstats-node --version printed '$out', not 'fedstats-node $version'"
echo "$out"
out=$(run_image fedstats-coordinator -- --version)
[[ "$out" == "fedstats-coordinator $version" ]] \
  || fail "fedstats-coordinator --version printed '$out', not 'fedstats-coordinator $version'"
echo "$out"

site_data="$root/deploy/demo/data"
mkdir -p "$work/etc-node" "$work/state-node"
chmod 777 "$work/state-node"

echo "== a node whose data file is missing stops and says so"
cat >"$work/etc-node/missing.yaml" <<'EOF'
node-id: site1
insecure: true
audit-log: /var/lib/fedstats/audit.jsonl
datasets:
  - name: colon
    files: [/data/no-such-file.csv]
    variables: [{name: age, type: integer}]
EOF
set +e
out=$(run_image fedstats-node --bind "$work/etc-node:/etc/fedstats:ro" --bind "$site_data:/data:ro" \
  --bind "$work/state-node:/var/lib/fedstats" -- --config /etc/fedstats/missing.yaml 2>&1)
status=$?
set -e
[[ $status == 2 && "$out" == *"/data/no-such-file.csv"* ]] \
  || fail "the node with a missing data file ended with status $status (not 2) saying: $out"
echo "status 2: $out"

echo "== the compose federation (deploy/compose) from the images: a coordinator and three nodes over mutual TLS"
# As compose.yaml mounts them: each configuration file and TLS folder read-only, the site's own data files (only)
# read-only in /data, a volume at /var/lib/fedstats; the compose network's name "coordinator" is 127.0.0.1 here, and
# the ports are moved off the demo's.
compose="$root/deploy/compose"
for image in fedstats-node fedstats-coordinator; do
  printf '127.0.0.1 localhost coordinator\n' >"$work/$image/root/etc/hosts"
done
"$root/bin/fedstats" pki demo --dir "$work/pki" --nodes site1,site2,site3 --researchers alice \
  --dns coordinator,localhost --ip 127.0.0.1 >"$work/pki.log" || { cat "$work/pki.log" >&2; fail "pki demo failed"; }
user=$(json_strings "$work/fedstats-node/config.json" User)
for member in coordinator site1 site2 site3; do
  mkdir -p "$work/state-$member"
  if (( EUID == 0 )); then   # the images' user reads its key, as "chown -R 65532:65532 pki/..." in compose.yaml
    chown -R "$user" "$work/pki/$member" "$work/state-$member"
  fi
done
sed -e "s/:7050/:$researcher_port/; s/:7051/:$node_port/; s/:9464/:$metrics_port/; s/:8443/:$web_port/" \
  "$compose/coordinator.yaml" >"$work/coordinator.yaml"
run_image fedstats-coordinator --bind "$work/coordinator.yaml:/etc/fedstats/coordinator.yaml:ro" \
  --bind "$work/pki/coordinator:/etc/fedstats/tls:ro" --bind "$work/state-coordinator:/var/lib/fedstats" \
  >"$work/coordinator.log" 2>&1 &
pids+=($!)
wait_for "$work/coordinator.log" "^coordinator .* listening on" 60 "${pids[0]}"
for site in site1 site2 site3; do
  sed -e "s/coordinator:7051/coordinator:$node_port/" "$compose/node-$site.yaml" >"$work/node-$site.yaml"
  # the image's default arguments: --config /etc/fedstats/node.yaml
  run_image fedstats-node --bind "$work/node-$site.yaml:/etc/fedstats/node.yaml:ro" \
    --bind "$root/deploy/demo/approvals.yaml:/etc/fedstats/approvals.yaml:ro" \
    --bind "$work/pki/$site:/etc/fedstats/tls:ro" --bind "$site_data/colon_$site.csv:/data/colon_$site.csv:ro" \
    --bind "$site_data/infert_$site.csv:/data/infert_$site.csv:ro" \
    --bind "$work/state-$site:/var/lib/fedstats" >"$work/$site.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  wait_for "$work/site$i.log" "dialling its coordinator" 90 "${pids[$i]}"
  wait_for "$work/coordinator.log" "node site$i linked from" 90 "${pids[0]}"
done
echo "linked: $(grep -o 'node site1 linked from.*' "$work/coordinator.log" | head -1)"

out=$("$root/bin/fedstats" --coordinator "localhost:$researcher_port" --tls-dir "$work/pki/alice" --tls-name alice \
  --project demo-study count colon 2>&1) || fail "the count through the images failed: $out"
grep -q "pooled   count = 929" <<<"$out" || fail "the count gave not the demo's pooled count of 929: $out"
grep "pooled   count = " <<<"$out"
for site in site1 site2 site3; do
  grep -q '"outcome":"ANSWERED"' "$work/state-$site/audit.jsonl" 2>/dev/null \
    || fail "$site's audit log on its volume records no answer: $(cat "$work/state-$site/audit.jsonl" 2>&1)"
  grep -q '"researcher":"alice"' "$work/state-$site/audit.jsonl" \
    || fail "$site's audit log does not name alice, as her certificate says"
done
[[ -s "$work/state-coordinator/coordinator-audit.jsonl" ]] || fail "the coordinator wrote no audit log on its volume"
if (( EUID == 0 )); then
  owner=$(stat -c %u:%g "$work/state-site1/audit.jsonl")
  [[ "$owner" == "$user" ]] || fail "the node's audit log belongs to $owner, not to the image's user $user"
fi
echo "audit logs written on the volumes, naming alice"
if command -v curl >/dev/null; then
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" | grep -q '^fedstats_coordinator_node_up{node="site3"} 1' \
    || fail "the coordinator's /metrics does not show site3 up"
  echo "metrics: site1-3 up"
  # The web port over HTTPS with the coordinator's certificate: the dashboard, and the HTTP API to alice.
  alice=(--cacert "$work/pki/alice/ca.crt" --cert "$work/pki/alice/alice.crt" --key "$work/pki/alice/alice.key")
  curl -fsS "${alice[@]}" "https://localhost:$web_port/" | grep -qi '<html' \
    || fail "the coordinator's web port serves no dashboard page"
  curl -fsS "${alice[@]}" "https://localhost:$web_port/api/v1/nodes" | grep -q 'site3' \
    || fail "the coordinator's HTTP API does not list site3"
  echo "web port: the dashboard, and the HTTP API listing site1-3"
fi

echo "== SIGTERM"
for i in 3 2 1; do stop "${pids[$i]}" "$work/site$i.log"; done
stop "${pids[0]}" "$work/coordinator.log"
echo "images smoke test: OK ($SECONDS s)"
