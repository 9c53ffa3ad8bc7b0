package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * The files of a Hub repository at a revision: the Hub's tree API ({@code /api/models/{repo}/tree/{revision}
 * ?recursive=true}, following its {@code Link: rel="next"} pages), or, offline or when the Hub cannot be reached, the
 * files the cache holds for that revision.
 */
final class HubTree {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int MAX_PAGES = 100;

    private HubTree() {
    }

    static List<String> files(HubClient hub, String repository, String revision) {
        if (hub.settings().offline()) {
            return cached(hub, repository, revision).orElseThrow(() -> new HubClient.MissingException(
                "the files of " + repository + " at revision " + revision + " are not in the cache "
                    + hub.cache().root() + ", and the Hub is not asked in offline mode"));
        }
        URI uri = hub.endpoint().resolve("api/models/" + repository + "/tree/" + HubClient.encode(revision)
            + "?recursive=true");
        List<String> files = new ArrayList<>();
        for (int page = 0; uri != null && page < MAX_PAGES; page++) {
            HttpResponse<String> response;
            try {
                response = hub.getText(uri);
            } catch (HubClient.UnreachableException e) {
                Optional<List<String>> local = cached(hub, repository, revision);
                if (local.isPresent()) {
                    return local.get();
                }
                throw e;
            }
            if (response.statusCode() != 200) {
                throw hub.failure(response.statusCode(), response.headers().firstValue("X-Error-Code").orElse(""),
                    repository, " at revision " + revision);
            }
            try {
                JsonNode list = JSON.readTree(response.body());
                if (!list.isArray()) {
                    throw new IOException("not a list");
                }
                for (JsonNode item : list) {
                    if ("file".equals(item.path("type").asText()) && item.hasNonNull("path")) {
                        files.add(item.get("path").asText());
                    }
                }
            } catch (IOException e) {
                throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "the Hub's file list of " + repository
                    + " could not be read (" + e.getMessage() + "); is " + hub.settings().endpoint() + " a Hugging Face Hub?");
            }
            URI current = uri;
            uri = response.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find)
                .map(m -> current.resolve(m.group(1))).orElse(null);
        }
        if (uri != null) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, repository + " lists more than " + MAX_PAGES
                + " pages of files; name the file with files= instead of quant=");
        }
        return List.copyOf(files);
    }

    /** The files the cache holds for the revision, never asking the Hub. */
    static Optional<List<String>> cachedFiles(HubClient hub, String repository, String revision) {
        return cached(hub, repository, revision);
    }

    /** The files the cache holds for the revision (its snapshot), if it knows the revision. */
    private static Optional<List<String>> cached(HubClient hub, String repository, String revision) {
        Optional<String> commit = hub.cache().commitOf(repository, revision);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        Path snapshot = hub.cache().snapshot(repository, commit.get(), "");
        if (!Files.isDirectory(snapshot)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.walk(snapshot)) {
            return Optional.of(all.filter(Files::isRegularFile).map(p -> snapshot.relativize(p).toString()
                .replace('\\', '/')).sorted().toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
