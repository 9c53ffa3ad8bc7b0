package dev.modelmanager.device.nvidia.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.modelmanager.api.spi.DeviceInfo;

/**
 * {@code CUDA_VISIBLE_DEVICES} applied to the GPUs the driver reports, the way CUDA applies it to the process: unset,
 * every GPU; empty, none; otherwise a comma-separated list of driver indices or {@code GPU-} UUID prefixes (a prefix
 * must match one GPU), in the order CUDA numbers them: the first listed is {@code cuda:0}. An entry that matches no
 * GPU ends the list ({@code 0,2,-1,1} makes GPUs 0 and 2 visible, as CUDA's documentation describes); so does one
 * naming a GPU already listed, and a MIG instance ({@code MIG-...}), which this bundle does not resolve.
 *
 * <p>Indices are matched against the driver's order (PCI bus order, NVML's and nvidia-smi's), which is CUDA's when
 * {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}; by default CUDA numbers the fastest GPU first, which differs only on a
 * machine with GPUs of different kinds, and then a note says so.
 */
public final class VisibleDevices {
    public static final String VARIABLE = "CUDA_VISIBLE_DEVICES";
    public static final String ORDER_VARIABLE = "CUDA_DEVICE_ORDER";

    /**
     * The GPUs CUDA would see, {@code gpus.get(i)} being {@code cuda:i}.
     *
     * @param gpus    the visible GPUs in CUDA's numbering
     * @param problem when GPUs exist and none is visible: why, naming the variable and what it hid; else {@code null}
     * @param note    what else the variable did worth saying (an entry that ended the list, GPUs it hid), or
     *                {@code null}
     */
    public record Visible(List<GpuReading> gpus, String problem, String note) {
        public Visible {
            gpus = List.copyOf(gpus);
        }

        /** The devices as the manager sees them: {@code cuda:N}, named with the physical GPU. */
        public List<DeviceInfo> devices() {
            List<DeviceInfo> devices = new ArrayList<>();
            for (int i = 0; i < gpus.size(); i++) {
                GpuReading g = gpus.get(i);
                devices.add(new DeviceInfo("cuda:" + i, g.name() + " (" + g.physical() + ")", g.totalBytes(),
                    g.freeBytes(), 1));
            }
            return List.copyOf(devices);
        }
    }

    private VisibleDevices() {
    }

    /**
     * @param variable {@code CUDA_VISIBLE_DEVICES}, or {@code null} when unset
     * @param order    {@code CUDA_DEVICE_ORDER}, or {@code null} when unset
     * @param all      every GPU the driver reports, in its order
     */
    public static Visible apply(String variable, String order, List<GpuReading> all) {
        String orderNote = orderNote(variable, order, all);
        if (variable == null) {
            return new Visible(all, null, orderNote);
        }
        List<GpuReading> visible = new ArrayList<>();
        String ended = null;
        for (String raw : variable.split(",", -1)) {
            String entry = raw.strip();
            if (entry.isEmpty() && variable.isBlank()) {
                break;
            }
            GpuReading gpu = match(entry, all);
            if (gpu == null || visible.contains(gpu)) {
                ended = entry.regionMatches(true, 0, "MIG-", 0, 4)
                    ? "'" + entry + "' is a MIG instance, which this bundle does not resolve"
                    : gpu != null ? "'" + entry + "' names a GPU listed before it"
                    : "'" + entry + "' matches no GPU";
                break;
            }
            visible.add(gpu);
        }
        String shown = VARIABLE + "=" + (variable.isEmpty() ? "\"\"" : variable);
        List<GpuReading> hidden = all.stream().filter(g -> !visible.contains(g)).toList();
        String hiddenText = hidden.isEmpty() ? "" : "hides " + describe(hidden);
        if (visible.isEmpty() && !all.isEmpty()) {
            String why = ended != null && !variable.isBlank() ? ended + " (the list ends there); " : "";
            return new Visible(visible, "no NVIDIA GPU visible: " + shown + ": " + why + hiddenText, null);
        }
        List<String> notes = new ArrayList<>();
        if (ended != null && !variable.isBlank()) {
            notes.add(ended + ", so it and the entries after it are left out");
        }
        if (!hiddenText.isEmpty()) {
            notes.add(hiddenText);
        }
        String note = notes.isEmpty() ? null : shown + ": " + String.join("; ", notes);
        if (orderNote != null) {
            note = note == null ? orderNote : note + ". " + orderNote;
        }
        return new Visible(visible, null, note);
    }

    private static GpuReading match(String entry, List<GpuReading> all) {
        if (entry.matches("-?\\d+")) {
            int index;
            try {
                index = Integer.parseInt(entry);
            } catch (NumberFormatException e) {
                return null;
            }
            return all.stream().filter(g -> g.index() == index).findFirst().orElse(null);
        }
        if (entry.regionMatches(true, 0, "GPU-", 0, 4) && entry.length() > 4) {
            String prefix = entry.toLowerCase(Locale.ROOT);
            List<GpuReading> matching = all.stream()
                .filter(g -> g.uuid() != null && g.uuid().toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
            return matching.size() == 1 ? matching.get(0) : null;
        }
        return null;
    }

    private static String orderNote(String variable, String order, List<GpuReading> all) {
        boolean indices = variable == null || variable.isBlank()
            || java.util.Arrays.stream(variable.split(",")).anyMatch(e -> e.strip().matches("\\d+"));
        boolean mixed = all.stream().map(GpuReading::name).distinct().count() > 1;
        if (!mixed || "PCI_BUS_ID".equalsIgnoreCase(order == null ? "" : order.strip())
            || variable != null && !indices) {
            return null;
        }
        return "GPUs of different kinds and " + ORDER_VARIABLE + " is not PCI_BUS_ID: CUDA numbers the fastest "
            + "first, while cuda:N here follows the driver's (PCI bus) order; set " + ORDER_VARIABLE
            + "=PCI_BUS_ID so that both agree";
    }

    static String describe(List<GpuReading> gpus) {
        return gpus.stream().map(g -> "GPU " + g.index() + " (" + g.name() + (g.uuid() == null ? "" : ", " + g.uuid())
            + ")").collect(Collectors.joining(", "));
    }
}
