package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;

class TrustedProxiesTest {

    /** A request from {@code peer} with these headers (name to its values). */
    private static HttpServletRequest request(String peer, Map<String, List<String>> headers) {
        return (HttpServletRequest) Proxy.newProxyInstance(TrustedProxiesTest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getRemoteAddr" -> peer;
                case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
                default -> null;
            });
    }

    @Test
    void addressesAndRangesAreComparedAsNumbers() {
        TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8, 192.168.1.7", "fd00::/8", "::1");
        assertThat(proxies.trusts("10.200.3.4")).isTrue();
        assertThat(proxies.trusts("11.0.0.1")).isFalse();
        assertThat(proxies.trusts("192.168.1.7")).isTrue();
        assertThat(proxies.trusts("192.168.1.8")).isFalse();
        assertThat(proxies.trusts("fd12:3456::1")).isTrue();
        assertThat(proxies.trusts("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(proxies.trusts("fe80::1")).isFalse();
        assertThat(proxies.trusts("localhost")).as("names are never looked up").isFalse();
        assertThat(proxies.trusts("unknown")).isFalse();
        assertThat(TrustedProxies.of("172.16.0.0/12").trusts("172.31.255.255")).isTrue();
        assertThat(TrustedProxies.of("172.16.0.0/12").trusts("172.32.0.0")).isFalse();
        assertThat(proxies.toString()).isEqualTo("10.0.0.0/8,192.168.1.7,fd00::/8,::1");
    }

    @Test
    void aBadEntryIsRefusedNamingTheKeyAndTheEntry() {
        assertThatThrownBy(() -> TrustedProxies.of("proxy.example.com"))
            .hasMessage("trusted.proxies: 'proxy.example.com' is not an IP address or CIDR range (names are not looked up)");
        assertThatThrownBy(() -> TrustedProxies.of("10.0.0.0/33"))
            .hasMessage("trusted.proxies: '10.0.0.0/33' has a prefix length outside 0-32");
        assertThat(TrustedProxies.of("", " , ").isEmpty()).isTrue();
    }

    @Test
    void theClientIsTheNearestForwardedAddressNotTrustedAndOnlyBehindATrustedPeer() {
        TrustedProxies proxies = TrustedProxies.of("127.0.0.1", "10.0.0.0/8");
        assertThat(proxies.client(request("127.0.0.1", Map.of("X-Forwarded-For", List.of("203.0.113.9")))))
            .isEqualTo("203.0.113.9");
        // A client may put anything in front; the nearest untrusted hop is the one the trusted proxies saw.
        assertThat(proxies.client(request("127.0.0.1", Map.of("X-Forwarded-For",
            List.of("1.2.3.4, 198.51.100.2", "10.1.1.1"))))).isEqualTo("198.51.100.2");
        assertThat(proxies.client(request("198.51.100.7", Map.of("X-Forwarded-For", List.of("1.2.3.4")))))
            .as("an untrusted peer's header is ignored").isEqualTo("198.51.100.7");
        assertThat(proxies.client(request("127.0.0.1", Map.of()))).isEqualTo("127.0.0.1");
        assertThat(proxies.client(request("127.0.0.1", Map.of("Forwarded",
            List.of("for=192.0.2.60;proto=http;by=203.0.113.43", "for=\"[2001:db8:cafe::17]:4711\"")))))
            .isEqualTo("2001:db8:cafe::17");
        assertThat(proxies.client(request("127.0.0.1", Map.of("X-Forwarded-For", List.of("10.0.0.3")))))
            .as("every hop trusted: the farthest").isEqualTo("10.0.0.3");
        assertThat(TrustedProxies.NONE.client(request("127.0.0.1", Map.of("X-Forwarded-For", List.of("1.2.3.4")))))
            .isEqualTo("127.0.0.1");
    }
}
