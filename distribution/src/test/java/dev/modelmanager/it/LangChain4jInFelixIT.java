package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleRevision;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.FinishReason;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;

/**
 * The LangChain4j adapter bundle the distribution ships, inside Felix with the DJL and llama.cpp providers: a
 * registered model appears as LangChain4j services with its model.id (the bundle that gets one holds the model's
 * reference itself), serves through the manager, and goes away with the model.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LangChain4jInFelixIT {
    private static final String ADAPTER = "dev.modelmanager.langchain4j";

    @Inject
    private ModelManager manager;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(FelixOptions.distribution(false, true, true),
            systemProperty("minilm.jar").value(System.getProperty("minilm.jar")),
            systemProperty("shared.models").value(System.getProperty("shared.models")),
            systemProperty("de.kherud.llama.tmpdir").value(System.getProperty("de.kherud.llama.tmpdir")),
            systemProperty("DJL_CACHE_DIR").value(Path.of("target", "djl-cache").toAbsolutePath().toString()));
    }

    @Test
    public void anEmbeddingModelServiceAppearsForARegisteredMiniLmEmbedsAndLeavesWithIt() throws Exception {
        Bundle adapter = bundle(ADAPTER);
        assertThat(adapter.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(FrameworkUtil.getBundle(EmbeddingModel.class)).as("LangChain4j's classes come from the adapter")
            .isEqualTo(adapter);
        assertThat(adapter.adapt(BundleRevision.class).getDeclaredCapabilities("osgi.wiring.package").stream()
            .filter(c -> "dev.langchain4j.model.chat".equals(c.getAttributes().get("osgi.wiring.package")))
            .map(c -> c.getAttributes().get("version").toString())).containsExactly("1.20.0");

        // Released models leave at once (idle timeout 0), and their LangChain4j services with them.
        manager.register("lc-minilm", ModelRequirement.builder(ModelType.EMBEDDING,
                "sentence-transformers/all-MiniLM-L6-v2").dimension(384).idleTimeout(Duration.ZERO)
            .source(new ModelSource.Classpath(System.getProperty("minilm.jar"), List.of(
                "onnx/model.onnx=all-minilm-l6-v2-q.onnx", "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json")))
            .build(), "it");
        ServiceReference<EmbeddingModel> ref = await(EmbeddingModel.class, "lc-minilm");
        assertThat(ref.getProperty("model.name")).isEqualTo("sentence-transformers/all-MiniLM-L6-v2");
        assertThat(ref.getProperty("model.type")).isEqualTo("embedding");
        assertThat(manager.info("lc-minilm").requesters()).as("publishing holds no reference").containsExactly("it");

        EmbeddingModel minilm = context.getService(ref);
        String me = context.getBundle().getSymbolicName();
        assertThat(manager.info("lc-minilm").requesters()).as("the getter holds its own")
            .containsExactlyInAnyOrder("it", me);
        List<float[]> vectors = minilm.embedAll(List.of(TextSegment.from("the cat sat on the mat"),
            TextSegment.from("a kitten rests on a rug"), TextSegment.from("stock markets fell sharply"))).content()
            .stream().map(e -> e.vector()).toList();
        assertThat(minilm.dimension()).isEqualTo(384);
        assertThat(vectors.get(0)).containsExactly(manager.embed("lc-minilm", List.of("the cat sat on the mat"))
            .vectors().get(0));
        assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)));
        context.ungetService(ref);
        assertThat(manager.info("lc-minilm").requesters()).as("given back with the service").containsExactly("it");

        manager.release("lc-minilm", "it");
        awaitGone(EmbeddingModel.class, "lc-minilm");
    }

    @Test
    public void chatAndStreamingChatServicesAppearForARegisteredGgufAndAnswer() throws Exception {
        manager.register("lc-stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(Path.of(System.getProperty("shared.models"), "stories260K.gguf").toString()).temperature(0.0)
            .idleTimeout(Duration.ZERO).build(), "it");
        ServiceReference<ChatModel> chatRef = await(ChatModel.class, "lc-stories");
        ServiceReference<StreamingChatModel> streamingRef = await(StreamingChatModel.class, "lc-stories");
        ChatModel chat = context.getService(chatRef);
        assertThat(manager.info("lc-stories").requesters()).containsExactlyInAnyOrder("it",
            context.getBundle().getSymbolicName());
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
            .maxOutputTokens(16).build();
        ChatResponse answer = chat.chat(request);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(answer.tokenUsage().outputTokenCount()).isEqualTo(16);

        StringBuilder streamed = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        context.getService(streamingRef).chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                streamed.append(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        assertThat(done.get(60, TimeUnit.SECONDS).aiMessage().text()).isEqualTo(streamed.toString())
            .isEqualTo(answer.aiMessage().text());
        context.ungetService(chatRef);
        context.ungetService(streamingRef);
        manager.release("lc-stories", "it");
        awaitGone(ChatModel.class, "lc-stories");
        awaitGone(StreamingChatModel.class, "lc-stories");
    }

    @SuppressWarnings("unchecked")
    private <S> ServiceReference<S> await(Class<S> type, String modelId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ServiceReference<?>[] refs;
        while ((refs = context.getServiceReferences(type.getName(), "(model.id=" + modelId + ")")) == null) {
            assertThat(System.nanoTime()).as("%s of %s published", type.getSimpleName(), modelId).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(refs).hasSize(1);
        return (ServiceReference<S>) refs[0];
    }

    private void awaitGone(Class<?> type, String modelId) throws Exception {
        String filter = "(model.id=" + modelId + ")";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (context.getServiceReferences(type.getName(), filter) != null) {
            assertThat(System.nanoTime()).as("%s of %s withdrawn", type.getSimpleName(), modelId).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private Bundle bundle(String symbolicName) {
        return java.util.Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
            .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
