package dev.modelmanager.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log: what bundles write to the OSGi Log Service (Declarative Services' activation errors, Event Admin, File
 * Install, Config Admin) and what Felix itself reports go through SLF4J into {@code data/log/modelmanager.log}
 * instead of the console.
 *
 * <p>The Log Service is Felix's (a bundle); its API packages come from the launcher's class path through the
 * system bundle, so the listener registered here and the bundle share one {@code org.osgi.service.log}.
 */
final class LogBridge {
    /** Logger name prefix of the entries the Log Service makes from framework, bundle and service events. */
    private static final String EVENTS = "Events.";
    /** Where framework, bundle and service events go (at DEBUG unless they report a failure). */
    private static final Logger EVENT_LOG = LoggerFactory.getLogger("osgi.events");

    private LogBridge() {
    }

    /** Listens to every Log Service that registers, from now until the framework stops. */
    static void attach(BundleContext context) {
        LogListener listener = LogBridge::forward;
        new ServiceTracker<LogReaderService, LogReaderService>(context, LogReaderService.class, null) {
            @Override
            public LogReaderService addingService(ServiceReference<LogReaderService> reference) {
                LogReaderService reader = super.addingService(reference);
                if (reader != null) {
                    reader.addLogListener(listener);
                }
                return reader;
            }

            @Override
            public void removedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
                reader.removeLogListener(listener);
                super.removedService(reference, reader);
            }
        }.open();
    }

    static void forward(LogEntry entry) {
        String name = entry.getLoggerName();
        Bundle bundle = entry.getBundle();
        String bsn = bundle == null || bundle.getSymbolicName() == null ? "osgi" : bundle.getSymbolicName();
        String message = entry.getMessage();
        Throwable error = entry.getException();
        if (isEvent(name, message)) {
            // "BundleEvent STARTED", "ServiceEvent REGISTERED": a line per bundle and service at every start is
            // noise at INFO; failures (FrameworkEvent ERROR, WARNING) keep their level.
            LogLevel level = LogLevel.WARN.implies(entry.getLogLevel()) ? entry.getLogLevel() : LogLevel.DEBUG;
            log(EVENT_LOG, level, bsn + ": " + message, error);
            return;
        }
        if (name == null || name.isEmpty() || name.startsWith("LogService")) {
            name = bsn;
        }
        log(LoggerFactory.getLogger(name), entry.getLogLevel(), message, error);
    }

    private static boolean isEvent(String name, String message) {
        return name != null && name.startsWith(EVENTS) || message != null
            && (message.startsWith("BundleEvent ") || message.startsWith("ServiceEvent ")
                || message.startsWith("FrameworkEvent "));
    }

    private static void log(Logger logger, LogLevel level, String message, Throwable error) {
        switch (level) {
            case AUDIT, ERROR -> logger.error(message, error);
            case WARN -> logger.warn(message, error);
            case INFO -> logger.info(message, error);
            case DEBUG -> logger.debug(message, error);
            default -> logger.trace(message, error);
        }
    }

    /**
     * Felix's own diagnostics (a bundle that fails to resolve or start, a listener that throws) through SLF4J: set as
     * the framework's {@code felix.log.logger}. {@code felix.log.level} still chooses how much it reports.
     */
    static final class FelixLogger extends org.apache.felix.framework.Logger {
        private static final Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

        @Override
        protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
            String text = bundle == null || bundle.getBundleId() == 0 ? msg
                : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]: " + msg;
            switch (level) {
                case LOG_ERROR -> LOG.error(text, throwable);
                case LOG_WARNING -> LOG.warn(text, throwable);
                case LOG_INFO -> LOG.info(text, throwable);
                default -> LOG.debug(text, throwable);
            }
        }
    }
}
