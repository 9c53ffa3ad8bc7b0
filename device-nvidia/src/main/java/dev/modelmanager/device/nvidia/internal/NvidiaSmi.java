package dev.modelmanager.device.nvidia.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fallback where NVML cannot be loaded: {@code nvidia-smi --query-gpu=...} run as a process (with a timeout) and
 * its CSV read. Its numbers are in MiB and percent ({@code nounits}); fields a GPU does not report read
 * {@code [N/A]} or {@code [Not Supported]} (MIG mode, vGPUs) and become -1.
 */
public final class NvidiaSmi {
    /** The fields asked for, in this order. */
    static final String QUERY = "index,uuid,name,memory.total,memory.free,utilization.gpu";
    private static final long MIB = 1L << 20;

    /** What the output held: the GPUs, and the lines that are not one (errors, warnings, garbage). */
    public record Parsed(List<GpuReading> gpus, List<String> rejected) {
        public Parsed {
            gpus = List.copyOf(gpus);
            rejected = List.copyOf(rejected);
        }
    }

    private NvidiaSmi() {
    }

    /** The command line for {@code executable}. */
    static List<String> command(Path executable) {
        return List.of(executable.toString(), "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
    }

    /**
     * Where nvidia-smi is: the configured path, else the first {@code nvidia-smi} (Windows: {@code nvidia-smi.exe})
     * on {@code PATH}; {@code null} when there is none.
     */
    public static Path find(String configured, Map<String, String> environment) {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.strip());
            return Files.isExecutable(path) ? path : null;
        }
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
            ? "nvidia-smi.exe" : "nvidia-smi";
        String path = environment.getOrDefault("PATH", environment.getOrDefault("Path", ""));
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            } catch (java.nio.file.InvalidPathException e) {
                // a PATH entry that is no path: skip it
            }
        }
        return null;
    }

    /**
     * Runs it and reads the GPUs. Its output (a line per GPU) stays far below a pipe's buffer, so the process is
     * waited for before it is read; one that does not finish in time is killed.
     */
    public static Survey run(Path executable, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command(executable)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return Survey.none("nvidia-smi (" + executable + ") could not run: " + e.getMessage(), List.of());
        }
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Survey.none("nvidia-smi did not answer within " + seconds(timeout), List.of());
            }
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.exitValue();
            Parsed parsed = parse(output);
            if (exit != 0) {
                return Survey.none("nvidia-smi failed (exit " + exit + ")" + said(parsed, output), List.of());
            }
            if (parsed.gpus().isEmpty()) {
                return Survey.none("nvidia-smi reports no GPU" + said(parsed, output), List.of());
            }
            List<String> notes = new ArrayList<>();
            for (String line : parsed.rejected()) {
                notes.add("nvidia-smi printed a line that is no GPU: " + line);
            }
            return new Survey(parsed.gpus(), "nvidia-smi", null, notes);
        } catch (IOException e) {
            process.destroyForcibly();
            return Survey.none("nvidia-smi's output could not be read: " + e.getMessage(), List.of());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Survey.none("interrupted while nvidia-smi ran", List.of());
        }
    }

    private static String said(Parsed parsed, String output) {
        String first = parsed.rejected().isEmpty() ? output.strip() : parsed.rejected().get(0);
        return first.isEmpty() ? "" : ": " + firstLine(first);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * Reads {@code --format=csv,noheader,nounits} output of {@link #QUERY}: one GPU per line, fields separated by
     * commas (a name with a comma in it is put back together); blank lines are skipped, any other line that is not
     * a GPU is returned as rejected.
     */
    public static Parsed parse(String output) {
        List<GpuReading> gpus = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            GpuReading gpu = line(line);
            if (gpu == null) {
                rejected.add(line);
            } else {
                gpus.add(gpu);
            }
        }
        return new Parsed(gpus, rejected);
    }

    private static GpuReading line(String line) {
        String[] f = line.split(",", -1);
        if (f.length < 6) {
            return null;
        }
        int n = f.length;
        try {
            int index = Integer.parseInt(f[0].strip());
            if (index < 0) {
                return null;
            }
            String uuid = unreported(f[1]) ? null : f[1].strip();
            if (uuid != null && !uuid.regionMatches(true, 0, "GPU-", 0, 4)) {
                return null;
            }
            String name = String.join(",", java.util.Arrays.copyOfRange(f, 2, n - 3)).strip();
            long total = number(f[n - 3], "MiB");
            long free = number(f[n - 2], "MiB");
            long busy = number(f[n - 1], "%");
            if (name.isEmpty() || busy > 100) {
                return null;
            }
            return new GpuReading(index, uuid, name, total < 0 ? -1 : total * MIB, free < 0 ? -1 : free * MIB,
                (int) busy);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code [N/A]}, {@code [Not Supported]}, {@code [Unknown Error]}, {@code N/A}: the GPU does not say. */
    private static boolean unreported(String field) {
        String v = field.strip();
        return v.startsWith("[") && v.endsWith("]") || v.equalsIgnoreCase("N/A");
    }

    /** A whole number, with its unit if nvidia-smi printed one; -1 when not reported. */
    private static long number(String field, String unit) {
        if (unreported(field)) {
            return -1;
        }
        String v = field.strip();
        if (v.endsWith(unit)) {
            v = v.substring(0, v.length() - unit.length()).strip();
        }
        long value = Long.parseLong(v);
        if (value < 0) {
            throw new NumberFormatException("negative: " + field);
        }
        return value;
    }
}
