package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.testsupport.OrderedProvider;

/**
 * Two HTTP clients share a busy model fairly: every REST call comes through the bundle's one view of the manager, and
 * each client (its address) takes turns of its own, so the 2 completions of one run between the 10 of the other
 * instead of after them; what they used is still counted for the bundle. The model has one worker, and its first
 * call holds it until every request waits, so the order the model ran the prompts in is the order of the turns.
 */
class ClientTurnsTest {

    /** A completion request sent from {@code from}, its answer read later. */
    private static Socket send(String from, int port, String prompt) throws IOException {
        return send(from, port, prompt, "");
    }

    /** The same with extra header lines ({@code "X-Forwarded-For: 1.2.3.4\r\n"}). */
    private static Socket send(String from, int port, String prompt, String headers) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        byte[] body = ("{\"model\": \"story\", \"prompt\": \"" + prompt + "\"}").getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + body.length + "\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    private static String answer(Socket socket) throws IOException {
        try (socket; InputStream in = socket.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static boolean canSendFrom(String address) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void twoClientsTakeTurnsOnABusyModelAndCountForTheBundle() throws Exception {
        // Linux answers the whole of 127.0.0.0/8 on the loopback device; elsewhere 127.0.0.2 may not exist.
        assumeTrue(canSendFrom("127.0.0.2"), "127.0.0.2 is not a local address here");
        List<String> ran = tenThenTwo(TrustedProxies.NONE, "127.0.0.1", "", "127.0.0.2", "");
        List<String> expected = new ArrayList<>(List.of("a0", "a1", "b0", "a2", "b1"));
        for (int i = 3; i < 10; i++) {
            expected.add("a" + i);
        }
        assertThat(ran).as("127.0.0.2's calls ran 3rd and 5th of 12, not after 127.0.0.1's 10")
            .containsExactlyElementsOf(expected);
    }

    @Test
    void behindATrustedProxyEachForwardedClientTakesTurnsOfItsOwn() throws Exception {
        List<String> ran = tenThenTwo(TrustedProxies.of("127.0.0.1"), "127.0.0.1", "X-Forwarded-For: 203.0.113.1\r\n",
            "127.0.0.1", "X-Forwarded-For: 203.0.113.2\r\n");
        assertThat(ran).as("two clients behind one proxy").startsWith("a0", "a1", "b0", "a2", "b1");
    }

    @Test
    void anUntrustedSenderCannotChooseWhomItCountsAs() throws Exception {
        List<String> ran = tenThenTwo(TrustedProxies.of("10.9.9.9"), "127.0.0.1", "X-Forwarded-For: 203.0.113.1\r\n",
            "127.0.0.1", "X-Forwarded-For: 203.0.113.2\r\n");
        assertThat(ran).as("one client, whatever it forwards: first come, first served")
            .startsWith("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0", "b1");
    }

    /**
     * Ten completions sent from {@code a} (with {@code aHeaders}), then two from {@code b}, while the model's one
     * worker is held: the order the model ran them in.
     */
    private static List<String> tenThenTwo(TrustedProxies proxies, String a, String aHeaders, String b,
                                           String bHeaders) throws Exception {
        OrderedProvider provider = new OrderedProvider(100);
        try (RestServer server = new RestServer(s -> s.withQueue(1, 50))) {
            server.settings.set(RestSettings.DEFAULTS.withTrustedProxies(proxies));
            server.manager.bindProvider(provider, Map.of("service.id", 2L));
            server.manager.register("story", ModelRequirement.builder(ModelType.TEXT_GENERATION, "ggml-org/models")
                .build(), "t");
            server.manager.load("story", Duration.ofSeconds(10));
            int port = java.net.URI.create(server.base).getPort();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    open.add(send(a, port, "a" + i, aHeaders));
                    int sent = i + 1;
                    await("a's call " + i, () -> server.manager.info("story").inFlight() == sent);
                }
                for (int i = 0; i < 2; i++) {
                    open.add(send(b, port, "b" + i, bHeaders));
                    int sent = 11 + i;
                    await("b's call " + i, () -> server.manager.info("story").inFlight() == sent);
                }
                provider.gate.countDown();
                for (Socket s : open) {
                    assertThat(answer(s)).startsWith("HTTP/1.1 200");
                }
            } finally {
                provider.gate.countDown();
                for (Socket s : open) {
                    s.close();
                }
            }
            assertThat(server.manager.usage().stream().filter(u -> u.modelId().equals("story")))
                .extracting(RequesterUsage::requester).as("counted for the bundle (here the manager itself)")
                .containsExactly(RequesterUsage.DIRECT);
            return List.copyOf(provider.ran);
        }
    }
}
