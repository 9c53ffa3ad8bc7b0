package dev.modelmanager.launcher;

import java.io.File;

import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;

/**
 * Logback's size trigger for {@code data/log/modelmanager.log} ({@code etc/logback.xml}), firing only in the process
 * that owns the installation folder. A second process that runs commands in a private framework beside the owner
 * ({@link Instance}) appends to the same file; were it to roll the file over too, each process would rename the
 * other's file under it and the owner would go on writing, unbounded, into a file it no longer checks.
 */
public final class OwnerSizeTriggeringPolicy<E> extends SizeBasedTriggeringPolicy<E> {
    /** Set to {@code false} by the launcher in a process that does not own the folder. */
    static final String ROLLOVER = "modelmanager.log.rollover";

    @Override
    public boolean isTriggeringEvent(File activeFile, E event) {
        return !"false".equals(System.getProperty(ROLLOVER)) && super.isTriggeringEvent(activeFile, event);
    }
}
