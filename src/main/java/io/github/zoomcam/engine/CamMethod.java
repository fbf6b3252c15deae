package io.github.zoomcam.engine;

import java.util.Locale;

/** The map a front end shows as "the" explanation. Both are always computed from the same pass. */
public enum CamMethod {
	/** Zoom-CAM (Shi et al., ICPR 2020): gradient as an element-wise weight mask, layers fused. */
	ZOOMCAM("zoomcam", 0.25),
	/** Grad-CAM (Selvaraju et al., ICCV 2017): channel-averaged gradients at one layer. */
	GRADCAM("gradcam", 0.15);

	private final String id;
	private final double paperThreshold;

	CamMethod(final String id, final double paperThreshold) {
		this.id = id;
		this.paperThreshold = paperThreshold;
	}

	public String id() {
		return id;
	}

	/** Fraction of the map maximum the paper uses to cut pseudo-label masks for this method. */
	public double paperThreshold() {
		return paperThreshold;
	}

	public static CamMethod parse(final String text) {
		final String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("-", "");
		for (final CamMethod m : values()) {
			if (m.id.equals(t)) return m;
		}
		throw new ZoomCamException("unknown method '" + text + "': use zoomcam or gradcam");
	}
}
