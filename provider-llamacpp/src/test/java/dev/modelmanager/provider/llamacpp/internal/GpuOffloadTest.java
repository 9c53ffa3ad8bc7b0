package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import de.kherud.llama.ModelParameters;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;
import dev.modelmanager.provider.llamacpp.gguf.GgufReader;

/**
 * GGUF models on CUDA GPUs, without one: the layout llama.cpp is given (layers, main GPU, split), the memory split
 * between the GPU and host memory, and whether a llama.cpp library has the CUDA backend.
 */
class GpuOffloadTest {
    private static final DeviceInfo GPU1 = new DeviceInfo("cuda:1", "a GPU", 16L << 30, 16L << 30, 1);
    private static final DeviceInfo CPU = new DeviceInfo("cpu", "CPU", 16L << 30, 8L << 30, 2);

    private static ModelRequirement requirement(String... options) {
        ModelRequirement.Builder b = ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(LlamaGenerationTest.STORIES.toString());
        for (int i = 0; i < options.length; i += 2) {
            b.option(options[i], options[i + 1]);
        }
        return b.build();
    }

    private static GgufFile stories() throws Exception {
        return GgufReader.read(LlamaGenerationTest.STORIES);
    }

    private static List<String> args(GpuOffload offload) {
        return Arrays.asList(offload.apply(new ModelParameters()).toArray());
    }

    @Test
    void onAGpuEveryLayerAndTheOutputGoToTheChosenGpuAlone() throws Exception {
        GgufFile gguf = stories();
        GpuOffload offload = GpuOffload.of(requirement(), gguf, GPU1);
        assertThat(offload.layers()).isEqualTo(gguf.layers() + 1);
        assertThat(offload.mainGpu()).isEqualTo(1);
        assertThat(offload.tensorSplit()).isNull();
        assertThat(String.join(" ", args(offload))).contains("--gpu-layers " + (gguf.layers() + 1))
            .contains("--main-gpu 1").contains("--split-mode none").doesNotContain("--tensor-split");
        assertThat(offload.describe(gguf, "cuda:1"))
            .isEqualTo(gguf.layers() + " of " + gguf.layers() + " layers and the output layer on cuda:1");
    }

    @Test
    void optionsChooseLayersMainGpuAndASplitOverGpus() throws Exception {
        GgufFile gguf = stories();
        assertThat(GpuOffload.of(requirement("n_gpu_layers", "2"), gguf, GPU1).layers()).isEqualTo(2);
        assertThat(GpuOffload.of(requirement("n_gpu_layers", "all"), gguf, GPU1).layers()).isEqualTo(gguf.layers() + 1);
        assertThat(GpuOffload.of(requirement("n_gpu_layers", "-1"), gguf, GPU1).layers()).isEqualTo(gguf.layers() + 1);
        assertThat(GpuOffload.of(requirement("n_gpu_layers", "999"), gguf, GPU1).layers()).isEqualTo(gguf.layers() + 1);
        GpuOffload split = GpuOffload.of(requirement("tensor_split", "3, 1", "main_gpu", "0"), gguf, GPU1);
        assertThat(split.mainGpu()).isZero();
        assertThat(String.join(" ", args(split))).contains("--split-mode layer").contains("--tensor-split 3,1")
            .contains("--main-gpu 0");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() throws Exception {
        GgufFile gguf = stories();
        for (String[] bad : List.of(new String[] {"tensor_split", "a,b"}, new String[] {"tensor_split", "0,0"},
            new String[] {"tensor_split", "-1,2"}, new String[] {"n_gpu_layers", "x"}, new String[] {"n_gpu_layers", "-2"},
            new String[] {"main_gpu", "-1"}, new String[] {"tensor_split", "3,1", "main_gpu", "2"})) {
            String field = "options." + bad[bad.length - 2];
            assertThatThrownBy(() -> GpuOffload.of(requirement(bad), gguf, GPU1)).as(String.join("=", bad))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                    assertThat(e.getMessage()).startsWith(field + ": ");
                });
        }
    }

    @Test
    void theMemorySplitsBetweenTheGpuAndTheHostByLayer() throws Exception {
        GgufFile gguf = stories();
        long blocks = gguf.layers();
        MemoryEstimate whole = MemoryEstimate.of(gguf, 2048, 4);
        assertThat(MemoryEstimate.split(gguf, 2048, 4, 0)).isEqualTo(new MemoryEstimate.Split(0, whole.total()));
        long previous = -1;
        for (int layers = 1; layers <= blocks + 1; layers++) {
            MemoryEstimate.Split split = MemoryEstimate.split(gguf, 2048, 4, layers);
            assertThat(split.device()).as(layers + " layers").isGreaterThan(previous);
            assertThat(split.device() + split.host()).as("the whole, with compute buffers on both sides")
                .isEqualTo(whole.total() + MemoryEstimate.OVERHEAD);
            previous = split.device();
        }
        long embeddings = embeddingBytes(gguf);
        MemoryEstimate.Split all = MemoryEstimate.split(gguf, 2048, 4, (int) blocks + 1);
        assertThat(all.host()).as("the token embeddings stay in host memory")
            .isEqualTo(embeddings + MemoryEstimate.OVERHEAD);
        MemoryEstimate.Split half = MemoryEstimate.split(gguf, 2048, 4, (int) blocks / 2);
        assertThat(half.device() - MemoryEstimate.OVERHEAD).as("half the KV cache, some of the weights")
            .isGreaterThanOrEqualTo(whole.kvCache() * (blocks / 2) / blocks);
    }

    @Test
    void theProviderEstimatesTheGpuPartAndTheHostPart() throws Exception {
        LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.defaults());
        GgufFile gguf = stories();
        ModelRequirement req = requirement("n_parallel", "4", "n_ctx", "2048");
        MemoryEstimate.Split split = MemoryEstimate.split(gguf, 2048, 4, (int) gguf.layers() + 1);
        assertThat(provider.estimateMemory(req, GPU1)).isEqualTo(split.device());
        assertThat(provider.estimateHostMemory(req, GPU1)).isEqualTo(split.host());
        assertThat(provider.estimateMemory(req, CPU)).isEqualTo(MemoryEstimate.of(gguf, 2048, 4).total());
        assertThat(provider.estimateHostMemory(req, CPU)).isZero();
    }

    @Test
    void aGpuNeedsACudaBuildOfLlamaCpp() throws Exception {
        LlamaCppSettings bundled = LlamaCppSettings.defaults();
        assertThat(LlamaCppProvider.gpuReason(bundled, CPU)).isNull();
        assertThat(LlamaCppProvider.gpuReason(bundled, GPU1)).isEqualTo("the bundled llama.cpp is a CPU build; set "
            + "native.library.path to a folder with a CUDA build of libjllama (see the provider's README)");
        assertThat(LlamaCppProvider.gpuReason(bundled, new DeviceInfo("rocm:0", "AMD", 1L << 34, 1L << 34, 1)))
            .isEqualTo("llama.cpp runs on CUDA GPUs only here, not on rocm:0");
        Path cpuBuild = folderWithTheBundledLibrary();
        LlamaCppSettings configured = new LlamaCppSettings(bundled.nativeDir(), cpuBuild, 2048, 4, 0, 0, 64, 2);
        assertThat(LlamaCppProvider.gpuReason(configured, GPU1)).isEqualTo("the llama.cpp library in " + cpuBuild
            + " has no CUDA backend (no libggml-cuda beside it, no ggml_backend_cuda in it)");
        Files.write(cpuBuild.resolve("libggml-cuda.so"), new byte[] {0x7f, 'E', 'L', 'F'});
        assertThat(LlamaCppProvider.gpuReason(configured, GPU1)).isNull();
    }

    @Test
    void aCudaBackendIsFoundInTheLibrarysBytes() throws Exception {
        assertThat(CudaNative.in(folderWithTheBundledLibrary())).as("the bundled CPU build").isFalse();
        assertThat(CudaNative.in(Files.createTempDirectory("empty"))).isFalse();
        assertThat(CudaNative.in(null)).isFalse();
        // a static CUDA build: the backend's symbol, here across the scanner's 64 KiB reads
        Path statically = Files.createTempDirectory("static-cuda");
        byte[] data = new byte[200_000];
        byte[] symbol = "ggml_backend_cuda_init".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(symbol, 0, data, (1 << 16) - 5, symbol.length);
        Files.write(statically.resolve("libjllama.so"), data);
        assertThat(CudaNative.in(statically)).isTrue();
        // a build with shared ggml libraries: its dependency's name
        Path shared = Files.createTempDirectory("shared-cuda");
        Files.write(shared.resolve("libjllama.so"), ("\0\0libggml-cuda.so\0libggml-base.so\0")
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(CudaNative.in(shared)).isTrue();
    }

    /** A folder with the CPU libjllama.so that java-llama.cpp 4.2.0 carries. */
    private static Path folderWithTheBundledLibrary() throws Exception {
        Path folder = Files.createTempDirectory("cpu-llama");
        try (InputStream in = de.kherud.llama.LlamaModel.class.getResourceAsStream(
            "/de/kherud/llama/Linux/x86_64/libjllama.so")) {
            assertThat(in).as("java-llama.cpp's CPU library").isNotNull();
            Files.copy(in, folder.resolve("libjllama.so"));
        }
        return folder;
    }

    private static long embeddingBytes(GgufFile gguf) {
        List<GgufFile.TensorInfo> sorted = gguf.tensors().stream()
            .sorted(java.util.Comparator.comparingLong(GgufFile.TensorInfo::offset)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals("token_embd.weight")) {
                long end = i + 1 < sorted.size() ? sorted.get(i + 1).offset() : gguf.weightBytes();
                return end - sorted.get(i).offset();
            }
        }
        throw new AssertionError("no token_embd.weight in " + Map.of("tensors", gguf.tensors().size()));
    }
}
