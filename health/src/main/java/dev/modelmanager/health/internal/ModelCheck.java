package dev.modelmanager.health.internal;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;

/**
 * The health of one registered model, judged from its {@link ModelInfo} at each execution:
 * <ul>
 * <li>{@code OK} while it is loaded, and while it is simply not loaded (registered, unloading, unloaded): a model
 * that loads on first use and has not been used is not unhealthy;</li>
 * <li>{@code TEMPORARILY_UNAVAILABLE} while a call would have to wait or be refused for now: its files are being
 * fetched, it is loading, it waits for a provider, or it preloads and has not started yet;</li>
 * <li>{@code CRITICAL} when its last load failed, with the reason (the next use tries again).</li>
 * </ul>
 */
final class ModelCheck implements HealthCheck {
    private final ModelManager manager;
    private final String modelId;

    ModelCheck(ModelManager manager, String modelId) {
        this.manager = manager;
        this.modelId = modelId;
    }

    @Override
    public Result execute() {
        try {
            return judge(manager.info(modelId));
        } catch (ModelException e) {
            FormattingResultLog log = new FormattingResultLog();
            if (e.code() == ErrorCode.NOT_REGISTERED) {
                // Its check goes with its service, a moment after the id went.
                log.temporarilyUnavailable("{} is no longer registered", modelId);
            } else {
                log.healthCheckError("{}: {}", modelId, e.getMessage());
            }
            return new Result(log);
        }
    }

    /** The verdict on one snapshot of a model. */
    static Result judge(ModelInfo m) {
        FormattingResultLog log = new FormattingResultLog();
        log.info("{}: {} {}, {}, {} reference(s){}", m.modelId(), m.modelType().id(), m.name(), m.status(),
            m.referenceCount(), m.requesters().isEmpty() ? "" : " (" + String.join(", ", m.requesters()) + ")");
        switch (m.status()) {
            case LOADED -> {
                log.info("loaded on {} by {}: {} worker(s), {} call(s) running, {} queued", m.device(), m.provider(),
                    m.workers(), m.inFlight(), m.queued());
                if (m.deviceNote() != null) {
                    log.info("device: {}", m.deviceNote());
                }
            }
            case FAILED -> log.critical("its last load failed: {}",
                m.reason() == null ? "no reason given" : m.reason());
            case WAITING_FOR_PROVIDER -> log.temporarilyUnavailable("no installed provider can serve it{}: calls are "
                + "refused until one arrives", m.reason() == null ? "" : " (" + m.reason() + ")");
            case DOWNLOADING -> log.temporarilyUnavailable("its files are being fetched{}",
                m.progress() == null ? "" : ": " + m.progress());
            case LOADING -> log.temporarilyUnavailable("loading{}",
                m.provider() == null ? "" : " (" + m.provider() + ")");
            case REGISTERED -> {
                if (m.preloadWorkers() > 0) {
                    log.temporarilyUnavailable("preloads {} worker(s) and has not started loading yet",
                        m.preloadWorkers());
                } else {
                    log.info("not loaded: loads on first use");
                }
            }
            case UNLOADING -> log.info("unloading: calls already running finish; loads again on next use");
            case UNLOADED -> log.info("unloaded: loads again on next use");
            default -> log.warn("status {} is not known to this check", m.status());
        }
        if (m.failures() > 0) {
            log.info("{} of {} call(s) failed since registration", m.failures(), m.requests());
        }
        return new Result(log);
    }
}
