package dev.modelmanager.provider.llamacpp.gguf;

/** IEEE 754 half precision, as ggml stores F16 (Java 17 has no {@code Float.floatToFloat16}). */
final class HalfFloat {
    private HalfFloat() {
    }

    /** The half nearest to {@code f} (ties to even); beyond the half range, infinity; NaN stays NaN. */
    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | mantissa >>> 13 : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) { // a subnormal half (or zero): the implicit bit becomes explicit, shifted into place
            if (e < -10) {
                return (short) sign;
            }
            return (short) (sign | round(mantissa | 0x800000, 14 - e));
        }
        // A carry out of the mantissa rounds into the exponent, which is right (up to infinity).
        return (short) (sign | round((e << 23) | mantissa, 13));
    }

    /** {@code value >> shift}, rounded to nearest, ties to even. */
    private static int round(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        return rest > half || rest == half && (kept & 1) != 0 ? kept + 1 : kept;
    }

    /** The float a half stands for (exactly). */
    static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1.0p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent - 15 + 127) << 23 | mantissa << 13);
    }
}
