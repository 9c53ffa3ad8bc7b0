package dev.modelmanager.core.internal.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * The folders a caller the operator has not vouched for (a REST client) may name model files in: those listed in
 * {@code model.roots}, the distribution's {@code models/} folder and the Hugging Face cache. A path is placed by its
 * text alone ({@code ..} resolved, links not followed), so that a path outside is refused before anything is read,
 * with one answer whether it exists or not. Links inside the roots are the operator's and are followed.
 *
 * @param folders absolute, normalized folders, in the order relative paths are looked up in
 */
public record ModelRoots(List<Path> folders) {
    /** Configuration key of the listed roots (PID {@code dev.modelmanager.core}). */
    public static final String KEY = "model.roots";
    public static final ModelRoots NONE = new ModelRoots(List.of());

    public ModelRoots {
        Set<Path> unique = new LinkedHashSet<>();
        for (Path folder : folders) {
            unique.add(folder.toAbsolutePath().normalize());
        }
        folders = List.copyOf(unique);
    }

    /**
     * The roots of a manager: the listed folders (relative ones against {@code home}), then {@code home/models},
     * then the Hub cache.
     *
     * @param listed   the folders of {@value #KEY}
     * @param home     the installation folder ({@code modelmanager.home}), or {@code null} outside the distribution
     * @param hubCache the Hugging Face cache folder, or {@code null}
     */
    public static ModelRoots of(List<Path> listed, Path home, Path hubCache) {
        List<Path> folders = new ArrayList<>();
        for (Path p : listed) {
            folders.add(home != null && !p.isAbsolute() ? home.resolve(p) : p);
        }
        if (home != null) {
            folders.add(home.resolve("models"));
        }
        if (hubCache != null) {
            folders.add(hubCache);
        }
        return new ModelRoots(folders);
    }

    /** The folders of a {@value #KEY} value: comma-separated, blanks ignored. */
    public static List<Path> parse(String value) {
        List<Path> list = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    list.add(Path.of(part.strip()));
                }
            }
        }
        return list;
    }

    /**
     * Where a path a confined caller gave lies: an absolute path as it is, a relative one in the first root that has
     * it (else in the first root). Reads the file system only inside the roots.
     *
     * @param field the requirement field, for the error ({@code source.path}, {@code source.jar})
     * @throws ModelException {@link ErrorCode#SOURCE_NOT_ALLOWED} when the path is outside every root: the same
     *                        exception whether or not it exists, naming the path only as given
     */
    public Path place(String given, String field) {
        Path path;
        try {
            path = Path.of(given);
        } catch (java.nio.file.InvalidPathException e) {
            throw outside(given, field);
        }
        if (path.isAbsolute()) {
            Path normalized = path.normalize();
            if (folders.stream().noneMatch(normalized::startsWith)) {
                throw outside(given, field);
            }
            return normalized;
        }
        Path first = null;
        for (Path root : folders) {
            Path candidate = root.resolve(path).normalize();
            if (!candidate.startsWith(root)) {
                continue; // climbs out of this root with ..
            }
            if (first == null) {
                first = candidate;
            }
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        if (first == null) {
            throw outside(given, field);
        }
        return first;
    }

    private ModelException outside(String given, String field) {
        return new ModelException(ErrorCode.SOURCE_NOT_ALLOWED, null, field, field + ": '" + given + "' is not under "
            + "the folders this server serves models from (" + KEY + "); name a file under one of them, or ask the "
            + "operator to register it", null);
    }

    @Override
    public String toString() {
        return folders.toString();
    }
}
