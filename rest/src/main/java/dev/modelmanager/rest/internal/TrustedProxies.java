package dev.modelmanager.rest.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The reverse proxies the operator vouches for ({@code trusted.proxies}: addresses and CIDR ranges), and who a request
 * came from through them: when the peer is one of them, the nearest address in {@code X-Forwarded-For} (else RFC
 * 7239 {@code Forwarded: for=}) that is not; otherwise the peer itself, whatever headers it sends (a client must not
 * choose whom it counts as). Only for taking turns: access rules (loopback, API key) always look at the peer.
 * Addresses are compared as numbers; nothing is ever looked up in DNS.
 */
final class TrustedProxies {
    static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<Range> ranges;
    private final String text;

    private TrustedProxies(List<Range> ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    /**
     * @param entries addresses ({@code 10.0.0.5}, {@code ::1}) and ranges ({@code 10.0.0.0/8}, {@code fd00::/8})
     * @throws IllegalArgumentException naming {@code trusted.proxies} and the entry that is neither
     */
    static TrustedProxies of(String... entries) {
        List<Range> ranges = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String given : entries == null ? new String[0] : entries) {
            for (String entry : given.split(",")) {
                String e = entry.strip();
                if (e.isEmpty()) {
                    continue;
                }
                ranges.add(Range.parse(e));
                kept.add(e);
            }
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(List.copyOf(ranges), String.join(",", kept));
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (an IP literal) is one of the trusted proxies; anything else is not. */
    boolean trusts(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** Who the request came from: see the class comment. */
    String client(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (ranges.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> hops = hops(request, "X-Forwarded-For", false);
        if (hops.isEmpty()) {
            hops = hops(request, "Forwarded", true);
        }
        // From the nearest hop outwards: the first one the operator does not vouch for is the client.
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!trusts(hops.get(i))) {
                return hops.get(i);
            }
        }
        return hops.isEmpty() ? peer : hops.get(0);
    }

    /** Every address a header lists, farthest first, over all its occurrences. */
    private static List<String> hops(HttpServletRequest request, String header, boolean forwarded) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> values = request.getHeaders(header);
        for (String value : values == null ? Collections.<String>emptyList() : Collections.list(values)) {
            for (String element : value.split(",")) {
                String hop = forwarded ? forwardedFor(element) : element.strip();
                if (hop != null && !hop.isEmpty()) {
                    hops.add(hop.length() > 64 ? hop.substring(0, 64) : hop);
                }
            }
        }
        return hops;
    }

    /** The {@code for=} of one RFC 7239 element, without quotes, brackets or port; {@code null} when it has none. */
    private static String forwardedFor(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                String v = pair.substring(eq + 1).strip();
                if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
                    v = v.substring(1, v.length() - 1);
                }
                if (v.startsWith("[")) {
                    int close = v.indexOf(']');
                    return close > 0 ? v.substring(1, close) : v;
                }
                int colon = v.indexOf(':');
                return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
            }
        }
        return null;
    }

    /** The address's bytes when it is an IPv4 or IPv6 literal, else {@code null} (never a DNS lookup). */
    static byte[] literal(String address) {
        if (address == null) {
            return null;
        }
        String a = address.strip();
        boolean v4 = IPV4.matcher(a).matches();
        boolean v6 = !v4 && a.indexOf(':') >= 0 && a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':'
            || c == '.' || c == '%');
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "none" : text;
    }

    /** One address or CIDR range. */
    private record Range(byte[] network, int bits) {
        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalArgumentException("trusted.proxies: '" + entry
                    + "' is not an IP address or CIDR range (names are not looked up)");
            }
            int bits = bytes.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1).strip());
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException("trusted.proxies: '" + entry + "' has a prefix length outside 0-"
                        + bytes.length * 8);
                }
            }
            return new Range(bytes, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
