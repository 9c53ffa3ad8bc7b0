package dev.modelmanager.langchain4j.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.langchain4j.ManagedModels;

/**
 * The whiteboard: for every model service of the manager ({@link EmbeddingModelRef}, {@link GeneratorRef}) the
 * matching LangChain4j services ({@link EmbeddingModel}; {@link ChatModel} and {@link StreamingChatModel}) with the
 * same {@code model.id}, {@code model.type} and {@code model.name}, gone with it.
 *
 * <p>The model services are bound as references and never got here, so this bundle holds no model. Each
 * LangChain4j service is a bundle-scoped factory: the bundle that gets it gets the model's handle with its own
 * context, so the reference is that bundle's (it shows among the model's requesters, and is given back when the
 * bundle ungets the service or stops), exactly as if it had taken the handle service itself.
 */
// For resolvers: the services this component registers itself (bnd sees only those DS registers).
@Capability(namespace = "osgi.service",
    attribute = "objectClass:List<String>=\"dev.langchain4j.model.embedding.EmbeddingModel\"",
    uses = EmbeddingModel.class)
@Capability(namespace = "osgi.service",
    attribute = "objectClass:List<String>=\"dev.langchain4j.model.chat.ChatModel\"", uses = ChatModel.class)
@Capability(namespace = "osgi.service",
    attribute = "objectClass:List<String>=\"dev.langchain4j.model.chat.StreamingChatModel\"",
    uses = StreamingChatModel.class)
@Component(immediate = true)
public final class LangChain4jServices {
    private static final Logger LOG = LoggerFactory.getLogger(LangChain4jServices.class);

    private final BundleContext context;
    private final Map<ServiceReference<?>, List<ServiceRegistration<?>>> published = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public LangChain4jServices(BundleContext context) {
        this.context = context;
    }

    @Reference(service = EmbeddingModelRef.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC)
    void bindEmbedding(ServiceReference<EmbeddingModelRef> model) {
        publish(model, List.of(new Published<>(EmbeddingModel.class,
            ManagedModels::embeddingModel)));
    }

    void unbindEmbedding(ServiceReference<EmbeddingModelRef> model) {
        withdraw(model);
    }

    @Reference(service = GeneratorRef.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC)
    void bindGenerator(ServiceReference<GeneratorRef> model) {
        publish(model, List.of(
            new Published<>(ChatModel.class, h -> ManagedModels.chatModel(h, null)),
            new Published<>(StreamingChatModel.class, h -> ManagedModels.streamingChatModel(h, null))));
    }

    void unbindGenerator(ServiceReference<GeneratorRef> model) {
        withdraw(model);
    }

    /** Publish and withdraw one at a time: a model's unbind racing its bind must not leave its services behind. */
    private synchronized <R extends ModelRef> void publish(ServiceReference<R> model, List<Published<?, R>> services) {
        if (!active) {
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        for (String key : new String[] {ModelManagerConstants.MODEL_ID, ModelManagerConstants.MODEL_TYPE,
            ModelManagerConstants.MODEL_NAME}) {
            Object value = model.getProperty(key);
            if (value != null) {
                props.put(key, value);
            }
        }
        List<ServiceRegistration<?>> registrations = new ArrayList<>();
        try {
            for (Published<?, R> service : services) {
                props.put(Constants.SERVICE_DESCRIPTION, "LangChain4j " + service.type().getSimpleName()
                    + " of model " + model.getProperty(ModelManagerConstants.MODEL_ID));
                registrations.add(context.registerService(service.type().getName(),
                    new ConsumerScoped<>(model, service.adapt()), props));
            }
        } catch (IllegalStateException stopping) {
            LOG.debug("LangChain4j services of {} not published: the bundle is stopping",
                model.getProperty(ModelManagerConstants.MODEL_ID));
        }
        List<ServiceRegistration<?>> previous = published.put(model, registrations);
        if (previous != null) {
            unregister(previous);
        }
    }

    private synchronized void withdraw(ServiceReference<?> model) {
        List<ServiceRegistration<?>> registrations = published.remove(model);
        if (registrations != null) {
            unregister(registrations);
        }
    }

    private static void unregister(List<ServiceRegistration<?>> registrations) {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered with the bundle already
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        published.keySet().forEach(this::withdraw);
    }

    /** A LangChain4j service type and how it adapts the model's handle. */
    private record Published<S, R extends ModelRef>(Class<S> type, Function<R, ? extends S> adapt) {
    }

    /**
     * Each bundle that gets the LangChain4j service gets the model's handle service with its own context (its own
     * reference), adapted; ungetting it ungets the handle.
     */
    private static final class ConsumerScoped<R extends ModelRef> implements ServiceFactory<Object> {
        private final ServiceReference<R> model;
        private final Function<R, ?> adapt;

        ConsumerScoped(ServiceReference<R> model, Function<R, ?> adapt) {
            this.model = model;
            this.adapt = adapt;
        }

        @Override
        public Object getService(Bundle bundle, ServiceRegistration<Object> registration) {
            BundleContext consumer = bundle.getBundleContext();
            R handle = consumer == null ? null : consumer.getService(model);
            if (handle == null) {
                LOG.debug("Model {} went away before {} got its LangChain4j service",
                    model.getProperty(ModelManagerConstants.MODEL_ID), bundle.getSymbolicName());
                return null;
            }
            return adapt.apply(handle);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Object> registration, Object service) {
            BundleContext consumer = bundle.getBundleContext();
            if (consumer != null) {
                try {
                    consumer.ungetService(model);
                } catch (IllegalStateException stopped) {
                    // the consumer stopped: the framework gave its services back
                }
            }
        }
    }
}
