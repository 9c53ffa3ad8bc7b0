package dev.modelmanager.benchmarks;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints each one against its baseline from the same run, as a ratio.
 * {@code --smoke} makes a short pass (for CI: it checks that the benchmarks run, its numbers mean little).
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = java.util.Arrays.asList(args).contains("--smoke");
        ChainedOptionsBuilder options = new OptionsBuilder().include(DispatchBenchmark.class.getName())
            .addProfiler(org.openjdk.jmh.profile.GCProfiler.class).shouldFailOnError(true);
        if (smoke) {
            options.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(300)).measurementIterations(2)
                .measurementTime(TimeValue.milliseconds(300));
        } else {
            options.forks(2).warmupIterations(5).warmupTime(TimeValue.seconds(1)).measurementIterations(10)
                .measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Map<String, double[]>> byParams = new TreeMap<>();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String params = "texts=" + result.getParams().getParam("texts");
            double score = result.getPrimaryResult().getScore();
            double error = result.getPrimaryResult().getScoreError();
            org.openjdk.jmh.results.Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            byParams.computeIfAbsent(params, k -> new TreeMap<>()).put(method,
                new double[] {score, error, alloc == null ? Double.NaN : alloc.getScore()});
        }
        System.out.println();
        System.out.println("Manager dispatch vs direct call of the same loaded model (microseconds per call)");
        System.out.printf(Locale.ROOT, "%-10s %18s %18s %8s %18s %8s%n", "params", "direct (baseline)", "via manager",
            "ratio", "cache hit", "ratio");
        for (Map.Entry<String, Map<String, double[]>> e : byParams.entrySet()) {
            double[] base = e.getValue().get("direct");
            double[] via = e.getValue().get("viaManager");
            double[] hit = e.getValue().get("cacheHit");
            System.out.printf(Locale.ROOT, "%-10s %10.2f ± %5.2f %10.2f ± %5.2f %7.2fx %10.2f ± %5.2f %7.2fx%n", e.getKey(),
                base[0], base[1], via[0], via[1], via[0] / base[0], hit[0], hit[1], hit[0] / base[0]);
        }
        System.out.println();
        System.out.println("Allocation per call (bytes, JMH -prof gc): what the manager adds is via manager - direct");
        System.out.printf(Locale.ROOT, "%-10s %18s %18s %12s%n", "params", "direct", "via manager", "added");
        for (Map.Entry<String, Map<String, double[]>> e : byParams.entrySet()) {
            double direct = e.getValue().get("direct")[2];
            double via = e.getValue().get("viaManager")[2];
            System.out.printf(Locale.ROOT, "%-10s %18.0f %18.0f %12.0f%n", e.getKey(), direct, via, via - direct);
        }
    }
}
