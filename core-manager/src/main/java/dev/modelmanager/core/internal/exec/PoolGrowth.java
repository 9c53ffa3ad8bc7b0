package dev.modelmanager.core.internal.exec;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link WorkerPool} grows and shrinks: another instance while calls wait (up to the maximum; the
 * {@link Slots} count it as growing meanwhile), and instances idle for the idle period closed again, down to the
 * minimum, checked on the timer. Growing and closing run provider code, so they happen on the grower's and the
 * lifecycle executor's threads, never under the pool's lock or on the timer thread.
 */
final class PoolGrowth {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final String modelId;
    private final Slots slots;
    private final SlotRunner runner;
    private final WorkerPool.Grower grower;
    private final WorkerPool.Closer closer;
    private final Executor lifecycle;
    private final long idleNanos;
    private final ScheduledFuture<?> shrinking;

    PoolGrowth(String modelId, Slots slots, SlotRunner runner, WorkerPool.Config config, WorkerPool.Grower grower,
               WorkerPool.Closer closer, ScheduledExecutorService timer, Executor lifecycle) {
        this.modelId = modelId;
        this.slots = slots;
        this.runner = runner;
        this.grower = grower;
        this.closer = closer;
        this.lifecycle = lifecycle;
        this.idleNanos = config.idle().toNanos();
        if (timer != null && config.max() > config.min() && config.idle().toMillis() > 0) {
            long every = Math.max(50, config.idle().toMillis() / 2);
            shrinking = timer.scheduleWithFixedDelay(this::shrink, every, every, TimeUnit.MILLISECONDS);
        } else {
            shrinking = null;
        }
    }

    /** Loads more instances now, up to {@code count} in all (preloading several workers). */
    void growTo(int count) {
        int wanted = slots.mayGrow(count - slots.instances().length);
        for (int i = 0; i < wanted; i++) {
            growOne();
        }
    }

    /** Asks for one more instance; the slots already count it as growing. */
    void growOne() {
        List<String> devices = Arrays.stream(slots.instances()).map(Instance::device).toList();
        grower.grow(devices).whenComplete((instance, error) -> {
            boolean added = slots.grown(instance);
            if (added) {
                runner.resize();
                LOG.info("Worker pool of {} grew to {} instance(s): {}", modelId, slots.instances().length,
                    slots.describe());
            } else if (instance != null) {
                closer.close(instance);
            } else {
                LOG.info("Worker pool of {} could not grow: {}", modelId, error == null ? "no instance"
                    : Failures.unwrap(error, modelId).getMessage());
            }
        });
    }

    /** Closes instances idle for the idle period, down to the minimum. Runs on the timer: closing goes elsewhere. */
    private void shrink() {
        List<Instance> idleOnes = slots.shrink(idleNanos);
        if (!idleOnes.isEmpty()) {
            try {
                runner.resize();
            } catch (RuntimeException e) { // never let it cancel the periodic check or keep the instances open
                LOG.warn("Worker pool of {}: could not resize its threads: {}", modelId, e.toString());
            }
        }
        for (Instance i : idleOnes) {
            LOG.info("Worker pool of {}: instance {} on {} idle, closing it", modelId, i.id(), i.device());
            try {
                lifecycle.execute(() -> closer.close(i));
            } catch (RejectedExecutionException stopping) {
                closer.close(i); // the manager stops: the instance must still go
            }
        }
    }

    /** Stops checking for idle instances. */
    void stop() {
        if (shrinking != null) {
            shrinking.cancel(false);
        }
    }
}
