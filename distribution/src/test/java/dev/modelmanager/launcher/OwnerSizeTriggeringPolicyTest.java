package dev.modelmanager.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.util.FileSize;

class OwnerSizeTriggeringPolicyTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty(OwnerSizeTriggeringPolicy.ROLLOVER);
    }

    private static OwnerSizeTriggeringPolicy<Object> policy() {
        OwnerSizeTriggeringPolicy<Object> policy = new OwnerSizeTriggeringPolicy<>();
        policy.setContext(new ContextBase());
        policy.setMaxFileSize(FileSize.valueOf("1KB"));
        policy.start();
        return policy;
    }

    @Test
    void theOwnerRollsAFileOverItsSize() throws Exception {
        Path log = Files.write(dir.resolve("big.log"), new byte[2048]);
        Path small = Files.write(dir.resolve("small.log"), new byte[10]);
        assertThat(policy().isTriggeringEvent(log.toFile(), "event")).isTrue();
        assertThat(policy().isTriggeringEvent(small.toFile(), "event")).isFalse();
    }

    @Test
    void aGuestNeverRollsItOver() throws Exception {
        Path log = Files.write(dir.resolve("big.log"), new byte[2048]);
        System.setProperty(OwnerSizeTriggeringPolicy.ROLLOVER, "false");
        assertThat(policy().isTriggeringEvent(log.toFile(), "event")).isFalse();
    }
}
