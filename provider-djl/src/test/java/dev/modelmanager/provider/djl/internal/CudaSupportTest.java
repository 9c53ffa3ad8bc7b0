package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelmanager.api.spi.DeviceInfo;

/**
 * Whether ONNX Runtime's CUDA execution provider runs here, asked of the real ONNX Runtime: the CPU build says it
 * has none; the GPU build ({@code mvn -Pgpu}) on a machine without CUDA fails for real when it loads its CUDA
 * libraries, and that failure is the reason given.
 */
class CudaSupportTest {
    private static final DeviceInfo GPU = new DeviceInfo("cuda:0", "a GPU", 16L << 30, 16L << 30, 1);
    private final DjlProvider provider = new DjlProvider();

    @Test
    void theProbeGraphRunsOnTheCpu() throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(CudaSupport.identityGraph());
             OnnxTensor x = OnnxTensor.createTensor(environment, new float[] {3f});
             OrtSession.Result result = session.run(Map.of("x", x))) {
            assertThat((float[]) result.get(0).getValue()).containsExactly(3f);
        }
    }

    @Test
    @EnabledIf("cpuBuild")
    void theCpuBuildHasNoCudaExecutionProvider() {
        assertThat(provider.runsOn(GPU)).isFalse();
        assertThat(provider.cannotRunOnReason(GPU)).isEqualTo("this ONNX Runtime build has no CUDA execution "
            + "provider: the bundled one is the CPU build, the GPU distribution is built with the Maven profile gpu");
        assertThat(provider.runsOn(new DeviceInfo("cpu", "CPU", 1L << 34, 1L << 33, 2))).isTrue();
    }

    /** The GPU build of ONNX Runtime on a machine without an NVIDIA driver: a real failure, with its reason. */
    @Test
    @EnabledIf("gpuBuildWithoutGpu")
    void theGpuBuildWithoutCudaDeclinesTheGpuWithWhatOnnxRuntimeSaid() {
        String reason = provider.cannotRunOnReason(GPU);
        assertThat(reason).startsWith("ONNX Runtime's CUDA execution provider cannot run on cuda:0: ")
            .containsPattern("cannot open shared object file|no CUDA-capable device|driver");
        assertThat(reason).doesNotContain("/onnxruntime_src/").doesNotContain("\u001B[");
        assertThat(provider.runsOn(GPU)).isFalse();
    }

    @Test
    void anotherKindOfGpuIsNotCuda() {
        DeviceInfo rocm = new DeviceInfo("rocm:0", "an AMD GPU", 16L << 30, 16L << 30, 1);
        assertThat(provider.runsOn(rocm)).isFalse();
        assertThat(provider.cannotRunOnReason(rocm)).isEqualTo("ONNX Runtime runs on CUDA GPUs only here, not on "
            + "rocm:0");
    }

    @Test
    void messagesLoseTheirSourceLocations() {
        assertThat(CudaSupport.cleaned(new RuntimeException("Error code - ORT_FAIL - message: /onnxruntime_src/"
            + "onnxruntime/core/session/provider_bridge_ort.cc:1952 onnxruntime::Provider& Get() [ONNXRuntimeError] : "
            + "1 : FAIL : Failed to load library /tmp/x/libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: "
            + "cannot open shared object file: No such file or directory\n")))
            .isEqualTo("libcublasLt.so.12: cannot open shared object file: No such file or directory");
        assertThat(CudaSupport.cleaned(new RuntimeException((String) null))).isEqualTo("null");
    }

    static boolean cpuBuild() {
        return !CudaSupport.inThisBuild();
    }

    static boolean gpuBuildWithoutGpu() {
        return CudaSupport.inThisBuild() && List.of("/dev/nvidiactl", "/dev/nvidia0").stream()
            .noneMatch(p -> Files.exists(Path.of(p)));
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        provider.close();
    }
}
