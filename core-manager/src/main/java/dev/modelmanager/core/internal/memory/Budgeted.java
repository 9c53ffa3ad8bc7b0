package dev.modelmanager.core.internal.memory;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A model as the memory budget sees it: what choosing one to unload for room needs, and nothing more. */
public interface Budgeted {
    String id();

    int priority();

    /** Never unloaded to make room. */
    boolean pinned();

    /**
     * An operator declared it (a configuration holds it): only a model of higher priority unloads it to make room,
     * never one of equal priority that someone registered.
     */
    boolean declared();

    /** Runs elsewhere and takes no local memory: counts for neither memory nor {@code max.loaded.models}. */
    boolean isRemote();

    /** Loaded with nothing running or waiting: unloading it fails and delays no one. */
    boolean isIdle();

    /** When a call last used it, or {@code null}. */
    Instant lastUsed();

    /** Orders models by last use ({@link System#nanoTime()} of the last call; {@link Long#MIN_VALUE} if never). */
    long lastUsedOrder();

    /**
     * Unloads it to make room; completes once its memory is given back.
     *
     * @param cause {@code ModelEvents.CAUSE_BUDGET} or {@code ModelEvents.CAUSE_MAX_LOADED}
     * @param why   the reason in words, for status and the event
     */
    CompletableFuture<Boolean> evict(String cause, String why);
}
