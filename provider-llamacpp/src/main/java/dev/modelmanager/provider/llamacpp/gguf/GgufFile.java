package dev.modelmanager.provider.llamacpp.gguf;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The header of a GGUF file.
 *
 * @param version    the GGUF version (1, 2 or 3)
 * @param metadata   every metadata key with its value (numbers as {@link Number}, {@link String}, {@link Boolean},
 *                   arrays as {@link List})
 * @param tensors    the tensor infos, in file order
 * @param dataOffset where the tensor data starts (aligned)
 * @param fileSize   the file's size in bytes
 */
public record GgufFile(int version, Map<String, Object> metadata, List<TensorInfo> tensors, long dataOffset,
                       long fileSize) {

    /** llama.cpp's pooling types ({@code <arch>.pooling_type}). */
    public enum Pooling { NONE, MEAN, CLS, LAST, RANK }

    /**
     * One tensor.
     *
     * @param name   its name
     * @param shape  its dimensions
     * @param type   its ggml type id
     * @param offset its offset from {@link #dataOffset()}
     */
    public record TensorInfo(String name, long[] shape, int type, long offset) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    public GgufFile {
        metadata = Map.copyOf(metadata);
        tensors = List.copyOf(tensors);
    }

    public Optional<String> string(String key) {
        return metadata.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    public Optional<Long> number(String key) {
        return metadata.get(key) instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** {@code general.architecture}, e.g. {@code llama}. */
    public String architecture() {
        return string("general.architecture").orElse("unknown");
    }

    private Optional<Long> arch(String key) {
        return number(architecture() + "." + key);
    }

    /** The context length the model was trained with. */
    public long contextLength() {
        return arch("context_length").orElse(0L);
    }

    /** Transformer layers ({@code block_count}). */
    public long layers() {
        return arch("block_count").orElse(0L);
    }

    public long embeddingLength() {
        return arch("embedding_length").orElse(0L);
    }

    public long headCount() {
        return arch("attention.head_count").orElse(0L);
    }

    /** Key/value heads (grouped-query attention); the head count when the file does not say. */
    public long headCountKv() {
        return arch("attention.head_count_kv").orElse(headCount());
    }

    /** Width of one layer's keys (or values) per token: embedding length × KV heads / heads. */
    public long kvEmbeddingLength() {
        long heads = headCount();
        return heads == 0 ? embeddingLength() : embeddingLength() * headCountKv() / heads;
    }

    /** The pooling the model declares for embeddings, if any. */
    public Optional<Pooling> pooling() {
        return arch("pooling_type").filter(p -> p >= 0 && p < Pooling.values().length)
            .map(p -> Pooling.values()[p.intValue()]);
    }

    /** The chat template stored in the file, if any. */
    public Optional<String> chatTemplate() {
        return string("tokenizer.chat_template").filter(t -> !t.isBlank());
    }

    /** Bytes of tensor data: what loading the weights costs. */
    public long weightBytes() {
        return fileSize - dataOffset;
    }

    /** The tensor type most weights are stored in, e.g. {@code F32} or {@code Q4_K}. */
    public String quantization() {
        Map<Integer, Long> bytesByType = new java.util.HashMap<>();
        for (TensorInfo t : tensors) {
            bytesByType.merge(t.type(), t.elements(), Long::sum);
        }
        return bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
            .map(e -> GgmlType.name(e.getKey())).orElse("none");
    }
}
