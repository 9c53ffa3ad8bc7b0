package dev.modelmanager.core.internal.source;

import java.nio.file.Path;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelSource;

/**
 * Makes the local paths of a source absolute once, when it is registered, so that what is kept in the state file
 * means the same file after a restart from another folder. Local paths are {@link ModelSource.LocalPath}'s path and
 * the jar of a {@link ModelSource.Classpath}; other sources pass unchanged.
 */
public final class SourcePaths {
    private SourcePaths() {
    }

    /** The source with its relative paths taken against {@code base} (and every path normalized). */
    public static ModelSource absolute(ModelSource source, Path base) {
        return source == null ? null : source.against(base);
    }

    /**
     * The source with its paths placed in the model roots.
     *
     * @throws ModelException {@link dev.modelmanager.api.ErrorCode#SOURCE_NOT_ALLOWED} for a path outside them
     */
    public static ModelSource confined(ModelSource source, ModelRoots roots) {
        if (source instanceof ModelSource.LocalPath p) {
            return new ModelSource.LocalPath(roots.place(p.path(), "source.path").toString());
        }
        if (source instanceof ModelSource.Classpath c && isJar(c)) {
            return new ModelSource.Classpath(roots.place(c.bundle(), "source.jar").toString(), c.resources());
        }
        return source;
    }

    /** Whether a classpath source reads a jar file (rather than a bundle's resources). */
    static boolean isJar(ModelSource.Classpath source) {
        return source.bundle() != null && source.bundle().endsWith(".jar");
    }

}
