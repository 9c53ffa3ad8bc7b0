package dev.modelmanager.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;

/**
 * One installation folder, one owner of its {@code data/}: the first process takes {@code data/instance.lock}, writes
 * into it who it is (pid, start, mode), and uses the bundle cache, the manager's state file and the log. Another
 * process started meanwhile finds the lock taken and reads who holds it; it changes nothing in {@code data/}. If it
 * runs commands ({@code -c}) and cannot hand them to the owner, it runs them as a guest: a private, temporary bundle
 * cache, no state, and a log it appends to without rolling it over.
 */
final class Instance implements AutoCloseable {
    /** Framework property the manager reads: keep no state file. */
    static final String STATELESS = "dev.modelmanager.state.disabled";
    static final String LOCK = "instance.lock";

    /** What a process does with the folder, written into the lock for the next one to read. */
    enum Mode {
        SHELL("shell"), SERVER("server"), COMMANDS("batch commands");

        final String description;

        Mode(String description) {
            this.description = description;
        }
    }

    /**
     * The owner as its lock file says: {@code null} fields where the file did not say (an owner that has not
     * written it yet).
     */
    record Holder(Long pid, Instant started, String mode) {
        /** E.g. {@code server, pid 4242, started 2026-12-02T07:43:03Z}. */
        String describe() {
            StringBuilder out = new StringBuilder(mode == null ? "modelmanager" : mode);
            out.append(pid == null ? ", pid unknown" : ", pid " + pid);
            if (started != null) {
                out.append(", started ").append(OffsetDateTime.ofInstant(started, ZoneId.systemDefault())
                    .truncatedTo(ChronoUnit.SECONDS));
            }
            return out.toString();
        }

        static Holder parse(String text) {
            Properties p = new Properties();
            try {
                p.load(new java.io.StringReader(text));
            } catch (IOException | IllegalArgumentException e) {
                return new Holder(null, null, null);
            }
            Long pid = null;
            Instant started = null;
            try {
                pid = p.getProperty("pid") == null ? null : Long.valueOf(p.getProperty("pid").strip());
            } catch (NumberFormatException e) {
                // left unknown
            }
            try {
                started = p.getProperty("started") == null ? null : Instant.parse(p.getProperty("started").strip());
            } catch (java.time.format.DateTimeParseException e) {
                // left unknown
            }
            return new Holder(pid, started, p.getProperty("mode"));
        }

        String format() {
            return "pid=" + pid + "\nstarted=" + started + "\nmode=" + mode + "\n";
        }
    }

    private final FileChannel channel;
    private final FileLock lock;
    private final Holder holder;
    private Path privateStorage;

    private Instance(FileChannel channel, FileLock lock, Holder holder) {
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /**
     * Takes the folder if nobody holds it (creating {@code data/} and its lock file when missing); otherwise reads
     * who does, and writes nothing.
     */
    static Instance acquire(Path home, Mode mode) {
        Path data = home.resolve("data");
        Path file = data.resolve(LOCK);
        FileChannel channel = null;
        try {
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(data);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                Holder me = new Holder(ProcessHandle.current().pid(), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                    mode.description);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(me.format().getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(false);
                return new Instance(channel, lock, me);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // fall through: somebody else holds it, or the folder cannot be locked; behave as a second instance
        }
        Holder other;
        try {
            other = Holder.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            other = new Holder(null, null, null);
        }
        return new Instance(channel, null, other);
    }

    /** Whether this process owns the folder's data (no other instance runs from it). */
    boolean owner() {
        return lock != null;
    }

    /** Who owns the folder: this process, or the one that holds the lock. */
    Holder holder() {
        return holder;
    }

    /**
     * Framework properties this instance changes: none for the owner; for a guest, a private bundle cache and
     * configuration folder (created here) and no state file.
     */
    Map<String, String> overrides() {
        if (owner()) {
            return Map.of();
        }
        try {
            if (privateStorage == null) {
                privateStorage = Files.createTempDirectory("modelmanager-cache");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of("org.osgi.framework.storage", privateStorage.resolve("cache").toString(),
            "org.osgi.framework.storage.clean", "onFirstInit", "felix.cm.dir", privateStorage.resolve("config").toString(),
            STATELESS, "true");
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // exiting anyway
        }
        if (privateStorage != null) {
            try (var paths = Files.walk(privateStorage)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary folder; the system cleans it eventually
            }
        }
    }
}
