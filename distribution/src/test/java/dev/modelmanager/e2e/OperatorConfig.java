package dev.modelmanager.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What an operator writes into a distribution's {@code etc/} before starting it, for the end-to-end tests. */
final class OperatorConfig {
    private OperatorConfig() {
    }

    /**
     * Lets REST callers name model files under these folders too ({@code model.roots} of PID
     * {@code dev.modelmanager.core}), besides the distribution's {@code models/} and the Hub cache.
     */
    static void modelRoots(Path home, Path... roots) throws IOException {
        Files.writeString(home.resolve("etc/dev.modelmanager.core.cfg"), "\nmodel.roots="
            + Arrays.stream(roots).map(Path::toString).collect(Collectors.joining(",")) + "\n",
            StandardOpenOption.APPEND);
    }
}
