package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import java.util.Locale;

/** How normalised, upsampled layer maps are fused into one map (paper, Eq. 10). */
public enum Aggregation {
	/** Pixel-wise maximum: the paper's choice, keeps crisp small-object responses. */
	MAX,
	/** Pixel-wise mean: smoother, offered for comparison. */
	MEAN;

	public static Aggregation parse(final String text) {
		try {
			return valueOf(text.trim().toUpperCase(Locale.ROOT));
		}
		catch (final IllegalArgumentException | NullPointerException e) {
			throw new ZoomCamException("unknown aggregation '" + text + "': use max or mean");
		}
	}
}
