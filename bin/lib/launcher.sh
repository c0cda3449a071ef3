# Shared by bin/fedstats, bin/fedstats-node and bin/fedstats-coordinator (and by the demo and CI scripts, which
# source it for fedstats_find_jdk). Sourced, not run; bash 3.2 or later.
#
# Environment:
#   JAVA_HOME            a JDK or JRE >= 21 to use (otherwise: java on the PATH, then the newest under
#                        $FEDSTATS_JDK_DIRS)
#   FEDSTATS_JDK_DIRS    folders holding JDKs, searched last (default: /usr/lib/jvm and macOS's folder)
#   FEDSTATS_JAVA_OPTS   extra JVM options, e.g. -Xmx4g
#   FEDSTATS_CDS         "off" to keep the command line from using a class-data archive

FEDSTATS_MIN_JAVA=21

# fedstats_java_major HOME: the feature version (21, 25, ...) of the Java installation at HOME, or nothing.
fedstats_java_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" ]] || return 0
  if [[ -f "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$home/release")
  fi
  if [[ -z "$version" ]]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  fi
  version=${version#1.}
  version=${version%%[!0-9]*}
  echo "$version"
}

# fedstats_find_jdk [javac]: sets FEDSTATS_JAVA_HOME and FEDSTATS_JAVA_MAJOR to a Java >= 21: JAVA_HOME if it is
# one, else the java on the PATH if it is one, else the newest in $FEDSTATS_JDK_DIRS. With "javac", only JDKs
# (with a compiler) count. Prints one line and returns 1 if there is none.
fedstats_find_jdk() {
  local need=${1:-java} candidate major best="" best_major=0 seen="" dir
  local -a candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("${JAVA_HOME%/}")
  if candidate=$(command -v java 2>/dev/null) && [[ -n "$candidate" ]]; then
    candidate=$(readlink -f "$candidate")
    candidates+=("${candidate%/bin/java}")
  fi
  for candidate in "${candidates[@]}"; do
    major=$(fedstats_java_major "$candidate")
    if [[ -n "$major" && -x "$candidate/bin/$need" ]]; then
      (( major >= FEDSTATS_MIN_JAVA )) && { FEDSTATS_JAVA_HOME=$candidate; FEDSTATS_JAVA_MAJOR=$major; return 0; }
      [[ "$seen" == *"$candidate is"* ]] || seen+="${seen:+, }$candidate is Java $major"
    fi
  done
  for dir in ${FEDSTATS_JDK_DIRS:-/usr/lib/jvm /Library/Java/JavaVirtualMachines}; do
    for candidate in "$dir"/*/ "$dir"/*/Contents/Home/; do
      candidate=${candidate%/}
      [[ -x "$candidate/bin/$need" ]] || continue
      major=$(fedstats_java_major "$candidate")
      if [[ -n "$major" ]] && (( major > best_major )); then best=$candidate; best_major=$major; fi
    done
  done
  if [[ -n "$best" ]] && (( best_major >= FEDSTATS_MIN_JAVA )); then
    FEDSTATS_JAVA_HOME=$best; FEDSTATS_JAVA_MAJOR=$best_major; return 0
  fi
  local what="Java"; [[ "$need" == javac ]] && what="a JDK"
  echo "fedstats needs $what $FEDSTATS_MIN_JAVA or newer and found none (${seen:-no JAVA_HOME, no java on the PATH}${best:+, newest in ${FEDSTATS_JDK_DIRS:-/usr/lib/jvm} is Java $best_major}); install one and point JAVA_HOME at it" >&2
  return 1
}

# fedstats_classpath HOME COMPONENT: the class path of node-server, coordinator or client-sdk, in an unpacked
# distribution (HOME/lib) or in a built source tree (HOME/COMPONENT/target).
fedstats_classpath() {
  local home=$1 component=$2 jar found=""
  if [[ -d "$home/lib" ]]; then
    echo "$home/lib/*"
    return 0
  fi
  for jar in "$home/$component/target/fedstats-$component-"*.jar; do
    case "$jar" in *-tests.jar|*-sources.jar|*-javadoc.jar) continue ;; esac
    [[ -f "$jar" && ( -z "$found" || "$jar" -nt "$found" ) ]] && found=$jar
  done
  if [[ -z "$found" ]]; then
    echo "fedstats is not built in $home: run ./mvnw -DskipTests package there first" >&2
    return 1
  fi
  echo "$found"  # its manifest lists the jars in target/lib
}

# fedstats_jars CLASSPATH: the jars that a class path from fedstats_classpath names (one per line).
fedstats_jars() {
  local classpath=$1
  if [[ "$classpath" == *'/*' ]]; then
    printf '%s\n' "${classpath%'*'}"*.jar
  else
    printf '%s\n' "$classpath" "$(dirname "$classpath")"/lib/*.jar
  fi
}

# fedstats_launch HOME COMPONENT MAIN-CLASS [ARGS...]: runs MAIN-CLASS of COMPONENT (client-sdk, node-server or
# coordinator) of the installation or source tree at HOME with a suitable Java.
fedstats_launch() {
  local home=$1 component=$2 main=$3 classpath
  shift 3
  fedstats_find_jdk || exit 1
  classpath=$(fedstats_classpath "$home" "$component") || exit 1
  local -a opts=(--enable-native-access=ALL-UNNAMED)
  # protobuf-java still uses sun.misc.Unsafe; JDK 24+ warns about it unless told to allow it.
  (( FEDSTATS_JAVA_MAJOR >= 24 )) && opts+=(--sun-misc-unsafe-memory-access=allow)
  # The JVM's own log lines go to stderr (not stdout, which carries results), warnings and errors only.
  opts+=(-Xlog:disable -Xlog:all=warning:stderr)
  if [[ "$component" == client-sdk ]]; then
    # A short-lived client: serial collector, quick compiler, and a class-data archive of the classes the first run
    # loaded, which later runs map instead of loading them again (about a third less CPU time per call). Its
    # messages (e.g. the JDK's complaint that the archive does not record --enable-native-access) are not for the
    # user's eyes.
    opts+=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)
    # Apache Arrow (--format arrow) reaches direct buffers' memory through java.nio's internals.
    opts+=(--add-opens=java.base/java.nio=ALL-UNNAMED)
    local cache archive
    cache="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/fedstats"
    if [[ "${FEDSTATS_CDS:-on}" != off ]] && mkdir -p "$cache" 2>/dev/null && [[ -w "$cache" ]]; then
      archive="$cache/cli-$(printf '%s\n' "$home" "$FEDSTATS_JAVA_HOME" "$classpath" | cksum | cut -d' ' -f1).jsa"
      # The JVM does not rewrite an archive whose jars changed after it was written (a rebuild, an update in
      # place); it would only map and drop it on every run. Remove such an archive so that this run writes anew.
      local file
      while IFS= read -r file; do
        if [[ "$file" -nt "$archive" ]]; then rm -f "$archive"; break; fi
      done < <(echo "$FEDSTATS_JAVA_HOME/release"; fedstats_jars "$classpath")
      opts+=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$archive" "-Xlog:cds*=off:stderr")
      (( FEDSTATS_JAVA_MAJOR >= 25 )) && opts+=("-Xlog:aot*=off:stderr")
    fi
  fi
  # shellcheck disable=SC2086  # FEDSTATS_JAVA_OPTS holds several options
  exec "$FEDSTATS_JAVA_HOME/bin/java" "${opts[@]}" ${FEDSTATS_JAVA_OPTS:-} -cp "$classpath" "$main" "$@"
}
