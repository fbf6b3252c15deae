package io.github.zoomcam.pipeline;

import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.LayerSpec;
import io.github.zoomcam.engine.ModelBundle;

import java.util.Arrays;
import java.util.Locale;

/** The description of a loaded bundle that `zoomcam info` prints and Fiji's "Model Info..." shows. */
public final class ModelReport {

	private ModelReport() {}

	/** One "key: value" line per property, then the layer table. */
	public static String describe(final ModelBundle bundle) {
		final BundleManifest m = bundle.manifest();
		final StringBuilder text = new StringBuilder();
		line(text, "bundle", bundle.source().toString());
		line(text, "name", m.name());
		if (!m.description().isBlank()) line(text, "description", m.description());
		line(text, "classes (" + m.classes().size() + ")", String.join(", ", m.classes()));
		line(text, "output", m.output().name().toLowerCase(Locale.ROOT) + (m.output().name().equals("SIGMOID")
			? " (multi-label)" : " (single-label)"));
		line(text, "input", m.channels() + " x " + m.height() + " x " + m.width() + " (channels x height x width)");
		line(text, "value range", "8-bit " + m.preprocessing().range8() + ", 16-bit " + m.preprocessing().range16() +
			", 32-bit " + m.preprocessing().range32());
		line(text, "normalisation", "mean " + Arrays.toString(m.preprocessing().mean()) + ", std " + Arrays.toString(m
			.preprocessing().std()) + ", " + (m.preprocessing().bgr() ? "BGR" : "RGB"));
		line(text, "pixel size", m.declaresPixelSize() ? m.pixelSizeUm() + " um per pixel (scale auto explains " +
			"calibrated images at it)" : "not declared (scale auto explains at native resolution)");
		line(text, "exported by", "PyTorch " + m.pytorchVersion());
		line(text, "runtime", bundle.runtime().toString());
		line(text, "self-test", bundle.selfTest().toString());
		line(text, "gradients", bundle.batchedGradients() ? "whole batches per backward pass" : "one image per " +
			"backward pass (batched gradients are not exact on this device; see ONEDNN_MAX_CPU_ISA in the README)");
		text.append("layers (").append(m.layers().size()).append(", network order):\n");
		text.append(String.format(Locale.ROOT, "  %-3s %-28s %8s %11s %7s %s%n", "#", "name", "channels",
			"resolution", "stride", ""));
		for (int i = 0; i < m.layers().size(); i++) {
			final LayerSpec l = m.layers().get(i);
			final boolean isDefault = m.defaultLayers().contains(l.name());
			final boolean isSingle = l.name().equals(m.gradcamLayer());
			final String tags = (isDefault ? "default" : "") + (isDefault && isSingle ? ", " : "") + (isSingle
				? "single-layer methods" : "");
			text.append(String.format(Locale.ROOT, "  %-3d %-28s %8d %11s %7d %s", i + 1, l.name(), l.channels(), l
				.height() + "x" + l.width(), l.stride(), tags).stripTrailing()).append('\n');
		}
		return text.toString();
	}

	private static void line(final StringBuilder text, final String key, final String value) {
		text.append(String.format(Locale.ROOT, "%-16s %s%n", key + ":", value));
	}
}
