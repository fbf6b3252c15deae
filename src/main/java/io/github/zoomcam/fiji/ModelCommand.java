package io.github.zoomcam.fiji;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

/** A command that uses a model bundle: the model and device inputs, their checks and their loading. */
abstract class ModelCommand extends ZoomCamCommand {

	@Parameter(label = CommandText.MODEL, description = CommandText.MODEL_HELP, required = false,
		style = FileWidget.FILE_AND_DIRECTORY_STYLE, validater = "validateModel", callback = "modelChanged")
	protected File model;
	@Parameter(label = CommandText.DEVICE, description = CommandText.DEVICE_HELP, persist = false)
	protected String device = CommandText.DEVICE_DEFAULT;

	/** Choice lists from the engine's enums; an empty model field shows the bundled model. */
	protected void initChoices() {
		choices("device", Arrays.stream(DeviceChoice.values()).map(d -> d.name().toLowerCase(Locale.ROOT)).toList());
		if (model == null || model.getPath().isBlank()) {
			final Path fallback = zoomCam == null ? null : zoomCam.defaultModel();
			if (fallback != null) model = fallback.toFile();
		}
		modelChanged();
	}

	/** Called when the dialog's model changes and by the initializer; subclasses describe the model. */
	protected void modelChanged() {
		// nothing to describe here
	}

	protected void validateModel() {
		validated("model", modelProblem(model));
	}

	/** The model field as a path; empty means the bundled model. */
	protected final Path modelPath() {
		if (model != null && !model.getPath().isBlank()) return model.toPath();
		final Path fallback = zoomCam.defaultModel();
		if (fallback == null) {
			throw new ZoomCamException("no model bundle chosen and none installed in Fiji.app/plugins/Zoom-CAM/models; " +
				"choose a bundle folder or .zip (model=...)");
		}
		return fallback;
	}

	/** The bundle from the service (loaded once per session), on the chosen device. */
	protected final ModelBundle bundle() {
		return zoomCam.bundle(modelPath(), DeviceChoice.parse(device), w -> log.warn(w));
	}

	/** A problem with the model path that needs no native code to see, or null. */
	static String modelProblem(final File model) {
		if (model == null || model.getPath().isBlank()) return null;
		final Path p = model.toPath();
		if (!Files.exists(p)) return "model bundle not found: " + p + " (choose a folder or .zip holding model.pt " +
			"and zoomcam.json)";
		if (Files.isDirectory(p) && !Files.isRegularFile(p.resolve("zoomcam.json"))) {
			return "model bundle " + p + " has no zoomcam.json; choose a bundle folder (model.pt + zoomcam.json) or " +
				"its .zip";
		}
		return null;
	}
}
