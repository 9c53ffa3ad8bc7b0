#!/bin/sh
# On a machine with an NVIDIA GPU: the GPUs the manager finds (NVML, else nvidia-smi) with their free memory, and
# fp32 all-MiniLM-L6-v2 on the GPU (device=auto) against the CPU (device=cpu), in sentences per second. The GPU part
# needs ONNX Runtime's CUDA build (the gpu profile) and CUDA 12 + cuDNN 9 on the host; without them the model stays
# on the CPU and the reason is printed. Exit status 0 when the model ran on a GPU.
#
#   mvn -B -Pgpu -DskipTests install       # once, from the repository root (downloads onnxruntime_gpu, 371 MB)
#   benchmarks/gpu-check.sh [sentences]    # 1000 by default
set -e
DIR=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$DIR/target/classpath.txt" ]; then
  echo "gpu-check: build first: mvn -B -Pgpu -DskipTests install" >&2
  exit 2
fi
CP="$DIR/target/classes:$(cat "$DIR/target/classpath.txt")"
case "$CP" in
  *onnxruntime_gpu*) ;;
  *) echo "gpu-check: this build has ONNX Runtime's CPU build; rebuild with -Pgpu to run the model on a GPU" >&2 ;;
esac
exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -DDJL_CACHE_DIR="$DIR/target/djl-cache" -cp "$CP" dev.modelmanager.benchmarks.GpuEmbeddingCheck "$@"
