#!/bin/sh
# ONNX Runtime versions side by side on this machine: OrtRunRate (MiniLM int8 and fp32, ONNX Runtime alone) on the
# version the djl provider ships, then on each version given, turn about, twice. Ratios compare only within a run.
#   benchmarks/ort-versions.sh 1.29.0 [1.23.2 ...]   (needs Maven Central for a version not in ~/.m2)
# Build first: mvn -B -DskipTests install (the benchmarks module writes target/classpath.txt).
set -e
DIR=$(cd "$(dirname "$0")" && pwd)
CP="$DIR/target/classes:$(cat "$DIR/target/classpath.txt")"
SHIPPED=$(echo "$CP" | tr ':' '\n' | grep '/onnxruntime/[^/]*/onnxruntime-[^/]*\.jar$' | head -1)
[ -n "$SHIPPED" ] || { echo "no onnxruntime jar on the benchmarks classpath" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 VERSION [VERSION ...]" >&2; exit 2; }
REPO=$(dirname "$(dirname "$SHIPPED")")
for v in "$@"; do
  [ -f "$REPO/$v/onnxruntime-$v.jar" ] || mvn -B -q dependency:get -Dtransitive=false \
    -Dartifact="com.microsoft.onnxruntime:onnxruntime:$v" >/dev/null
done
run() {
  java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
    -cp "$1" dev.modelmanager.benchmarks.OrtRunRate
}
for round in 1 2; do
  run "$CP"
  for v in "$@"; do
    run "$(echo "$CP" | sed "s#$SHIPPED#$REPO/$v/onnxruntime-$v.jar#")"
  done
done
