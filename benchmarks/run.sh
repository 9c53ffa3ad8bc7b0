#!/bin/sh
# Runs the benchmarks and prints each against its baseline from the same run.
#   benchmarks/run.sh            full run (a few minutes)
#   benchmarks/run.sh --smoke    short pass, as CI runs it
# Build first: mvn -B -DskipTests install (the benchmarks module writes target/classpath.txt).
set -e
DIR=$(cd "$(dirname "$0")" && pwd)
CP="$DIR/target/classes:$(cat "$DIR/target/classpath.txt")"
MODELS="${SHARED_MODELS:-$DIR/../../shared/models}"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.Report "$@"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dshared.models="$MODELS" -cp "$CP" \
  dev.modelmanager.benchmarks.LlamaCppLoadTest "$@"
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -DDJL_CACHE_DIR="$DIR/target/djl-cache" -cp "$CP" dev.modelmanager.benchmarks.DjlEmbeddingLoadTest "$@"
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -DDJL_CACHE_DIR="$DIR/target/djl-cache" -cp "$CP" dev.modelmanager.benchmarks.FairSharingLoadTest "$@"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.ChurnLoadTest "$@"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.BatchingLoadTest "$@"
