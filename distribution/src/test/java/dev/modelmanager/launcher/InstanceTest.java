package dev.modelmanager.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceTest {
    @TempDir
    Path home;

    @Test
    void theOwnerWritesWhoItIsAndTheNextProcessReadsItWithoutWritingAnything() throws Exception {
        try (Instance owner = Instance.acquire(home, Instance.Mode.SERVER)) {
            assertThat(owner.owner()).isTrue();
            assertThat(owner.overrides()).isEmpty();
            Path lock = home.resolve("data/instance.lock");
            String written = Files.readString(lock);
            long modified = Files.getLastModifiedTime(lock).toMillis();
            List<Path> before = tree();

            // A second acquire from this JVM meets the lock as another process would.
            try (Instance second = Instance.acquire(home, Instance.Mode.SHELL)) {
                assertThat(second.owner()).isFalse();
                Instance.Holder holder = second.holder();
                assertThat(holder.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(holder.mode()).isEqualTo("server");
                assertThat(holder.started()).isBetween(Instant.now().minusSeconds(60), Instant.now());
                assertThat(holder.describe()).startsWith("server, pid " + ProcessHandle.current().pid() + ", started ");
            }
            assertThat(Files.readString(lock)).isEqualTo(written);
            assertThat(Files.getLastModifiedTime(lock).toMillis()).isEqualTo(modified);
            assertThat(tree()).isEqualTo(before);
        }
    }

    @Test
    void aGuestGetsAPrivateCacheThatGoesWithIt() throws Exception {
        try (Instance owner = Instance.acquire(home, Instance.Mode.COMMANDS)) {
            Path storage;
            try (Instance guest = Instance.acquire(home, Instance.Mode.COMMANDS)) {
                storage = Path.of(guest.overrides().get("org.osgi.framework.storage")).getParent();
                assertThat(storage).exists().isNotEqualTo(home.resolve("data"));
                assertThat(guest.overrides()).containsEntry(Instance.STATELESS, "true");
            }
            assertThat(storage).doesNotExist();
        }
    }

    @Test
    void aLockFileThatSaysNothingStillDescribesItsHolder() {
        assertThat(Instance.Holder.parse("").describe()).isEqualTo("modelmanager, pid unknown");
        assertThat(Instance.Holder.parse("pid=12\nstarted=garbage\nmode=shell\n").describe()).isEqualTo("shell, pid 12");
    }

    @Test
    void aSecondShellIsRefusedWithOneLineBeforeTheFrameworkStarts() throws Exception {
        String previous = System.getProperty("modelmanager.home");
        System.setProperty("modelmanager.home", home.toString());
        try (Instance owner = Instance.acquire(home, Instance.Mode.SERVER)) {
            List<Path> before = tree();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Launcher.run(new String[0], InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).isEqualTo(Launcher.ALREADY_RUNNING);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(err.toString(StandardCharsets.UTF_8)).hasLineCount(1)
                .startsWith("modelmanager: not started: another modelmanager (server, pid " + ProcessHandle.current().pid());
            assertThat(tree()).as("no data/log, no cache: nothing written").isEqualTo(before);
        } finally {
            if (previous == null) {
                System.clearProperty("modelmanager.home");
            } else {
                System.setProperty("modelmanager.home", previous);
            }
        }
    }

    private List<Path> tree() throws Exception {
        try (Stream<Path> paths = Files.walk(home)) {
            return paths.sorted().toList();
        }
    }
}
