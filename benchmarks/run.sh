#!/bin/sh
# Runs the JMH benchmarks and prints each against its baseline from the same run.
#   benchmarks/run.sh            full run (about 2 minutes)
#   benchmarks/run.sh --smoke    short pass, as CI runs it
# Build first: mvn -B -DskipTests install (the benchmarks module writes target/classpath.txt).
set -e
DIR=$(cd "$(dirname "$0")" && pwd)
CP="$DIR/target/classes:$(cat "$DIR/target/classpath.txt")"
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.Report "$@"
