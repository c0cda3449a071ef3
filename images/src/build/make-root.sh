#!/usr/bin/env bash
# Lays out the file tree a fedstats image holds besides the application's jars, for Jib's extra directories:
#   /opt/java                 a Java runtime made by jlink from the build's JDK, with the given modules only, and
#                             no program but java
#   /lib64, LIB-DIR           the C libraries (glibc, libstdc++ for DuckDB's native library, ...) that runtime and
#                             the native libraries in the given jars load, copied from the build host (found by ldd):
#                             the loader in /lib64, the others in LIB-DIR (/lib/x86_64-linux-gnu on Debian), the
#                             folders images/pom.xml gives mode 755
#   /etc/passwd, /etc/group   the image's user (no shell: /usr/sbin/nologin does not exist in the image)
#   /opt/fedstats/jvm.args    the JVM flags, read by the entrypoint as @/opt/fedstats/jvm.args
#   /etc/fedstats, /data, /var/lib/fedstats, /tmp   the folders the deployment mounts or writes
# Usage: make-root.sh JAVA_HOME MODULES ROOT UID NATIVE-JARS JVM-ARGS LIB-DIR
# NATIVE-JARS: jars (separated by ':') whose Linux native libraries are checked and whose needs are copied too.
# Stops with one line saying what is missing.
set -euo pipefail
java_home=$1 modules=$2 root=$3 uid=$4 native_jars=$5 jvm_args=$6 lib_dir=$7
fail() { echo "make-root.sh: $*" >&2; exit 1; }

[[ "$(uname -s)" == Linux ]] || fail "images are built on Linux (the C libraries come from the build host), not $(uname -s)"
# The images are amd64 images (Jib's default platform) and images/pom.xml names the x86_64 library folders.
[[ "$(uname -m)" == x86_64 ]] \
  || fail "images are built on an x86_64 host only (they are linux/amd64 images, with its C libraries), not $(uname -m)"
[[ -x "$java_home/bin/jlink" ]] || fail "no jlink in $java_home: build the images with a full JDK (JAVA_HOME)"
command -v ldd >/dev/null || fail "no ldd on the build host (Debian package libc-bin)"
[[ -z "$native_jars" ]] || command -v unzip >/dev/null || fail "no unzip on the build host (Debian package unzip)"

rm -rf "$root"
mkdir -p "$root"
"$java_home/bin/jlink" --add-modules "$modules" --output "$root/opt/java" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  || fail "jlink of $modules from $java_home failed (above)"
# The runtime's own libraries that a server never loads (windowing, sound, splash screen) need X11 and ALSA,
# which the image does not hold.
rm -f "$root"/opt/java/lib/lib{awt_xawt,jawt,splashscreen,jsound}.so
# and no program but java (jlink adds the modules' tools: keytool, jfr, jwebserver)
find "$root/opt/java/bin" -type f ! -name java -delete

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
objects=("$root/opt/java/bin/java")
while IFS= read -r -d '' so; do objects+=("$so"); done < <(find "$root/opt/java/lib" -name '*.so' -print0)
IFS=: read -r -a jars <<<"$native_jars"
for jar in "${jars[@]}"; do
  [[ -n "$jar" ]] || continue
  [[ -f "$jar" ]] || fail "no $jar (a jar whose native library the image must load)"
  pattern='*linux_amd64*'
  mkdir -p "$scratch/$(basename "$jar")"
  unzip -q -o "$jar" "$pattern" -d "$scratch/$(basename "$jar")" 2>/dev/null \
    || fail "$jar holds no Linux x86_64 native library ($pattern)"
  while IFS= read -r -d '' so; do objects+=("$so"); done < <(find "$scratch/$(basename "$jar")" -type f -print0)
done

# Every library each object needs, as ldd resolves it on this host, and the dynamic loader itself.
declare -A libs=()
for object in "${objects[@]}"; do
  out=$(LD_LIBRARY_PATH="$root/opt/java/lib:$root/opt/java/lib/server" ldd "$object" 2>&1) \
    || fail "ldd $object failed: $out"
  if grep -q 'not found' <<<"$out"; then
    fail "$(basename "$object") needs a library the build host lacks: $(grep 'not found' <<<"$out" | xargs)"
  fi
  while read -r lib; do
    [[ -n "$lib" && "$lib" != "$root"/* ]] && libs[$lib]=1
  done < <(awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' <<<"$out")
done
(( ${#libs[@]} > 0 )) || fail "ldd found no C library behind $root/opt/java/bin/java"
for lib in "${!libs[@]}"; do
  # the path the loader looks in (e.g. /lib/x86_64-linux-gnu/libc.so.6), holding the file itself, not a link
  real=$(readlink -f "$lib")
  dir=$(dirname "$lib")
  case "$dir" in /usr/lib*) dir=${dir#/usr} ;; esac   # merged /usr: /lib is where the loader looks first
  [[ "$dir" == /lib64 || "$dir" == "$lib_dir" ]] \
    || fail "$lib is in $dir, but the image's C libraries go to /lib64 and $lib_dir (images.lib.dir in images/pom.xml)"
  mkdir -p "$root$dir"
  cp "$real" "$root$dir/$(basename "$lib")"
done

mkdir -p "$root/etc" "$root/opt/fedstats" "$root/etc/fedstats" "$root/data" "$root/var/lib/fedstats" "$root/tmp"
printf 'root:x:0:0:root:/nonexistent:/nonexistent\nfedstats:x:%s:%s:fedstats:/var/lib/fedstats:/nonexistent\n' \
  "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\nfedstats:x:%s:\n' "$uid" >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
# one flag a line; empty lines (a flag property that is empty on this JDK) are not written
tr ' ' '\n' <<<"$jvm_args" | grep -v '^$' >"$root/opt/fedstats/jvm.args"

echo "image root: $(du -sh "$root" | cut -f1) in $root (runtime $(du -sh "$root/opt/java" | cut -f1), $(printf '%s ' "${!libs[@]}" | wc -w) C libraries)"
