package dev.modelmanager.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

class HubClientTest {
    private static final String REPO = "org/model";
    private static final byte[] CONFIG = "{\"hidden_size\": 384}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = randomBytes(300_000);

    @TempDir
    Path cacheDir;

    private final FakeHub server;

    HubClientTest() throws Exception {
        server = new FakeHub().file(REPO, "config.json", CONFIG).lfsFile(REPO, "onnx/model.onnx", WEIGHTS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HubClient client(String token, boolean offline) {
        return new HubClient(new HubSettings(server.endpoint(), token, cacheDir, offline, false, Duration.ofSeconds(2),
            Duration.ofSeconds(1)));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static void assertUnavailable(Runnable call, String... messageParts) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(e.getMessage()).contains(messageParts);
        });
    }

    @Test
    void aPlainDownloadLandsInTheHubCacheLayout() throws Exception {
        Path config = client(null, false).fetch(REPO, "main", "config.json");
        assertThat(Files.readAllBytes(config)).isEqualTo(CONFIG);
        Path repoDir = cacheDir.resolve("models--org--model");
        assertThat(config).isEqualTo(repoDir.resolve("snapshots/" + FakeHub.COMMIT + "/config.json"));
        assertThat(Files.isSymbolicLink(config)).isTrue();
        assertThat(repoDir.resolve("blobs/" + FakeHub.gitBlobId(CONFIG))).exists();
        assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
        assertThat(Files.list(repoDir.resolve("blobs")).map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.endsWith(".incomplete"));
    }

    @Test
    void largeFilesFollowTheRedirectToAnotherHostWithoutTheToken() throws Exception {
        server.gated(REPO, "hf_secret");
        Path weights = client("hf_secret", false).fetch(REPO, "main", "onnx/model.onnx");
        assertThat(Files.readAllBytes(weights)).isEqualTo(WEIGHTS);
        assertThat(cacheDir.resolve("models--org--model/blobs/" + FakeHub.sha256(WEIGHTS))).exists();
        assertThat(server.requests).filteredOn(r -> r.server().equals("hub"))
            .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(server.requests).filteredOn(r -> r.server().equals("cdn")).isNotEmpty()
            .allSatisfy(r -> assertThat(r.authorization()).as("token sent to another host").isNull());
    }

    @Test
    void aHostRelativeRedirectIsFollowed() throws Exception {
        server.movedFile(REPO, "tokenizer.json", CONFIG);
        Path tokenizer = client(null, false).fetch(REPO, "main", "tokenizer.json");
        assertThat(Files.readAllBytes(tokenizer)).isEqualTo(CONFIG);
        assertThat(server.requests).anyMatch(r -> r.path().startsWith("/api/resolve-cache/models/org/model/"));
    }

    @Test
    void aGatedFileNeedsTheRightToken() throws Exception {
        server.gated(REPO, "hf_secret");
        assertUnavailable(() -> client(null, false).fetch(REPO, "main", "config.json"),
            "authentication required", "no token is configured");
        assertUnavailable(() -> client("hf_wrong", false).fetch(REPO, "main", "config.json"),
            "access denied", "has not been granted");
        assertThat(Files.readAllBytes(client("hf_secret", false).fetch(REPO, "main", "config.json"))).isEqualTo(CONFIG);
    }

    @Test
    void tokensNeverShowInMessagesOrSettings() {
        server.gated(REPO, "hf_secret");
        HubClient client = client("hf_wrong_secret", false);
        assertThatThrownBy(() -> client.fetch(REPO, "main", "config.json")).satisfies(e ->
            assertThat(e.getMessage()).doesNotContain("hf_wrong_secret"));
        assertThat(client.settings().toString()).doesNotContain("hf_wrong_secret").contains("token=***");
    }

    @Test
    void missingRepositoriesAndFilesAre404sSaidPlainly() {
        assertUnavailable(() -> client(null, false).fetch("org/nothing", "main", "config.json"),
            "no such repository or file: org/nothing/config.json at revision main");
        assertUnavailable(() -> client(null, false).fetch(REPO, "main", "missing.bin"), "no file org/model/missing.bin");
    }

    @Test
    void aDownloadCutOffHalfWayResumesWhereItStopped() throws Exception {
        server.cutAfter = 100_000;
        HubClient client = client(null, false);
        assertUnavailable(() -> client.fetch(REPO, "main", "onnx/model.onnx"), "broke off", "no data for 1 s",
            "resumes on the next try");
        Path partial = cacheDir.resolve("models--org--model/blobs/" + FakeHub.sha256(WEIGHTS) + ".incomplete");
        assertThat(Files.size(partial)).isBetween(1L, 100_000L);
        long kept = Files.size(partial);

        Path weights = client.fetch(REPO, "main", "onnx/model.onnx");
        assertThat(Files.readAllBytes(weights)).isEqualTo(WEIGHTS);
        assertThat(server.requests).filteredOn(r -> r.server().equals("cdn") && r.method().equals("GET"))
            .extracting(FakeHub.Request::range).containsExactly(null, "bytes=" + kept + "-");
        assertThat(partial).doesNotExist();
    }

    @Test
    void aChecksumMismatchIsRefusedAndNotCached() throws Exception {
        server.corruptFile(REPO, "onnx/bad.onnx", WEIGHTS);
        assertUnavailable(() -> client(null, false).fetch(REPO, "main", "onnx/bad.onnx"), "checksum mismatch",
            "discarded, not cached");
        assertThat(client(null, true).cached(REPO, "main", "onnx/bad.onnx")).isEmpty();
        try (var blobs = Files.list(cacheDir.resolve("models--org--model/blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".incomplete")
                || n.equals(FakeHub.sha256("something else".getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void concurrentRequestsForOneFileDownloadItOnce() throws Exception {
        server.chunkDelayMs = 20;
        HubClient client = client(null, false);
        int callers = 8;
        CyclicBarrier start = new CyclicBarrier(callers);
        List<CompletableFuture<Path>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return client.fetch(REPO, "main", "onnx/model.onnx");
            }));
        }
        for (CompletableFuture<Path> call : calls) {
            assertThat(Files.readAllBytes(call.join())).isEqualTo(WEIGHTS);
        }
        assertThat(server.bodiesServed.get()).isEqualTo(1);
    }

    @Test
    void twoFilesWithTheSameContentFetchedAtOnceShareOneBlob() throws Exception {
        server.lfsFile(REPO, "copy/model.onnx", WEIGHTS);
        server.chunkDelayMs = 5;
        HubClient client = client(null, false);
        CompletableFuture<Path> a = CompletableFuture.supplyAsync(() -> client.fetch(REPO, "main", "onnx/model.onnx"));
        CompletableFuture<Path> b = CompletableFuture.supplyAsync(() -> client.fetch(REPO, "main", "copy/model.onnx"));
        assertThat(Files.readAllBytes(a.join())).isEqualTo(WEIGHTS);
        assertThat(Files.readAllBytes(b.join())).isEqualTo(WEIGHTS);
        assertThat(server.bodiesServed.get()).isEqualTo(1);
    }

    @Test
    void progressIsVisibleWhileDownloading() throws Exception {
        server.chunkDelayMs = 30;
        HubClient client = client(null, false);
        CompletableFuture<Path> download = CompletableFuture.supplyAsync(() -> client.fetch(REPO, "main", "onnx/model.onnx"));
        long deadline = System.currentTimeMillis() + 5000;
        while (client.downloads().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        DownloadProgress progress = client.downloads().iterator().next();
        assertThat(progress.file()).isEqualTo("org/model/onnx/model.onnx");
        assertThat(progress.total()).isEqualTo(WEIGHTS.length);
        assertThat(progress.toString()).contains("MiB").contains("%");
        download.join();
        assertThat(client.downloads()).isEmpty();
    }

    @Test
    void offlineModeServesTheCacheAndNothingElse() throws Exception {
        assertUnavailable(() -> client(null, true).fetch(REPO, "main", "config.json"), "not in the cache",
            "offline mode");
        assertThat(server.requests).isEmpty();
        client(null, false).fetch(REPO, "main", "config.json");
        int before = server.requests.size();
        assertThat(Files.readAllBytes(client(null, true).fetch(REPO, "main", "config.json"))).isEqualTo(CONFIG);
        assertThat(server.requests).hasSize(before);
    }

    @Test
    void anExistingHubCacheIsUsedWithoutAnyRequest() throws Exception {
        // Laid out by hand the way huggingface_hub lays it out.
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        Path repoDir = cacheDir.resolve("models--sentence-transformers--all-MiniLM-L6-v2");
        Path blob = Files.createDirectories(repoDir.resolve("blobs")).resolve("abc123");
        Files.write(blob, CONFIG);
        Path snapshot = Files.createDirectories(repoDir.resolve("snapshots/" + commit)).resolve("config.json");
        Files.createSymbolicLink(snapshot, Path.of("../../blobs/abc123"));
        Files.createDirectories(repoDir.resolve("refs"));
        Files.writeString(repoDir.resolve("refs/main"), commit);

        Path found = client(null, false).fetch("sentence-transformers/all-MiniLM-L6-v2", "main", "config.json");
        assertThat(Files.readAllBytes(found)).isEqualTo(CONFIG);
        assertThat(client(null, false).fetch("sentence-transformers/all-MiniLM-L6-v2", commit, "config.json"))
            .isEqualTo(found);
        assertThat(server.requests).as("requests to the Hub").isEmpty();
    }

    @Test
    void anUnreachableHubFallsBackToTheCacheOrSaysItCannotBeReached() throws Exception {
        client(null, false).fetch(REPO, "main", "config.json");
        HubClient checking = new HubClient(new HubSettings("http://127.0.0.1:9", null, cacheDir, false, true,
            Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(Files.readAllBytes(checking.fetch(REPO, "main", "config.json"))).isEqualTo(CONFIG);
        assertUnavailable(() -> checking.fetch(REPO, "main", "other.json"), "cannot reach http://127.0.0.1:9");
        assertUnavailable(() -> checking.verify("org/absent", "main", "config.json"), "cannot reach");
    }
}
