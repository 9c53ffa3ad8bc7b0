package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;

/**
 * 32 threads make thousands of random register, release and embed calls on a few shared models. Each thread
 * owns its requesters, so it knows exactly which references it holds; at the end the manager's counts must
 * match, and once everything is released nothing may be left loaded.
 */
class ReferenceStormTest {
    private static final int THREADS = 32;
    private static final int OPERATIONS = 3_000;
    private static final int MODELS = 6;
    private static final int REQUESTERS_PER_THREAD = 3;
    private static final Set<ErrorCode> EXPECTED_RACES = EnumSet.of(ErrorCode.NOT_REGISTERED, ErrorCode.NOT_LOADED);

    @Test
    void countsAreExactAfterAStorm() throws Exception {
        ModelRequirement[] requirements = new ModelRequirement[MODELS];
        for (int m = 0; m < MODELS; m++) {
            requirements[m] = embedding().dimension(16 + m).build();
        }
        // A short idle timeout makes models drop out and come back many times during the storm.
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withIdleTimeout(Duration.ofMillis(1)), new dev.modelmanager.testsupport.TestModelProvider())) {
            ModelManagerImpl manager = fixture.manager;
            Map<String, Set<String>> expected = new ConcurrentHashMap<>();
            AtomicLong embeds = new AtomicLong();
            AtomicLong races = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(thread);
                    Map<String, Set<String>> held = new HashMap<>();
                    start.await();
                    for (int i = 0; i < OPERATIONS; i++) {
                        int m = random.nextInt(MODELS);
                        String model = "model-" + m;
                        String requester = "requester-" + thread + "-" + random.nextInt(REQUESTERS_PER_THREAD);
                        Set<String> mine = held.computeIfAbsent(model, k -> new HashSet<>());
                        switch (random.nextInt(3)) {
                            case 0 -> {
                                manager.register(model, requirements[m], requester);
                                mine.add(requester);
                            }
                            case 1 -> {
                                if (mine.remove(requester)) {
                                    assertThat(manager.release(model, requester)).isGreaterThanOrEqualTo(0);
                                }
                            }
                            default -> {
                                try {
                                    assertThat(manager.embed(model, List.of("text " + i)).embeddings()).hasSize(1);
                                    embeds.incrementAndGet();
                                } catch (ModelException e) {
                                    // Calls on a model nobody holds may find it gone; nothing else may fail.
                                    assertThat(e.code()).isIn(EXPECTED_RACES);
                                    races.incrementAndGet();
                                }
                            }
                        }
                    }
                    held.forEach((model, requesters) -> requesters.forEach(r ->
                        expected.computeIfAbsent(model, k -> ConcurrentHashMap.newKeySet()).add(r)));
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            for (ModelInfo info : manager.list()) {
                Set<String> want = expected.getOrDefault(info.modelId(), Set.of());
                assertThat(new HashSet<>(info.requesters())).as("requesters of %s", info.modelId()).isEqualTo(want);
            }
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    assertThat(manager.info(e.getKey()).referenceCount()).isEqualTo(e.getValue().size());
                }
            }
            assertThat(embeds.get()).as("most embeds succeed").isGreaterThan(races.get());

            expected.forEach((model, requesters) -> requesters.forEach(r -> manager.release(model, r)));
            await("every model gone", Duration.ofSeconds(20), () -> manager.list().isEmpty());
            await("every instance closed", Duration.ofSeconds(20), () -> fixture.provider.open() == 0);
            assertThat(fixture.provider.loads()).isPositive();
        }
    }
}
