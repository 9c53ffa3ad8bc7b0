package dev.modelmanager.api;

import java.util.Locale;

/**
 * Which device a model should run on: {@code auto} (the best available, GPU first), {@code cpu}, {@code cuda}
 * (any CUDA GPU) or {@code cuda:N} (that GPU). When nothing matches, the manager falls back to an available
 * device and reports the fallback in the model's status.
 *
 * @param kind  {@code auto}, {@code cpu} or {@code cuda}
 * @param index the GPU index for {@code cuda:N}, or {@code -1} for any
 */
public record DeviceSelector(String kind, int index) {
    public static final DeviceSelector AUTO = new DeviceSelector("auto", -1);
    public static final DeviceSelector CPU = new DeviceSelector("cpu", -1);

    public DeviceSelector {
        if (!"auto".equals(kind) && !"cpu".equals(kind) && !"cuda".equals(kind)) {
            throw ModelException.invalidRequirement("device", "must be auto, cpu, cuda or cuda:N, was " + kind);
        }
        if (index < -1 || (index >= 0 && !"cuda".equals(kind))) {
            throw ModelException.invalidRequirement("device", "only cuda takes an index, was " + kind + ":" + index);
        }
    }

    /**
     * Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (case-insensitive).
     *
     * @throws ModelException {@link ErrorCode#INVALID_REQUIREMENT} naming {@code device}
     */
    public static DeviceSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return AUTO;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        int colon = value.indexOf(':');
        if (colon < 0) {
            return new DeviceSelector(value, -1);
        }
        String kind = value.substring(0, colon);
        String number = value.substring(colon + 1);
        if (!"cuda".equals(kind) || number.isEmpty() || !number.chars().allMatch(Character::isDigit) || number.length() > 4) {
            throw ModelException.invalidRequirement("device", "must be auto, cpu, cuda or cuda:N, was " + text);
        }
        return new DeviceSelector(kind, Integer.parseInt(number));
    }

    /** Whether a device id such as {@code cpu} or {@code cuda:1} satisfies this selector exactly. */
    public boolean matches(String deviceId) {
        DeviceSelector device = parse(deviceId);
        return switch (kind) {
            case "auto" -> true;
            case "cpu" -> "cpu".equals(device.kind);
            default -> "cuda".equals(device.kind) && (index < 0 || index == device.index);
        };
    }

    @Override
    public String toString() {
        return index < 0 ? kind : kind + ":" + index;
    }
}
