package dev.modelmanager.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which device a model should run on: {@code auto} (the best available, GPU first), a kind of device such as
 * {@code cpu}, {@code cuda} (any CUDA GPU), {@code rocm} or {@code mps}, a kind with an index such as {@code cuda:1}
 * (that GPU), or the exact id of a device that a {@link dev.modelmanager.api.spi.DeviceProvider} reports in another
 * form (for instance {@code remote:cluster}). When nothing matches, the manager falls back to an available device and
 * reports the fallback in the model's status.
 *
 * <p>Device ids of the form {@code kind} or {@code kind:N} are typed: a selector matches them by kind and, when it
 * has one, by index. Any other device id is matched by equality.
 *
 * @param kind  {@code auto}, a device kind (lower case letters, digits and {@code _}), or an exact device id
 * @param index the device index for {@code kind:N}, or {@code -1} for any device of the kind
 */
public record DeviceSelector(String kind, int index) {
    /** {@code kind} or {@code kind:N}: a device kind, optionally with an index. */
    private static final Pattern TYPED = Pattern.compile("([a-z][a-z0-9_]{0,31})(?::([0-9]{1,4}))?");
    /** Any other device id a provider may report: no spaces, no control characters. */
    private static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@/+-]*(:[A-Za-z0-9._@/+-]+)*");
    /** Kinds whose ids the manager itself knows the shape of: anything after their colon must be an index. */
    private static final java.util.Set<String> INDEXED = java.util.Set.of("auto", "cpu", "cuda", "rocm", "mps", "xpu");

    public static final DeviceSelector AUTO = new DeviceSelector("auto", -1);
    public static final DeviceSelector CPU = new DeviceSelector("cpu", -1);

    public DeviceSelector {
        if (kind == null || kind.isBlank()) {
            throw ModelException.invalidRequirement("device", "must name a device, e.g. auto, cpu, cuda or cuda:N");
        }
        boolean typed = TYPED.matcher(kind).matches() && kind.indexOf(':') < 0;
        if (!typed && !OPAQUE.matcher(kind).matches()) {
            throw ModelException.invalidRequirement("device", "must be auto, a device kind (cpu, cuda, ...), kind:N "
                + "or a device id without spaces, was '" + kind + "'");
        }
        if (index < -1 || (index >= 0 && !typed)) {
            throw ModelException.invalidRequirement("device", "only a device kind takes an index, was " + kind + ":"
                + index);
        }
        if (index >= 0 && ("auto".equals(kind) || "cpu".equals(kind))) {
            throw ModelException.invalidRequirement("device", kind + " takes no index (only kinds such as cuda do: "
                + "cuda:N), was " + kind + ":" + index);
        }
    }

    /**
     * Parses {@code auto}, a kind ({@code cpu}, {@code cuda}, ...), {@code kind:N} (case-insensitive), or a device id
     * as a provider reports it. Blank means {@code auto}.
     *
     * @throws ModelException {@link ErrorCode#INVALID_REQUIREMENT} naming {@code device}
     */
    public static DeviceSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return AUTO;
        }
        String value = text.trim();
        Matcher typed = TYPED.matcher(value.toLowerCase(Locale.ROOT));
        if (typed.matches()) {
            return new DeviceSelector(typed.group(1), typed.group(2) == null ? -1 : Integer.parseInt(typed.group(2)));
        }
        int colon = value.indexOf(':');
        String head = (colon < 0 ? value : value.substring(0, colon)).toLowerCase(Locale.ROOT);
        if (INDEXED.contains(head)) {
            throw ModelException.invalidRequirement("device", head + (head.equals("auto") || head.equals("cpu")
                ? " takes no suffix" : " takes a device index (" + head + ":N)") + ", was '" + text + "'");
        }
        return new DeviceSelector(value, -1);
    }

    /**
     * Whether a device id such as {@code cpu}, {@code cuda:1} or {@code remote:cluster} satisfies this selector.
     * Never throws: a device id of any form is either typed ({@code kind[:N]}) or compared as it is.
     */
    public boolean matches(String deviceId) {
        if ("auto".equals(kind)) {
            return true;
        }
        if (deviceId == null) {
            return false;
        }
        Matcher device = TYPED.matcher(deviceId.toLowerCase(Locale.ROOT));
        if (device.matches()) {
            int deviceIndex = device.group(2) == null ? -1 : Integer.parseInt(device.group(2));
            return kind.equals(device.group(1)) && (index < 0 || index == deviceIndex);
        }
        return index < 0 && kind.equals(deviceId);
    }

    @Override
    public String toString() {
        return index < 0 ? kind : kind + ":" + index;
    }
}
