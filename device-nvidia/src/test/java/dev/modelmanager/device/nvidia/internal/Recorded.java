package dev.modelmanager.device.nvidia.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The recorded nvidia-smi outputs (test resources {@code nvidia-smi/}), and fake nvidia-smi scripts printing them. */
final class Recorded {
    private Recorded() {
    }

    static String output(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/nvidia-smi/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded output " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code dir/nvidia-smi}: a shell script that appends its arguments to {@code dir/calls}, prints
     * {@code dir/output} (a copy of the recorded output, which a test may replace) and exits with {@code exit}.
     */
    static Path fakeSmi(Path dir, String recorded, int exit) throws IOException {
        Files.writeString(dir.resolve("output"), output(recorded));
        return script(dir, "cat \"$here/output\"\nexit " + exit + "\n");
    }

    /** Writes {@code dir/nvidia-smi} running {@code body} after recording its call in {@code dir/calls}. */
    static Path script(Path dir, String body) throws IOException {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nhere=$(dirname \"$0\")\necho \"$@\" >> \"$here/calls\"\n" + body);
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        return smi;
    }

    static long calls(Path dir) throws IOException {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }
}
