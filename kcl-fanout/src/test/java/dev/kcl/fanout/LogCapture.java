package dev.kcl.fanout;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what one class logs at INFO and above, for tests that assert what an operator would see. Close to detach. Thread-safe: logback
 * appends under the appender's lock, which the readers take too.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> type) {
        logger = (Logger) LoggerFactory.getLogger(type);
        appender.start();
        logger.addAppender(appender);
    }

    static LogCapture of(Class<?> type) {
        return new LogCapture(type);
    }

    /** Messages, formatted, logged at exactly this level. */
    List<String> at(Level level) {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(e -> e.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    /** Messages logged at WARN or ERROR. */
    List<String> warningsAndErrors() {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .toList();
        }
    }

    /** Every formatted message. */
    List<String> messages() {
        synchronized (appender) {
            return appender.list.stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
