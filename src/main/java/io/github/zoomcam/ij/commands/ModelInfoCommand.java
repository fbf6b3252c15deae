package io.github.zoomcam.ij.commands;

import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.LayerSpec;
import io.github.zoomcam.engine.ModelBundle;

import java.io.File;
import java.util.Arrays;
import java.util.Locale;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins > Zoom-CAM > Model Info...: what a bundle holds (classes, input, preprocessing, layers with
 * their resolutions) and whether it passed its self-test when it was loaded.
 */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.INFO, headless = true,
	initializer = "initChoices")
public class ModelInfoCommand extends ZoomCamCommand {

	@Parameter(label = CommandText.MODEL, description = CommandText.MODEL_HELP, required = false,
		style = FileWidget.FILE_AND_DIRECTORY_STYLE, validater = "validateModel")
	private File model;
	@Parameter(label = CommandText.DEVICE, description = CommandText.DEVICE_HELP, persist = false)
	private String device = CommandText.DEVICE_DEFAULT;

	@Parameter(label = "Zoom-CAM model", type = ItemIO.OUTPUT)
	private String info;
	@Parameter(type = ItemIO.OUTPUT)
	private boolean self_test_passed;

	protected void initChoices() {
		sharedChoices();
		model = defaultModel(model);
	}

	protected void validateModel() {
		validated("model", modelProblem(model));
	}

	@Override
	protected String title() {
		return CommandText.INFO;
	}

	@Override
	protected void execute() {
		final ModelBundle bundle = zoomCam.bundle(modelPath(model), DeviceChoice.parse(device), w -> log.warn(w));
		info = describe(bundle);
		self_test_passed = bundle.selfTest().passed();
		if (headless()) log.info(info);
	}

	/** The text shown: one "key: value" line per property, then the layer table. */
	static String describe(final ModelBundle bundle) {
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
		line(text, "exported by", "PyTorch " + m.pytorchVersion());
		line(text, "runtime", bundle.runtime().toString());
		line(text, "self-test", bundle.selfTest().toString());
		text.append("layers (").append(m.layers().size()).append(", network order):\n");
		text.append(String.format(Locale.ROOT, "  %-3s %-28s %8s %11s %7s %s%n", "#", "name", "channels",
			"resolution", "stride", ""));
		for (int i = 0; i < m.layers().size(); i++) {
			final LayerSpec l = m.layers().get(i);
			final boolean isDefault = m.defaultLayers().contains(l.name());
			final boolean isSingle = l.name().equals(m.gradcamLayer());
			final String tags = (isDefault ? "default" : "") + (isDefault && isSingle ? ", " : "") + (isSingle
				? "single-layer methods" : "");
			text.append(String.format(Locale.ROOT, "  %-3d %-28s %8d %11s %7d %s%n", i + 1, l.name(), l.channels(), l
				.height() + "x" + l.width(), l.stride(), tags).stripTrailing()).append('\n');
		}
		return text.toString();
	}

	private static void line(final StringBuilder text, final String key, final String value) {
		text.append(String.format(Locale.ROOT, "%-16s %s%n", key + ":", value));
	}
}
