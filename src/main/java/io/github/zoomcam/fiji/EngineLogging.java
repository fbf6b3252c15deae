package io.github.zoomcam.fiji;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.LoggerFactory;

/**
 * Keeps DJL's own log lines out of Fiji's console. DJL logs through SLF4J, which Fiji binds to logback: its
 * INFO lines (platform, thread counts, graph executor) and the WARN of its GPU probe on machines without a
 * usable CUDA driver ("Failed to detect GPU count: CUDA driver version is insufficient") open the Console
 * window on the first use of every session. Zoom-CAM logs the device it uses itself, in one line.
 *
 * <p>Only loggers nobody has configured are changed: DJL to WARN, its CUDA probe to ERROR. A level set in
 * Fiji's logback configuration wins, and {@code -Dzoomcam.engineLogging=keep} leaves DJL's loggers alone.
 * Logback is reached by reflection (getLevel, setLevel, Level.toLevel), so no SLF4J provider is shipped
 * or required; with another provider nothing is changed.</p>
 */
final class EngineLogging {

	static final String PROPERTY = "zoomcam.engineLogging";
	static final String DJL = "ai.djl";
	static final String CUDA_PROBE = "ai.djl.util.cuda";

	private EngineLogging() {}

	/** Quietens DJL's loggers as described above; returns "logger=LEVEL" for each logger changed. */
	static synchronized List<String> quiet() {
		final List<String> changed = new ArrayList<>();
		if ("keep".equalsIgnoreCase(System.getProperty(PROPERTY))) return changed;
		try {
			if (setLevelIfUnset(LoggerFactory.getLogger(DJL), "WARN")) changed.add(DJL + "=WARN");
			if (setLevelIfUnset(LoggerFactory.getLogger(CUDA_PROBE), "ERROR")) changed.add(CUDA_PROBE + "=ERROR");
		}
		catch (final RuntimeException | LinkageError e) {
			// no SLF4J at all: nothing to quieten
		}
		return changed;
	}

	/**
	 * Sets a logback-style logger (getLevel(), setLevel(L), static L.toLevel(String)) to a level when it has
	 * none of its own. Returns whether it was changed.
	 */
	static boolean setLevelIfUnset(final Object logger, final String level) {
		try {
			final Method getLevel = logger.getClass().getMethod("getLevel");
			if (getLevel.invoke(logger) != null) return false;
			final Class<?> levelType = getLevel.getReturnType();
			final Object value = levelType.getMethod("toLevel", String.class).invoke(null, level);
			logger.getClass().getMethod("setLevel", levelType).invoke(logger, value);
			return true;
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			return false;
		}
	}
}
