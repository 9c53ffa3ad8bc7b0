package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.internal.files.DiskSync;

/**
 * Fetches files from the Hugging Face Hub into the {@link HubCache}: {@code {endpoint}/{repo}/resolve/{revision}/{file}},
 * redirects followed by hand so that the token only ever goes to the Hub's own host, interrupted downloads resumed
 * with {@code Range}, every file checked against the checksum the Hub announced before it enters the cache, and
 * concurrent requests for one file served by one download.
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "osgi-model-manager/0.1; java/" + Runtime.version().feature();

    /** What the Hub says about a file before it is fetched. */
    record FileMeta(String commit, String etag, long size, URI downloadUri) {
    }

    /** The file is not there: no such repository, revision or file, or not cached in offline mode. */
    static final class MissingException extends ModelException {
        private static final long serialVersionUID = 1L;

        MissingException(String message) {
            super(ErrorCode.SOURCE_UNAVAILABLE, null, message);
        }
    }

    /** The Hub could not be reached at all (as opposed to an answer that says no). */
    static final class UnreachableException extends ModelException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(ErrorCode.SOURCE_UNAVAILABLE, null, message, cause);
        }
    }

    private final HubSettings settings;
    private final HubCache cache;
    private final HttpClient http;
    private final URI endpoint;
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, DownloadProgress> progress = new ConcurrentHashMap<>();
    private final Map<String, Object> blobMonitors = new ConcurrentHashMap<>();

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.endpoint = URI.create(settings.endpoint() + "/");
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public HubSettings settings() {
        return settings;
    }

    HubCache cache() {
        return cache;
    }

    /** Downloads running now. */
    public Collection<DownloadProgress> downloads() {
        return List.copyOf(progress.values());
    }

    /** The cached file, if the cache holds it for this revision; never asks the Hub. */
    public Optional<Path> cached(String repository, String revision, String file) {
        return cache.find(repository, revision, file);
    }

    /**
     * The local path of a file of a repository at a revision: from the cache when it holds it (the Hub is asked
     * only with {@code checkUpdates} and a branch or tag revision), else downloaded. Many threads asking for the
     * same file share one download.
     *
     * @throws ModelException {@link ErrorCode#SOURCE_UNAVAILABLE} saying why (offline and not cached, no such
     *                        file, token missing or refused, checksum mismatch, Hub unreachable)
     */
    public Path fetch(String repository, String revision, String file) {
        String key = repository + "@" + revision + ":" + file;
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return join(running);
        }
        try {
            Path path = fetchNow(repository, revision, file);
            mine.complete(path);
            return path;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /**
     * Checks that a file can be had, without downloading it: cached, or the Hub answers for it with the
     * configured credentials.
     */
    public void verify(String repository, String revision, String file) {
        if (cache.find(repository, revision, file).isPresent()) {
            return;
        }
        if (settings.offline()) {
            throw offlineMiss(repository, revision, file);
        }
        head(repository, revision, file);
    }

    private Path fetchNow(String repository, String revision, String file) {
        Optional<Path> cached = cache.find(repository, revision, file);
        if (cached.isPresent() && (settings.offline() || !settings.checkUpdates() || HubCache.isCommit(revision))) {
            return cached.get();
        }
        if (settings.offline()) {
            throw offlineMiss(repository, revision, file);
        }
        FileMeta meta;
        try {
            meta = head(repository, revision, file);
        } catch (UnreachableException e) {
            if (cached.isPresent()) {
                LOG.warn("{}; using the cached {}/{}", e.reason(), repository, file);
                return cached.get();
            }
            throw e;
        }
        try {
            if (Files.isRegularFile(cache.snapshot(repository, meta.commit(), file))
                || Files.isRegularFile(cache.blob(repository, meta.etag()))) {
                // Known already, perhaps under another revision: link it, download nothing.
                return cache.link(repository, revision, meta.commit(), file, meta.etag());
            }
            return download(repository, revision, file, meta);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null,
                "cannot write " + repository + "/" + file + " into the cache " + cache.root() + ": " + e, e);
        }
    }

    private Path download(String repository, String revision, String file, FileMeta meta) throws IOException {
        Path part = cache.incomplete(repository, meta.etag());
        Files.createDirectories(part.getParent());
        Path lockFile = part.resolveSibling(meta.etag() + ".lock");
        // Two files with the same content share a blob: one thread per blob in this JVM (a FileLock taken twice by
        // one JVM throws), one process per blob across processes (the FileLock).
        Object blobMonitor = blobMonitors.computeIfAbsent(part.toString(), k -> new Object());
        synchronized (blobMonitor) {
            return downloadLocked(repository, revision, file, meta, part, lockFile);
        }
    }

    private Path downloadLocked(String repository, String revision, String file, FileMeta meta, Path part, Path lockFile)
        throws IOException {
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockChannel.lock()) {
            // Another process may have finished it while we waited for the lock.
            if (Files.isRegularFile(cache.blob(repository, meta.etag()))) {
                return cache.link(repository, revision, meta.commit(), file, meta.etag());
            }
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            String label = repository + "/" + file;
            DownloadProgress tracker = new DownloadProgress(label, meta.size(), have);
            progress.put(label, tracker);
            try {
                LOG.info("Downloading {} ({}){}", label, meta.size() < 0 ? "size unknown" : meta.size() + " bytes",
                    have > 0 ? ", resuming at byte " + have : "");
                fetchInto(meta, part, have, tracker);
                if (meta.size() >= 0 && Files.size(part) != meta.size()) {
                    throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "the download of " + label
                        + " ended at " + Files.size(part) + " of " + meta.size() + " bytes; it resumes on the next try");
                }
                if (Checksums.verifiable(meta.etag())) {
                    String actual = Checksums.of(part, meta.etag());
                    if (!actual.equals(meta.etag())) {
                        Files.deleteIfExists(part);
                        throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "checksum mismatch for " + label
                            + ": the Hub announced " + meta.etag() + ", the download has " + actual
                            + "; it was discarded, not cached");
                    }
                } else {
                    LOG.debug("No checksum to verify {} against (etag {})", label, meta.etag());
                }
                // On the disk before it becomes the cached file: a power loss must not leave a short blob that is
                // then served as complete (the checksum is checked at download only).
                DiskSync.force(part);
                Path stored = cache.store(repository, revision, meta.commit(), file, meta.etag(), part);
                LOG.info("Downloaded {}: {}", label, tracker);
                return stored;
            } finally {
                progress.remove(label, tracker);
            }
        }
    }

    private void fetchInto(FileMeta meta, Path part, long have, DownloadProgress tracker) throws IOException {
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = send(meta.downloadUri(), "GET",
            have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of(), HttpResponse.BodyHandlers.ofPublisher());
        int status = response.statusCode();
        boolean append;
        if (status == 206 && have > 0) {
            append = true;
        } else if (status == 200) {
            append = false;
            if (have > 0) {
                LOG.info("The server ignored the range request; downloading {} from the start", tracker.file());
                tracker.add(-have);
            }
        } else {
            StallGuardedBody.discard(response.body());
            if (status == 416 && have == meta.size()) {
                return; // already complete
            }
            throw failure(status, response.headers().firstValue("X-Error-Code").orElse(""), tracker.file(), "");
        }
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                 append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            StallGuardedBody.copy(response.body(), out, settings.readTimeout(), tracker::add);
        } catch (IOException e) {
            throw new UnreachableException("the download of " + tracker.file() + " broke off at "
                + tracker.bytes() + " bytes (" + e.getMessage() + "); it resumes on the next try", e);
        }
    }

    /** HEAD on the file's resolve URL; relative redirects are followed, a redirect to another host ends it. */
    FileMeta head(String repository, String revision, String file) {
        URI uri = endpoint.resolve(repository + "/resolve/" + encode(revision) + "/" + encodePath(file));
        String commit = null;
        String etag = null;
        long size = -1;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> response;
            try {
                response = send(uri, "HEAD", Map.of("Accept-Encoding", "identity"), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw unreachable(e);
            }
            var headers = response.headers();
            commit = headers.firstValue("X-Repo-Commit").orElse(commit);
            etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag")).map(Checksums::normalizeEtag)
                .orElse(etag);
            size = headers.firstValue("X-Linked-Size").or(() -> headers.firstValue("Content-Length"))
                .map(Long::parseLong).orElse(size);
            int status = response.statusCode();
            Optional<String> location = headers.firstValue("Location");
            if (status >= 300 && status < 400 && location.isPresent()) {
                URI next = uri.resolve(location.get());
                if (!sameHost(next)) {
                    return meta(repository, revision, file, commit, etag, size, next);
                }
                uri = next;
                continue;
            }
            if (status == 200) {
                return meta(repository, revision, file, commit, etag, size, uri);
            }
            throw failure(status, headers.firstValue("X-Error-Code").orElse(""), repository + "/" + file,
                " at revision " + revision);
        }
        throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "too many redirects for " + repository + "/" + file);
    }

    private FileMeta meta(String repository, String revision, String file, String commit, String etag, long size,
                          URI downloadUri) {
        if (etag == null) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "the Hub sent no ETag for " + repository + "/"
                + file + "; is " + settings.endpoint() + " a Hugging Face Hub?");
        }
        return new FileMeta(commit != null ? commit : revision, etag, size, downloadUri);
    }

    private <T> HttpResponse<T> send(URI uri, String method, Map<String, String> headers,
                                     HttpResponse.BodyHandler<T> handler) throws IOException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(settings.readTimeout())
                .header("User-Agent", USER_AGENT).method(method, HttpRequest.BodyPublishers.noBody());
            headers.forEach(request::header);
            if (settings.token() != null && sameHost(current)) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<T> response;
            try {
                response = http.send(request.build(), handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            Optional<String> location = response.headers().firstValue("Location");
            boolean redirect = response.statusCode() >= 300 && response.statusCode() < 400 && location.isPresent();
            if (!redirect || "HEAD".equals(method) || hop >= MAX_REDIRECTS) {
                return response;
            }
            if (response.body() instanceof Flow.Publisher<?> body) {
                @SuppressWarnings("unchecked")
                Flow.Publisher<List<ByteBuffer>> bytes = (Flow.Publisher<List<ByteBuffer>>) body;
                StallGuardedBody.discard(bytes);
            }
            current = current.resolve(location.get());
        }
    }

    private boolean sameHost(URI uri) {
        return endpoint.getHost() != null && endpoint.getHost().equalsIgnoreCase(uri.getHost())
            && endpoint.getPort() == uri.getPort() && endpoint.getScheme().equalsIgnoreCase(uri.getScheme());
    }

    /** A GET of a Hub API URL answering text (JSON), with the token and the timeouts of every Hub call. */
    HttpResponse<String> getText(URI uri) {
        try {
            return send(uri, "GET", Map.of("Accept", "application/json"), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** The Hub's address, ending with '/'. */
    URI endpoint() {
        return endpoint;
    }

    ModelException failure(int status, String errorCode, String what, String where) {
        if (status == 404) {
            return new MissingException(switch (errorCode) {
                case "EntryNotFound" -> "no file " + what + where;
                case "RevisionNotFound" -> "no such revision" + where + " of " + what;
                default -> "no such repository or file: " + what + where;
            });
        }
        String message = switch (status) {
            case 401 -> what + ": authentication required; the repository is private or gated and "
                + (settings.token() == null ? noToken() : "the configured token was refused");
            case 403 -> what + ": access denied; the repository is gated and "
                + (settings.token() == null ? noToken()
                : "the token has not been granted access (accept the terms on the model page)");
            case 429 -> what + ": the Hub is rate-limiting requests (429); try again later";
            default -> what + ": the Hub answered HTTP " + status;
        };
        return new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, message);
    }

    /** Why no token was sent: none configured, or the one configured cannot be read. */
    private String noToken() {
        return settings.tokenProblem() != null ? "the configured token cannot be read (" + settings.tokenProblem() + ")"
            : "no token is configured (set hub.token.file, hub.token.env or HF_TOKEN)";
    }

    private UnreachableException unreachable(IOException e) {
        return new UnreachableException("cannot reach " + settings.endpoint() + " (" + e + ")", e);
    }

    private ModelException offlineMiss(String repository, String revision, String file) {
        return new MissingException(repository + "/" + file + " at revision " + revision
            + " is not in the cache " + cache.root() + ", and the Hub is not asked in offline mode");
    }

    /** A revision is one path segment: {@code refs/pr/1} becomes {@code refs%2Fpr%2F1}, as the Hub expects. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String file) {
        return java.util.Arrays.stream(file.split("/")).map(HubClient::encode)
            .collect(java.util.stream.Collectors.joining("/"));
    }

    private static Path join(CompletableFuture<Path> running) {
        try {
            return running.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, null, "interrupted while waiting for a download", e);
        }
    }
}
