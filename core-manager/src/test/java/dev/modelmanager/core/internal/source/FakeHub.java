package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for the Hugging Face Hub, serving its URL layout with its headers:
 * {@code /{repo}/resolve/{revision}/{file}} answers {@code X-Repo-Commit}; regular files carry their git blob id
 * as {@code ETag}; LFS files redirect (302) to a second server standing for the CDN, announcing
 * {@code X-Linked-Etag} (SHA-256) and {@code X-Linked-Size}; "moved" files redirect (307) to a host-relative
 * {@code /api/resolve-cache/...} URL. Gated repositories want {@code Authorization: Bearer <token>}.
 */
public final class FakeHub implements AutoCloseable {
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    record HubFile(byte[] content, boolean lfs, boolean moved, String announcedEtag) {
    }

    record Request(String server, String method, String path, String authorization, String range) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Map<String, HubFile>> repos = new ConcurrentHashMap<>();
    private final Map<String, String> gated = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Bytes after which the next GET is cut off (connection closed), or -1. */
    volatile int cutAfter = -1;
    /** Milliseconds to pause between 16 KiB chunks of a body (slow downloads). */
    public volatile int chunkDelayMs;
    /** How long a cut-off response holds the connection before the server gives up on it. */
    volatile int stallMs = 3000;
    public final AtomicInteger bodiesServed = new AtomicInteger();

    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cdn.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hub.start();
        cdn.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    public FakeHub file(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(path, new HubFile(content, false, false, null));
        return this;
    }

    public FakeHub lfsFile(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(path, new HubFile(content, true, false, null));
        return this;
    }

    FakeHub movedFile(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(path, new HubFile(content, false, true, null));
        return this;
    }

    /** An LFS file whose announced checksum does not match what is served. */
    FakeHub corruptFile(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>())
            .put(path, new HubFile(content, true, false, sha256("something else".getBytes(StandardCharsets.UTF_8))));
        return this;
    }

    public FakeHub gated(String repo, String token) {
        gated.put(repo, token);
        return this;
    }

    /** {@code /api/models/{org}/{name}/tree/{revision}?recursive=true[&cursor=n]}: the files, paged. */
    private void tree(HttpExchange ex, String path) throws IOException {
        String[] parts = path.substring("/api/models/".length()).split("/");
        String repo = parts[0] + "/" + parts[1];
        Map<String, HubFile> files = repos.get(repo);
        if (files == null) {
            answer(ex, 404, Map.of("X-Error-Code", "RepoNotFound"));
            return;
        }
        String query = ex.getRequestURI().getRawQuery();
        int from = 0;
        if (query != null && query.contains("cursor=")) {
            from = Integer.parseInt(query.substring(query.indexOf("cursor=") + 7).split("&")[0]);
        }
        List<String> names = new java.util.ArrayList<>(new java.util.TreeSet<>(files.keySet()));
        int to = Math.min(names.size(), from + treePageSize);
        StringBuilder json = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            String name = names.get(i);
            json.append(i == from ? "" : ",").append("{\"type\":\"file\",\"path\":\"").append(name)
                .append("\",\"size\":").append(files.get(name).content().length).append("}");
        }
        json.append("]");
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (to < names.size()) {
            ex.getResponseHeaders().add("Link", "<" + endpoint() + path + "?recursive=true&cursor=" + to
                + ">; rel=\"next\"");
        }
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    public long count(String method, String server) {
        return requests.stream().filter(r -> r.method().equals(method) && r.server().equals(server)).count();
    }

    public static String sha256(byte[] content) {
        return digest("SHA-256", new byte[0], content);
    }

    static String gitBlobId(byte[] content) {
        return digest("SHA-1", ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII), content);
    }

    private static String digest(String algorithm, byte[] prefix, byte[] content) {
        try {
            MessageDigest d = MessageDigest.getInstance(algorithm);
            d.update(prefix);
            d.update(content);
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Files per page of the tree API (the Hub pages with a Link header). */
    volatile int treePageSize = 1000;

    private void hub(HttpExchange ex) throws IOException {
        record(ex, "hub");
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/api/models/") && path.contains("/tree/")) {
            tree(ex, path);
            return;
        }
        boolean cached = path.startsWith("/api/resolve-cache/models/");
        String[] parts = (cached ? path.substring("/api/resolve-cache/models/".length()) : path.substring(1)).split("/", 5);
        // /{org}/{name}/resolve/{rev}/{file} or /api/resolve-cache/models/{org}/{name}/{commit}/{file}
        String repo = parts[0] + "/" + (parts.length > 1 ? parts[1] : "");
        String file = cached ? (parts.length > 3 ? parts[3] + (parts.length > 4 ? "/" + parts[4] : "") : "")
            : (parts.length > 4 ? java.net.URLDecoder.decode(parts[4], StandardCharsets.UTF_8) : "");
        if (!cached && (parts.length < 5 || !"resolve".equals(parts[2]))) {
            answer(ex, 404, Map.of("X-Error-Code", "RepoNotFound"));
            return;
        }
        String token = gated.get(repo);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (token != null && auth == null) {
            answer(ex, 401, Map.of("X-Error-Code", "GatedRepo"));
            return;
        }
        if (token != null && !auth.equals("Bearer " + token)) {
            answer(ex, 403, Map.of("X-Error-Code", "GatedRepo"));
            return;
        }
        Map<String, HubFile> files = repos.get(repo);
        if (files == null) {
            answer(ex, 404, Map.of("X-Error-Code", "RepoNotFound"));
            return;
        }
        HubFile f = files.get(file);
        if (f == null) {
            answer(ex, 404, Map.of("X-Error-Code", "EntryNotFound"));
            return;
        }
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (f.moved() && !cached) {
            answer(ex, 307, Map.of("Location", "/api/resolve-cache/models/" + repo + "/" + COMMIT + "/" + file));
            return;
        }
        if (f.lfs()) {
            String etag = f.announcedEtag() != null ? f.announcedEtag() : sha256(f.content());
            answer(ex, 302, Map.of("X-Linked-Etag", "\"" + etag + "\"", "X-Linked-Size", "" + f.content().length,
                "ETag", "\"" + gitBlobId(("version https://git-lfs ... " + etag).getBytes(StandardCharsets.UTF_8)) + "\"",
                "Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/blobs/" + repo + "/" + file));
            return;
        }
        ex.getResponseHeaders().add("ETag", "\"" + gitBlobId(f.content()) + "\"");
        body(ex, f.content());
    }

    private void cdn(HttpExchange ex) throws IOException {
        record(ex, "cdn");
        String[] parts = ex.getRequestURI().getPath().substring("/blobs/".length()).split("/", 3);
        HubFile f = repos.get(parts[0] + "/" + parts[1]).get(parts[2]);
        body(ex, f.content());
    }

    private void body(HttpExchange ex, byte[] content) throws IOException {
        if ("HEAD".equals(ex.getRequestMethod())) {
            answer(ex, 200, Map.of());
            return;
        }
        int from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            from = Integer.parseInt(range.substring(6, range.indexOf('-')));
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        bodiesServed.incrementAndGet();
        int length = content.length - from;
        ex.sendResponseHeaders(status, length);
        int cut = cutAfter;
        cutAfter = -1;
        try (OutputStream out = ex.getResponseBody()) {
            int end = cut >= 0 ? Math.min(content.length, from + cut) : content.length;
            for (int i = from; i < end; i += 16384) {
                out.write(content, i, Math.min(16384, end - i));
                out.flush();
                if (chunkDelayMs > 0) {
                    Thread.sleep(chunkDelayMs);
                }
            }
            if (cut >= 0) {
                // Stop sending half way and hold the connection, as a broken transfer looks to the client.
                Thread.sleep(stallMs);
                throw new IOException("cut off on purpose");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException cutOff) {
            ex.close();
        }
    }

    private static void answer(HttpExchange ex, int status, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    private void record(HttpExchange ex, String server) {
        requests.add(new Request(server, ex.getRequestMethod(), ex.getRequestURI().getPath(),
            ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Range")));
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
