package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import java.util.Locale;

/** Where the network and the CAM arithmetic run. */
public enum DeviceChoice {
	/** The first GPU when one is usable, otherwise the CPU (with a warning). */
	AUTO,
	CPU,
	/** The first GPU; fails when none is usable. */
	GPU;

	public static DeviceChoice parse(final String text) {
		try {
			return valueOf(text.trim().toUpperCase(Locale.ROOT));
		}
		catch (final IllegalArgumentException | NullPointerException e) {
			throw new ZoomCamException("unknown device '" + text + "': use auto, cpu or gpu");
		}
	}
}
