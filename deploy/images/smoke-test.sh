#!/usr/bin/env bash
# Runs the node and coordinator container images without a container engine: unpacks each image tarball's layers
# into a root folder and runs the image's own entrypoint in it under chroot (with a private /proc, the host's /dev,
# and the image's user when run as root; in a user namespace otherwise), then checks that
#   - the images hold no shell, run as a numeric non-root user and start java from the image's own runtime;
#   - `--version` of each prints the build's version;
#   - a node whose configuration names a missing data file stops with status 2 and says which file;
#   - a coordinator and a node from the images, the node's data mounted read-only at /data, its configuration at
#     /etc/fedstats and its audit log on a volume at /var/lib/fedstats, link up, answer a count from the CLI, write
#     the audit log, and stop on SIGTERM.
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
researcher_port=7160 node_port=7161

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

# run_image NAME [--bind HOST:IMAGE[:ro]]... -- ARGS...: runs the image's entrypoint with ARGS (instead of its
# default arguments) in the image's root, with its environment and, when run as root, its user. Becomes unshare,
# whose one child is java: call it in a subshell ($(...) or &).
run_image() {
  local name=$1 dir=$work/$1 mounts="" env=() cmd=() line host inside mode user
  shift
  while [[ "$1" == --bind ]]; do
    IFS=: read -r host inside mode <<<"$2"
    mkdir -p "$dir/root$inside"
    mounts+="mount --bind '$host' '$dir/root$inside' && "
    [[ "$mode" == ro ]] && mounts+="mount -o remount,bind,ro '$dir/root$inside' && "
    shift 2
  done
  [[ "$1" == -- ]] && shift
  while IFS= read -r line; do env+=("$line"); done < <(json_strings "$dir/config.json" Env)
  while IFS= read -r line; do cmd+=("$line"); done < <(json_strings "$dir/config.json" Entrypoint)
  user=$(json_strings "$dir/config.json" User)
  mkdir -p "$dir/root/proc" "$dir/root/dev"
  local -a ns=(unshare --mount --pid --fork --kill-child)
  local -a as=()
  if (( EUID == 0 )); then as=(--userspec="$user"); else ns+=(--map-root-user); fi
  exec "${ns[@]}" bash -c "mount -t proc proc '$dir/root/proc' && mount --rbind /dev '$dir/root/dev' && ${mounts} \
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

# The deployment's folders: configuration (read-only), site data (read-only), state volume (writable).
mkdir -p "$work/etc-node" "$work/etc-coordinator" "$work/state-node" "$work/state-coordinator"
chmod 777 "$work/state-node" "$work/state-coordinator"
site_data="$root/deploy/demo/data"

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

echo "== a coordinator and a node from the images, the node dialling the coordinator"
cat >"$work/etc-coordinator/coordinator.yaml" <<EOF
listen: 127.0.0.1:$researcher_port
node-listen: 127.0.0.1:$node_port
insecure: true              # the smoke test only: a real federation runs mutual TLS
audit-log: /var/lib/fedstats/coordinator-audit.jsonl
pending-dir: /var/lib/fedstats/pending
nodes: [{id: site1}]
EOF
cat >"$work/etc-node/node.yaml" <<EOF
node-id: site1
coordinator: {address: "127.0.0.1:$node_port"}
insecure: true
audit-log: /var/lib/fedstats/audit.jsonl
datasets:
  - name: colon
    files: [/data/colon_site1.csv]
    analyses: [count]
    variables:
      - {name: id, type: identifier}
      - {name: rx, type: categorical, levels: [Obs, Lev, Lev+5FU]}
      - {name: age, type: integer}
EOF
run_image fedstats-coordinator --bind "$work/etc-coordinator:/etc/fedstats:ro" \
  --bind "$work/state-coordinator:/var/lib/fedstats" -- --config /etc/fedstats/coordinator.yaml \
  >"$work/coordinator.log" 2>&1 &
pids+=($!)
wait_for "$work/coordinator.log" "^coordinator .* listening on" 60 "${pids[0]}"
# the image's default arguments: --config /etc/fedstats/node.yaml
mapfile -t node_args < <(json_strings "$work/fedstats-node/config.json" Cmd)
run_image fedstats-node --bind "$work/etc-node:/etc/fedstats:ro" --bind "$site_data:/data:ro" \
  --bind "$work/state-node:/var/lib/fedstats" -- "${node_args[@]}" >"$work/node.log" 2>&1 &
pids+=($!)
wait_for "$work/node.log" "dialling its coordinator" 60 "${pids[1]}"
wait_for "$work/coordinator.log" "node site1 linked from" 60 "${pids[0]}"
echo "linked: $(grep -o 'node site1 linked from.*' "$work/coordinator.log" | head -1)"

out=$("$root/bin/fedstats" --coordinator "127.0.0.1:$researcher_port" --user smoke count colon 2>&1) \
  || fail "the count through the images failed: $out"
grep -q "pooled   count = " <<<"$out" || fail "the count gave no pooled count: $out"
grep "pooled   count = " <<<"$out"
grep -q '"outcome":"ANSWERED"' "$work/state-node/audit.jsonl" 2>/dev/null \
  || fail "the node's audit log on its volume records no answer: $(cat "$work/state-node/audit.jsonl" 2>&1)"
[[ -s "$work/state-coordinator/coordinator-audit.jsonl" ]] || fail "the coordinator wrote no audit log on its volume"
if (( EUID == 0 )); then
  owner=$(stat -c %u:%g "$work/state-node/audit.jsonl")
  [[ "$owner" == "$(json_strings "$work/fedstats-node/config.json" User)" ]] \
    || fail "the node's audit log belongs to $owner, not to the image's user"
fi
echo "audit logs written on the volumes"

echo "== SIGTERM"

stop "${pids[1]}" "$work/node.log"
stop "${pids[0]}" "$work/coordinator.log"
echo "images smoke test: OK"
