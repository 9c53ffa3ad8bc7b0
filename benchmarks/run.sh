#!/bin/sh
# Runs the benchmarks and prints each against its baseline from the same run.
#   benchmarks/run.sh            full run (a few minutes)
#   benchmarks/run.sh --smoke    short pass, as CI runs it
# Build first: mvn -B -DskipTests install (the benchmarks module writes target/classpath.txt).
set -e
DIR=$(cd "$(dirname "$0")" && pwd)
CP="$DIR/target/classes:$(cat "$DIR/target/classpath.txt")"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.Report "$@"
# Writes its llama models into target/models at the first run (214 MB Q8_0, 403 MB F16; ~4 MB with --smoke).
java -Xmx3g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmodel.dir="$DIR/target/models" -cp "$CP" \
  dev.modelmanager.benchmarks.GenerationScalingLoadTest "$@"
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -DDJL_CACHE_DIR="$DIR/target/djl-cache" -cp "$CP" dev.modelmanager.benchmarks.DjlEmbeddingLoadTest "$@"
# ONNX Runtime alone in the run shapes the djl provider chooses between (the ceiling of the section above).
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -cp "$CP" dev.modelmanager.benchmarks.OrtRunRate "$@"
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -DDJL_CACHE_DIR="$DIR/target/djl-cache" -cp "$CP" dev.modelmanager.benchmarks.FairSharingLoadTest "$@"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.ChurnLoadTest "$@"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.modelmanager.benchmarks.BatchingLoadTest "$@"
