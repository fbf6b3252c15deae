package io.github.zoomcam.synth;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Locale;

/**
 * How hard a generated scene is. {@link #SPARSE} is the original generator (objects mostly apart, mild
 * illumination and noise), unchanged for the same seed. {@link #CROWDED} packs more objects of more classes
 * so that they touch and overlap, dims some of them, and images them badly: strong uneven illumination,
 * few photons, out-of-focus haze and a textured background. The ground truth stays exact in both.
 */
public enum SceneKind {

	SPARSE("sparse"),
	CROWDED("crowded");

	private final String id;

	SceneKind(final String id) {
		this.id = id;
	}

	/** The name used on the command line and in dataset.json. */
	public String id() {
		return id;
	}

	/** Parses "sparse" or "crowded" (case and surrounding spaces ignored). */
	public static SceneKind parse(final String text) {
		final String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		for (final SceneKind kind : values()) {
			if (kind.id.equals(t)) return kind;
		}
		throw new ZoomCamException("scene '" + text + "' is unknown; use sparse or crowded");
	}
}
