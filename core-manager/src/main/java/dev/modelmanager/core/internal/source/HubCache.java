package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub cache layout, read and written the way {@code huggingface_hub} does, so that a cache
 * filled by Python tools serves the manager and the other way round:
 * <pre>
 * {cache}/models--org--name/blobs/{etag}              file contents, named by their checksum
 * {cache}/models--org--name/snapshots/{commit}/{path}  relative symbolic links to the blobs
 * {cache}/models--org--name/refs/{revision}            the commit a branch or tag pointed to
 * </pre>
 */
final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    HubCache(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** {@code models--org--name}. */
    Path repoDir(String repository) {
        return root.resolve("models--" + repository.replace("/", "--"));
    }

    Path blob(String repository, String etag) {
        return repoDir(repository).resolve("blobs").resolve(etag);
    }

    /** Where an unfinished download of a blob accumulates (kept across runs, so that it can resume). */
    Path incomplete(String repository, String etag) {
        return repoDir(repository).resolve("blobs").resolve(etag + ".incomplete");
    }

    Path snapshot(String repository, String commit, String file) {
        return repoDir(repository).resolve("snapshots").resolve(commit).resolve(file);
    }

    static boolean isCommit(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** The commit a revision resolves to in the cache: the revision itself if it is a commit, else its ref. */
    Optional<String> commitOf(String repository, String revision) {
        if (isCommit(revision)) {
            return Optional.of(revision);
        }
        Path ref = repoDir(repository).resolve("refs").resolve(revision);
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref, StandardCharsets.UTF_8).strip())
                : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The cached file for a revision, if the cache holds it. */
    Optional<Path> find(String repository, String revision, String file) {
        return commitOf(repository, revision).map(commit -> snapshot(repository, commit, file))
            .filter(Files::isRegularFile);
    }

    /**
     * Puts a finished, verified download in place: the blob (moved atomically), the snapshot link and the ref.
     *
     * @return the snapshot path of the file
     */
    Path store(String repository, String revision, String commit, String file, String etag, Path download)
        throws IOException {
        Path blob = blob(repository, etag);
        Files.createDirectories(blob.getParent());
        if (!Files.exists(blob)) {
            moveAtomically(download, blob);
        } else {
            Files.deleteIfExists(download);
        }
        return link(repository, revision, commit, file, etag);
    }

    /**
     * Makes {@code snapshots/{commit}/{file}} point at an existing blob (unless it is there already) and records
     * that {@code revision} is at {@code commit}.
     *
     * @return the snapshot path of the file
     */
    Path link(String repository, String revision, String commit, String file, String etag) throws IOException {
        Path link = snapshot(repository, commit, file);
        if (!Files.exists(link)) {
            Path blob = blob(repository, etag);
            Files.createDirectories(link.getParent());
            Path tmp = link.resolveSibling(link.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            try {
                Files.createSymbolicLink(tmp, link.getParent().relativize(blob));
            } catch (UnsupportedOperationException | IOException e) {
                // File systems without symbolic links get a copy, as huggingface_hub does.
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                moveAtomically(tmp, link);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
            }
        }
        if (!revision.equals(commit)) {
            writeAtomically(repoDir(repository).resolve("refs").resolve(revision), commit);
        }
        return link;
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
