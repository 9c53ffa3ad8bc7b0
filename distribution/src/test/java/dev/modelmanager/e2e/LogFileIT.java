package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code data/log/modelmanager.log} (etc/logback.xml): appended to at every start, so that a crashed run's lines
 * are still there after the next start; rolled over by size into a bounded number of old files; the loggers the
 * distribution quiets stay quiet.
 */
class LogFileIT {

    @Test
    void aRestartAppendsToTheLogInsteadOfTruncatingIt() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log");
        assertThat(home.run("-c", "model:list").status()).isZero();
        Path log = home.home.resolve("data/log/modelmanager.log");
        String first = Files.readString(log);
        assertThat(home.run("-c", "model:list").status()).isZero();
        String both = Files.readString(log);
        assertThat(both).startsWith(first);
        assertThat(both.split("Model manager started", -1)).as("two starts").hasSize(3);
    }

    @Test
    void theLogRollsOverBySizeKeepingTheConfiguredNumberOfOldFiles() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log-rolling");
        Map<String, String> environment = new HashMap<>(home.environment());
        environment.put("MODELMANAGER_OPTS", environment.get("MODELMANAGER_OPTS")
            + " -Dmodelmanager.log.max.size=2KB -Dmodelmanager.log.history=2");
        for (int run = 0; run < 4; run++) {
            assertThat(DistributionIT.modelmanager(home.home, environment, "-c", "model:list").status()).isZero();
        }
        Path logs = home.home.resolve("data/log");
        assertThat(logs.resolve("modelmanager.1.log")).exists();
        assertThat(logs.resolve("modelmanager.2.log")).exists();
        assertThat(logs.resolve("modelmanager.3.log")).as("two old files are kept").doesNotExist();
        try (var files = Files.list(logs)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("modelmanager.log", "modelmanager.1.log", "modelmanager.2.log");
        }
        assertThat(Files.readString(logs.resolve("modelmanager.log"))).contains("INFO");
    }

    @Test
    void theLoggersTheDistributionQuietsStayQuiet() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log-levels");
        DistributionIT.Run run = home.run("-c", "model:embed minilm 'A man is eating food.'");
        assertThat(run.status()).as(run.err()).isZero();
        String log = Files.readString(home.home.resolve("data/log/modelmanager.log"));
        assertThat(log).contains("Model manager started").contains("Model minilm loaded");
        assertThat(log).as("ai.djl.util.cuda.CudaUtils is at ERROR").doesNotContain("CudaUtils");
    }
}
