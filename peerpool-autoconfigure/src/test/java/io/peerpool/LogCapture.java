package io.peerpool;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * Everything logged while it is open, as the text an application's log file would hold (messages
 * and full stack traces of every logger), with peerpool's own loggers at DEBUG so that a password
 * in a debug message is caught too.
 */
final class LogCapture implements AutoCloseable {

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new OutputStreamAppender<>();

	private final Logger root;

	private final Logger peerpool;

	private final Level peerpoolLevel;

	LogCapture() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n%ex{full}");
		encoder.start();
		this.appender.setContext(context);
		this.appender.setName("log-capture");
		this.appender.setEncoder(encoder);
		this.appender.setOutputStream(this.bytes);
		this.appender.start();
		this.root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		this.root.addAppender(this.appender);
		this.peerpool = context.getLogger("io.peerpool");
		this.peerpoolLevel = this.peerpool.getLevel();
		this.peerpool.setLevel(Level.DEBUG);
	}

	/** What was logged so far. */
	String text() {
		synchronized (this.bytes) {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}
	}

	@Override
	public void close() {
		this.root.detachAppender(this.appender);
		this.appender.stop();
		this.peerpool.setLevel(this.peerpoolLevel);
	}

}
