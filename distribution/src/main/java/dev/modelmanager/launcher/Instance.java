package dev.modelmanager.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One installation folder, one owner of its {@code data/}: the first process takes {@code data/instance.lock} and
 * uses the bundle cache and the manager's state file. A second process started meanwhile (say
 * {@code bin/modelmanager -c model:list} next to a running server) runs with a private, temporary bundle cache and
 * keeps no state, so that the two never write the same files.
 */
final class Instance implements AutoCloseable {
    /** Framework property the manager reads: keep no state file. */
    static final String STATELESS = "dev.modelmanager.state.disabled";

    private final FileChannel channel;
    private final FileLock lock;
    private final Path privateStorage;

    private Instance(FileChannel channel, FileLock lock, Path privateStorage) {
        this.channel = channel;
        this.lock = lock;
        this.privateStorage = privateStorage;
    }

    static Instance acquire(Path home) {
        FileChannel channel = null;
        try {
            Path data = Files.createDirectories(home.resolve("data"));
            channel = FileChannel.open(data.resolve("instance.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new Instance(channel, lock, null);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // fall through: behave as a second instance
        }
        try {
            Path storage = Files.createTempDirectory("modelmanager-cache");
            return new Instance(channel, null, storage);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether this process owns the folder's data (no other instance runs from it). */
    boolean owner() {
        return privateStorage == null;
    }

    /** Framework properties this instance changes. */
    Map<String, String> overrides() {
        if (privateStorage == null) {
            return Map.of();
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
