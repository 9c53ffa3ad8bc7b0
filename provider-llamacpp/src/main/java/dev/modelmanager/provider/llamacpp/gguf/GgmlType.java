package dev.modelmanager.provider.llamacpp.gguf;

/** ggml tensor types as llama.cpp numbers them: names, and the bytes a tensor of each takes. */
final class GgmlType {
    private static final String[] NAMES = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
        "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8",
        "TQ1_0", "TQ2_0"};
    /**
     * Elements per block and bytes per block, by type id, as gguf-py's {@code GGML_QUANT_SIZES} gives them; 0 for
     * types that are gone or unknown here (their tensors are checked by offset only).
     */
    private static final int[][] BLOCKS = {
        {1, 4}, {1, 2}, {32, 18}, {32, 20}, {0, 0}, {0, 0}, {32, 22}, {32, 24}, {32, 34}, {32, 40},
        {256, 84}, {256, 110}, {256, 144}, {256, 176}, {256, 210}, {256, 292}, {256, 66}, {256, 74}, {256, 98},
        {256, 50}, {32, 18}, {256, 110}, {256, 82}, {256, 136}, {1, 1}, {1, 2}, {1, 4}, {1, 8}, {1, 8}, {256, 56},
        {1, 2}, {0, 0}, {0, 0}, {0, 0}, {256, 54}, {256, 66}};

    private GgmlType() {
    }

    static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type" + type;
    }

    /**
     * Bytes of a tensor of {@code elements} elements whose rows are {@code rowLength} long, or -1 when the type's
     * layout is not known here.
     *
     * @throws GgufFormatException when the row length is not a whole number of blocks (no valid file has that)
     */
    static long bytes(int type, long rowLength, long elements) throws GgufFormatException {
        if (type < 0 || type >= BLOCKS.length || BLOCKS[type][0] == 0) {
            return -1;
        }
        int block = BLOCKS[type][0];
        if (rowLength % block != 0) {
            throw new GgufFormatException("a " + name(type) + " tensor's rows are not whole blocks");
        }
        return Math.multiplyExact(elements / block, (long) BLOCKS[type][1]);
    }
}
