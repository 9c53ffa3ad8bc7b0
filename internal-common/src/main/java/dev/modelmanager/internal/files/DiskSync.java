package dev.modelmanager.internal.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a power loss: a file's bytes forced to the disk before it is renamed into place, and the folder
 * forced after, so that the rename is not lost either (without, the old file can come back).
 */
public final class DiskSync {
    private DiskSync() {
    }

    /** Writes {@code bytes} over the file's content (it must exist, e.g. a temporary file) and forces them. */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Forces what was written to a file, e.g. a download, to the disk. */
    public static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * Forces a folder's entries to the disk, so that a rename into it survives a power loss. Some systems cannot open
     * a folder for this (Windows): there the rename is as durable as the system makes it.
     */
    public static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notOnThisSystem) {
            // not supported here
        }
    }
}
