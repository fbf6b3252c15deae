package io.github.zoomcam.fiji;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.nio.file.Paths;

import org.scijava.Context;
import org.scijava.log.LogService;

/**
 * Run in its own JVM by {@link EngineLoggingTest}, with logback as the SLF4J provider (as in Fiji): starts a
 * SciJava context with the Zoom-CAM service, loads the bundle given as the argument on device=auto (which
 * starts DJL, probes for GPUs and runs the self-test's convolutions) and explains nothing more.
 */
public final class EngineLoggingProbe {

	private EngineLoggingProbe() {}

	public static void main(final String[] args) {
		try (Context context = new Context(LogService.class, ZoomCamService.class)) {
			final ModelBundle bundle = context.service(ZoomCamService.class).bundle(Paths.get(args[0]),
				DeviceChoice.AUTO, w -> context.service(LogService.class).warn("Zoom-CAM: " + w));
			System.out.println("PROBE loaded " + bundle.manifest().name());
		}
	}
}
