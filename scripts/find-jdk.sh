# Sourced by ./panamax and examples/run: find_jdk prints the home of a JDK 25 or newer (JAVA_HOME first, then
# /usr/lib/jvm/*), or explains what it found and exits. Machines often default to an older JDK, which cannot build
# or run Panamax (javac, javadoc and the FFM API of Java 25).
java_feature() {  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local seen=() candidate v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v="$(java_feature "$JAVA_HOME/bin/java")"
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ -x "$JAVA_HOME/bin/javac" ]; then echo "$JAVA_HOME"; return; fi
    seen+=("JAVA_HOME=$JAVA_HOME (Java ${v:-?})")
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    v="$(java_feature "$candidate/bin/java")"
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$candidate"; return; fi
    seen+=("$candidate (Java ${v:-?})")
  done
  {
    echo "panamax: no JDK 25 or newer found."
    if [ ${#seen[@]} -gt 0 ]; then printf '  found: %s\n' "${seen[@]}"; else echo "  found: no JDK at all in JAVA_HOME or /usr/lib/jvm"; fi
    echo "  Install a JDK 25 (for example Temurin 25) and set JAVA_HOME to it."
  } >&2
  exit 1
}

