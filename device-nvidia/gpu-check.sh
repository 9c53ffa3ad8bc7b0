#!/bin/sh
# Reads this machine's NVIDIA GPUs through the device-nvidia bundle's own classes, outside OSGi: NVML (through JNA)
# and nvidia-smi each on its own (index, UUID, name, total and free memory, utilization), then the devices the
# manager would get (CUDA_VISIBLE_DEVICES applied). Exit status: 0 when the manager would get a GPU, 1 when not
# (the reason is printed), 2 on a bad argument. It never creates a CUDA context.
#
#   mvn -B -DskipTests install -pl core-api,device-nvidia    # once, from the repository root
#   device-nvidia/gpu-check.sh [--nvml-library NAME|PATH] [--nvidia-smi PATH]
#   CUDA_VISIBLE_DEVICES=1,0 device-nvidia/gpu-check.sh      # how the manager would number them
#
# Set LOG=debug to see the bundle's log lines.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar=$(ls "$here"/target/device-nvidia-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ ! -d "$here/target/lib" ]; then
  echo "gpu-check: build the bundle first: mvn -B -DskipTests install -pl core-api,device-nvidia" >&2
  exit 2
fi
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel="${LOG:-warn}" -cp "$jar:$here/target/lib/*" \
  dev.modelmanager.device.nvidia.internal.GpuCheck "$@"
