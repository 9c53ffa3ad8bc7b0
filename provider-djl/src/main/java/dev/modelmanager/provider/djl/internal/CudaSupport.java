package dev.modelmanager.provider.djl.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;

/**
 * Whether ONNX Runtime's CUDA execution provider runs on a GPU of this machine, and the options it gets there.
 *
 * <p>The bundled ONNX Runtime is the CPU build: it has no CUDA execution provider, and that is the answer. The GPU
 * build ({@code onnxruntime_gpu}, the {@code gpu} Maven profile) has one, but it needs CUDA 12 and cuDNN 9 on the
 * host and a driver new enough for them, and ONNX Runtime does not fall back by itself when they are missing. So
 * before a model goes to a GPU, this runs a one-node graph there once (per GPU, per JVM): what ONNX Runtime says
 * when that fails ({@code libcublasLt.so.12: cannot open shared object file}, {@code CUDA driver version is
 * insufficient}) becomes the reason the manager shows for running the model on the CPU. The probe creates the CUDA
 * context a model on that GPU would create anyway; in the CPU build it does nothing.
 *
 * @param allowGrowth the arena grows by what runs ask for ({@code kSameAsRequested}: no more memory than they use)
 *                    rather than in doubling chunks ({@code kNextPowerOfTwo}, ONNX Runtime's default: fewer
 *                    allocations, more memory held)
 * @param memoryLimit bytes one session's arena may hold on the GPU ({@code gpu_mem_limit}); 0: no limit of its own
 */
record CudaSupport(boolean allowGrowth, long memoryLimit) {
    static final CudaSupport DEFAULTS = new CudaSupport(true, 0);

    private static final Map<Integer, String> PROBLEMS = new ConcurrentHashMap<>();
    private static final String NONE = "";

    CudaSupport {
        if (memoryLimit < 0) {
            throw new IllegalArgumentException("gpu_mem_limit_mb must be 0 (no limit) or more");
        }
    }

    /** Whether this ONNX Runtime build has the CUDA execution provider at all (the bundled one has not). */
    static boolean inThisBuild() {
        try {
            return OnnxModel.withBundleLoader(() -> OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        } catch (Exception | LinkageError e) {
            return false;
        }
    }

    /**
     * Why models cannot run on CUDA GPU {@code index}, one sentence, or null when they can. Found once per GPU: the
     * first call may take seconds (it loads the CUDA libraries and runs a graph), later ones are free.
     */
    String problem(int index) {
        if (!inThisBuild()) {
            return "this ONNX Runtime build has no CUDA execution provider: the bundled one is the CPU build, the GPU "
                + "distribution is built with the Maven profile gpu";
        }
        String problem = PROBLEMS.computeIfAbsent(index, this::probe);
        return problem.isEmpty() ? null : problem;
    }

    private String probe(int index) {
        try {
            return OnnxModel.withBundleLoader(() -> {
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                    add(options, index);
                    try (OrtSession session = environment.createSession(identityGraph(), options);
                         OnnxTensor x = OnnxTensor.createTensor(environment, new float[] {1f});
                         OrtSession.Result ignored = session.run(Map.of("x", x))) {
                        return NONE;
                    }
                }
            });
        } catch (Exception | LinkageError e) {
            return "ONNX Runtime's CUDA execution provider cannot run on cuda:" + index + ": " + cleaned(e);
        }
    }

    /** Adds the CUDA execution provider for GPU {@code index} to a session's options, with these settings. */
    void add(OrtSession.SessionOptions options, int index) throws OrtException {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(index)) {
            cuda.add("arena_extend_strategy", allowGrowth ? "kSameAsRequested" : "kNextPowerOfTwo");
            if (memoryLimit > 0) {
                cuda.add("gpu_mem_limit", Long.toString(memoryLimit));
            }
            options.addCUDA(cuda);
        }
    }

    /** ONNX Runtime's message without its source locations: the part an operator can act on. */
    static String cleaned(Throwable e) {
        String message = String.valueOf(e.getMessage()).replaceAll("\\u001B\\[[0-9;]*m", "").strip();
        int error = message.lastIndexOf(" with error: ");
        if (error >= 0) {
            message = message.substring(error + " with error: ".length());
        } else {
            message = message.replaceAll("/onnxruntime_src/\\S+:\\d+ ", "").replaceAll("\\[ONNXRuntimeError\\] : \\d+ : ", "");
        }
        message = message.lines().findFirst().orElse(message).strip();
        if (message.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    /**
     * A model of one node, {@code y = Identity(x)} on a float[1], written field by field as onnx.proto numbers them
     * (ir_version 8, opset 17): enough for ONNX Runtime to place a kernel on the device and run it.
     */
    static byte[] identityGraph() {
        ByteArrayOutputStream node = new ByteArrayOutputStream();
        field(node, 1, "x");
        field(node, 2, "y");
        field(node, 4, "Identity");
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        field(graph, 1, node.toByteArray());
        field(graph, 2, "probe");
        field(graph, 11, valueInfo("x"));
        field(graph, 12, valueInfo("y"));
        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        varintField(opset, 2, 17);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 8);
        field(model, 7, graph.toByteArray());
        field(model, 8, opset.toByteArray());
        return model.toByteArray();
    }

    private static byte[] valueInfo(String name) {
        ByteArrayOutputStream dim = new ByteArrayOutputStream();
        varintField(dim, 1, 1);
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        field(shape, 1, dim.toByteArray());
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        varintField(tensor, 1, 1); // FLOAT
        field(tensor, 2, shape.toByteArray());
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        field(type, 1, tensor.toByteArray());
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        field(info, 1, name);
        field(info, 2, type.toByteArray());
        return info.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, String value) {
        field(out, number, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        varint(out, (long) number << 3 | 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varintField(ByteArrayOutputStream out, int number, long value) {
        varint(out, (long) number << 3);
        varint(out, value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
