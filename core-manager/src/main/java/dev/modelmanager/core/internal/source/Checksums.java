package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks a downloaded file against the checksum the Hub announced for it: LFS files carry the SHA-256 of their
 * content ({@code X-Linked-Etag}), regular files the git blob id (SHA-1 of {@code "blob <size>\0" + content}).
 */
final class Checksums {
    private Checksums() {
    }

    /** {@code "abc"}, {@code W/"abc"} and {@code abc} all become {@code abc}. */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** Whether the etag is a checksum this class can verify. */
    static boolean verifiable(String etag) {
        return etag != null && (etag.matches("[0-9a-f]{64}") || etag.matches("[0-9a-f]{40}"));
    }

    /** The checksum of {@code file} in the etag's form, to compare with it. */
    static String of(Path file, String etag) throws IOException {
        try {
            MessageDigest digest;
            if (etag.length() == 64) {
                digest = MessageDigest.getInstance("SHA-256");
            } else {
                digest = MessageDigest.getInstance("SHA-1");
                digest.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
