package dev.modelmanager.rest.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** HTTP requests answered, by face ({@code api}, {@code openai}, {@code health}, {@code metrics}) and status code. */
final class HttpCounters {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String path, int status) {
        counts.computeIfAbsent(face(path) + " " + status, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    static String face(String path) {
        if (path.startsWith("/api/")) {
            return "api";
        }
        if (path.startsWith("/v1/")) {
            return "openai";
        }
        if (path.startsWith("/health")) {
            return "health";
        }
        if (path.startsWith("/metrics")) {
            return "metrics";
        }
        return "other";
    }
}
