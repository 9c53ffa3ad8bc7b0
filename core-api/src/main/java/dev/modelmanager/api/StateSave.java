package dev.modelmanager.api;

import java.time.Instant;

/**
 * A write of the manager's state that {@link ModelManager#saveState()} asked for and waited for.
 *
 * @param path   the state file, absolute
 * @param models the registered models it holds
 * @param at     when the write finished
 */
public record StateSave(String path, int models, Instant at) {
}
