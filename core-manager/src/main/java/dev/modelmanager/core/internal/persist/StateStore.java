package dev.modelmanager.core.internal.persist;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.modelmanager.api.ModelStats;
import dev.modelmanager.internal.files.DiskSync;

/**
 * The manager's state in one JSON file: durable registrations, the default model, which models were loaded, and
 * every model's statistics. Written atomically (a temporary file beside it, forced to disk, then renamed over it),
 * so that a crash leaves either the old or the new state, never half of one. A file that cannot be read is moved
 * aside ({@code state.json.corrupt-<time>}) with a warning and the manager starts clean; so is one a newer version
 * wrote (after a downgrade), whole, as {@code state.json.v<format>-<time>}: renamed back to {@code state.json}, the
 * newer version takes it up again.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    static final int VERSION = 1;

    /**
     * One registered model as it was saved. {@code confined}: the requesters among {@code requesters} who registered
     * it as callers the operator has not vouched for (REST), whose local paths must lie under the model roots again
     * when they are restored; absent in files written before it was kept.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SavedModel(String id, Map<String, String> requirement, List<String> requesters, boolean loaded,
                      ModelStats stats, List<String> confined) {
        public SavedModel {
            requesters = requesters == null ? List.of() : List.copyOf(requesters);
            requirement = requirement == null ? Map.of() : Map.copyOf(requirement);
            confined = confined == null || confined.isEmpty() ? null : List.copyOf(confined);
        }

        public SavedModel(String id, Map<String, String> requirement, List<String> requesters, boolean loaded,
                          ModelStats stats) {
            this(id, requirement, requesters, loaded, stats, null);
        }
    }

    /**
     * The whole file. {@code retainedStats}: statistics of models no longer registered, by id, oldest first (at most
     * {@code RetainedStats.LIMIT}); {@code aliasPolicies}:
     * the policies of aliases that move on their own ({@code AliasPolicy.toProperties}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(int version, String savedAt, String defaultModel, List<SavedModel> models,
                 Map<String, ModelStats> retainedStats, Map<String, String> aliases,
                 Map<String, Map<String, String>> aliasPolicies) {
        public State {
            aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
            aliasPolicies = aliasPolicies == null ? Map.of() : Map.copyOf(aliasPolicies);
            models = models == null ? List.of() : List.copyOf(models);
            retainedStats = retainedStats == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(retainedStats)); // oldest first
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;

    public StateStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** The saved state; empty when there is none yet or it could not be read (then it was moved aside). */
    public Optional<State> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
            if (tree == null || !tree.isObject()) {
                throw new IOException("not a JSON object");
            }
        } catch (IOException | RuntimeException e) {
            moveAside("corrupt", "could not be read (" + e.getMessage() + ")");
            return Optional.empty();
        }
        long version = tree.path("version").asLong(0);
        if (version > VERSION) {
            // not corrupt: a downgrade. The version is read before the rest, whose shape may have changed since.
            moveAside("v" + version, "was written by a newer version of the model manager (state format " + version
                + "; this one reads up to " + VERSION + ")");
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(tree, State.class));
        } catch (IOException | RuntimeException e) {
            moveAside("corrupt", "could not be read (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private void moveAside(String label, String why) {
        Path aside = file.resolveSibling(file.getFileName() + "." + label + "-" + Instant.now().toEpochMilli());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("The saved state {} {}; it was moved to {} and the manager starts clean", file, why, aside);
        } catch (IOException move) {
            LOG.warn("The saved state {} {} and could not be moved aside ({}); the manager starts clean", file, why,
                move.getMessage());
        }
    }

    /** Writes the state atomically. */
    public void write(State state) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] bytes = JSON.writeValueAsBytes(state);
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
        try {
            DiskSync.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            DiskSync.forceFolder(file.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Keeps a copy of the state file as it is now, beside it ({@code state.json.<why>-<millis>}), before a write
     * that would leave part of it out; {@code null} when there is no file or it cannot be copied.
     */
    public Path keepCopy(String why) {
        if (!Files.exists(file)) {
            return null;
        }
        Path copy = file.resolveSibling(file.getFileName() + "." + why + "-" + Instant.now().toEpochMilli());
        try {
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            return copy;
        } catch (IOException e) {
            LOG.warn("The saved state {} could not be copied to {}: {}", file, copy, e.getMessage());
            return null;
        }
    }
}
