package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An auto-switching alias declared in {@code etc/} (factory PID {@code dev.modelmanager.alias}) is set up once its
 * candidates are registered, is listed with its policy over REST, and serves calls addressed to it.
 */
class DeclaredAliasIT {

    @Test
    void anAliasDeclaredInEtcMovesAmongItsCandidatesAndServesCalls() throws Exception {
        DistributionServer home = new DistributionServer("e2e-declared-alias");
        Files.writeString(home.home.resolve("etc/dev.modelmanager.alias-embedder.cfg"),
            "# the embedding model callers name 'embedder'\ncandidates=minilm\nthreshold=0.8\nwindow_seconds=30\n");
        try (DistributionServer server = home.start(Map.of())) {
            server.await("the alias is set up", Duration.ofSeconds(60), () -> {
                try {
                    return DistributionServer.JSON.readTree(server.get("/api/v1/aliases").body()).at("/aliases/embedder")
                        .asText().equals("minilm");
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode aliases = DistributionServer.JSON.readTree(server.get("/api/v1/aliases").body());
            assertThat(aliases.at("/policies/embedder/candidates/0").asText()).isEqualTo("minilm");
            assertThat(aliases.at("/policies/embedder/threshold").asDouble()).isEqualTo(0.8);
            assertThat(aliases.at("/policies/embedder/window_seconds").asInt()).isEqualTo(30);
            HttpResponse<String> r = server.send("POST", "/v1/embeddings",
                "{\"model\": \"embedder\", \"input\": \"A man is eating food.\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(DistributionServer.JSON.readTree(r.body()).at("/data/0/embedding").size()).isEqualTo(384);
            DistributionIT.Run listed = server.run("-c", "model:alias");
            assertThat(listed.out()).contains("embedder").contains("minilm (below 80% over 30 s, back when recovered)");
        }
    }
}
