package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.AliasPolicy;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;

/**
 * Moves aliases by their {@link AliasPolicy}: once a second it samples the candidates' call counters (a sliding
 * window of samples per model, as long as the longest window asks), and when an alias's target is failing or its
 * success rate over the window is below the threshold, it switches the alias to the first healthy candidate; with
 * {@code switchBack}, to an earlier candidate that has been healthy for a whole window. Switches run on the
 * lifecycle executor (a switch loads its target first), one at a time per alias; the sampling thread never waits.
 */
final class AliasWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AliasWatch.class);
    static final Duration TICK = Duration.ofSeconds(1);

    /**
     * The switch, so that the watch does not depend on all of routing: it must move the alias only if its target is
     * still {@code from} and its policy still {@code policy} when the new target has loaded.
     */
    interface Switcher {
        /** Answers whether it moved the alias. */
        boolean switchAlias(String alias, String from, AliasPolicy policy, String modelId, String reason);
    }

    /** Why a candidate is not healthy; {@code byRate}: its success rate, not its status. */
    record Problem(String text, boolean byRate) {
    }

    private record Sample(long nanos, long requests, long failures, long cancelled, boolean healthyStatus) {
    }

    private final ModelRegistry registry;
    private final Switcher switcher;
    private final Executor lifecycle;
    private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();
    /** When each model last stopped being healthy by status, or absent. */
    private final Map<String, Long> unhealthySince = new ConcurrentHashMap<>();
    private final Set<String> switching = ConcurrentHashMap.newKeySet();
    /** alias → the candidates it left for their success rate (taken back only on evidence of recovery). */
    private final Map<String, Set<String>> leftForRate = new ConcurrentHashMap<>();
    private final Supplier<Long> clock;
    private final ScheduledFuture<?> task;

    AliasWatch(ModelRegistry registry, Switcher switcher, ScheduledExecutorService timer, Executor lifecycle) {
        this(registry, switcher, timer, lifecycle, System::nanoTime);
    }

    AliasWatch(ModelRegistry registry, Switcher switcher, ScheduledExecutorService timer, Executor lifecycle,
               Supplier<Long> clock) {
        this.registry = registry;
        this.switcher = switcher;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.task = timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at every policy (the timer's, and the caller's of autoSwitch to start the window): one at a time. */
    synchronized void tick() {
        try {
            Map<String, AliasPolicy> policies = registry.policies();
            Set<String> watched = new java.util.HashSet<>();
            policies.values().forEach(p -> watched.addAll(p.candidates()));
            samples.keySet().retainAll(watched);
            unhealthySince.keySet().retainAll(watched);
            leftForRate.keySet().retainAll(policies.keySet());
            if (policies.isEmpty()) {
                return;
            }
            long now = clock.get();
            long longest = policies.values().stream().mapToLong(p -> p.window().toNanos()).max().orElse(0);
            for (AliasPolicy policy : policies.values()) {
                for (String id : policy.candidates()) {
                    sample(id, now, longest);
                }
            }
            Map<String, String> aliases = registry.aliases();
            policies.forEach((alias, policy) -> decide(alias, aliases.get(alias), policy, now));
        } catch (RuntimeException e) {
            LOG.warn("Alias watch failed: {}", e.toString());
        }
    }

    private void sample(String id, long now, long keepNanos) {
        ModelEntry entry = registry.find(id).orElse(null);
        Deque<Sample> history = samples.computeIfAbsent(id, k -> new ArrayDeque<>());
        if (entry == null) {
            synchronized (history) {
                history.clear();
            }
            return;
        }
        ModelStats s = entry.stats();
        boolean healthy = healthyStatus(entry.state().status());
        synchronized (history) {
            history.addLast(new Sample(now, s.requests(), s.failures(), s.cancelled(), healthy));
            while (history.size() > 1 && now - history.peekFirst().nanos() > keepNanos + TICK.toNanos()) {
                history.removeFirst();
            }
        }
        if (healthy) {
            unhealthySince.remove(id);
        } else {
            unhealthySince.putIfAbsent(id, now);
        }
    }

    private static boolean healthyStatus(ModelStatus status) {
        return status != ModelStatus.FAILED && status != ModelStatus.WAITING_FOR_PROVIDER;
    }

    /** Why the model is not healthy now over {@code window}, or null when it is. */
    Problem problem(String id, AliasPolicy policy, long now) {
        ModelEntry entry = registry.find(id).orElse(null);
        if (entry == null) {
            return new Problem(id + " is not registered", false);
        }
        ModelStatus status = entry.state().status();
        if (!healthyStatus(status)) {
            String reason = entry.state().reason();
            return new Problem(id + " is " + status + (reason == null ? "" : " (" + reason + ")"), false);
        }
        Rate rate = rate(id, policy, now);
        if (rate != null && rate.finished() >= policy.minCalls() && rate.value() < policy.threshold()) {
            return new Problem(String.format(java.util.Locale.ROOT, "%s succeeded %.0f%% of %d calls in %d s, below "
                + "%.0f%%", id, 100 * rate.value(), rate.finished(), policy.window().toSeconds(),
                100 * policy.threshold()), true);
        }
        return null;
    }

    /** Calls finished over the window and their success rate, or null without two samples. */
    private record Rate(long finished, double value) {
    }

    private Rate rate(String id, AliasPolicy policy, long now) {
        Deque<Sample> history = samples.get(id);
        if (history == null) {
            return null;
        }
        Sample first;
        Sample last;
        synchronized (history) {
            if (history.size() < 2) {
                return null;
            }
            last = history.peekLast();
            first = history.stream().filter(x -> now - x.nanos() <= policy.window().toNanos()).findFirst()
                .orElse(history.peekFirst());
        }
        long finished = (last.requests() - first.requests()) - (last.cancelled() - first.cancelled());
        return new Rate(finished, finished == 0 ? 1.0 : 1.0 - (double) (last.failures() - first.failures()) / finished);
    }

    /**
     * Whether the model has been healthy by status for a whole window and its rate is good; one the alias left for
     * its success rate must also show it: at least the policy's minimum of calls in the window, at the threshold
     * (without them, taking it back would only send callers' calls to fail again, every window).
     */
    private boolean recovered(String alias, String id, AliasPolicy policy, long now) {
        if (problem(id, policy, now) != null || unhealthySince.containsKey(id)) {
            return false;
        }
        if (leftForRate.getOrDefault(alias, Set.of()).contains(id)) {
            Rate rate = rate(id, policy, now);
            if (rate == null || rate.finished() < policy.minCalls() || rate.value() < policy.threshold()) {
                return false;
            }
        }
        Deque<Sample> history = samples.get(id);
        if (history == null) {
            return false;
        }
        synchronized (history) {
            List<Sample> inWindow = history.stream().filter(x -> now - x.nanos() <= policy.window().toNanos()).toList();
            return !inWindow.isEmpty() && history.peekFirst().nanos() <= now - policy.window().toNanos()
                && inWindow.stream().allMatch(Sample::healthyStatus);
        }
    }

    private void decide(String alias, String current, AliasPolicy policy, long now) {
        if (current == null || switching.contains(alias)) {
            return;
        }
        int at = policy.candidates().indexOf(current);
        Problem problem = problem(current, policy, now);
        String target = null;
        String reason = null;
        if (problem != null) {
            for (String candidate : policy.candidates()) {
                if (!candidate.equals(current) && problem(candidate, policy, now) == null) {
                    target = candidate;
                    reason = "auto-switch: " + problem.text();
                    break;
                }
            }
        } else if (policy.switchBack() && at != 0) {
            int until = at < 0 ? policy.candidates().size() : at;
            for (String candidate : policy.candidates().subList(0, until)) {
                if (recovered(alias, candidate, policy, now)) {
                    target = candidate;
                    reason = "auto-switch back: " + candidate + " has been healthy for "
                        + policy.window().toSeconds() + " s";
                    break;
                }
            }
        }
        if (target == null) {
            return;
        }
        String chosen = target;
        String why = reason;
        boolean byRate = problem != null && problem.byRate();
        if (!switching.add(alias)) {
            return; // the other thread got there first
        }
        try {
            lifecycle.execute(() -> {
                try {
                    if (switcher.switchAlias(alias, current, policy, chosen, why)) {
                        Set<String> left = leftForRate.computeIfAbsent(alias, a -> ConcurrentHashMap.newKeySet());
                        left.remove(chosen);
                        if (byRate) {
                            left.add(current);
                        }
                    }
                } catch (ModelException e) {
                    LOG.warn("Alias {} could not move to {}: {}", alias, chosen, e.getMessage());
                } finally {
                    switching.remove(alias);
                }
            });
        } catch (RuntimeException e) {
            switching.remove(alias);
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
