package io.github.zoomcam.ij.commands;

import ij.IJ;
import ij.ImagePlus;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainCancelledException;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ZoomCamException;
import io.github.zoomcam.ij.ZoomCamService;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.scijava.app.StatusService;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Parameter;

/**
 * What the Zoom-CAM commands share: the service that owns the models, status and log, choice lists built
 * from the engine's enums, and one way to fail: {@link #fail} cancels the command with a one-line reason
 * (no stack trace), logs it, and shows it in a message box only when a display exists.
 */
abstract class ZoomCamCommand extends DynamicCommand {

	@Parameter
	protected ZoomCamService zoomCam;

	@Parameter
	protected StatusService status;

	@Parameter
	protected LogService log;

	/** Problems found by validaters, per input; a dialog may fix them before OK. */
	private final Map<String, String> problems = new LinkedHashMap<>();
	private boolean cancelledByValidation;

	/** Menu label, used as the prefix of log lines. */
	protected abstract String title();

	/** The body of the command; a ZoomCamException becomes a cancellation with its message. */
	protected abstract void execute();

	@Override
	public final void run() {
		if (isCanceled()) {
			// a validater already said why
			log.warn(title() + ": " + getCancelReason());
			return;
		}
		try {
			execute();
		}
		catch (final ExplainCancelledException e) {
			// the engine stopped because the command was cancelled: keep the canceller's reason
			if (!isCanceled()) cancel(e.getMessage());
			log.warn(title() + ": " + getCancelReason());
		}
		catch (final ZoomCamException e) {
			fail(e.getMessage());
		}
		finally {
			status.clearStatus();
		}
	}

	/**
	 * Called by the validaters: a problem with one input cancels the command with its reason; when the
	 * input is corrected (in the dialog) and no other input has a problem, the command is runnable again.
	 */
	protected final void validated(final String input, final String problem) {
		if (problem == null) problems.remove(input);
		else problems.put(input, problem);
		if (!problems.isEmpty()) {
			cancel(problems.values().iterator().next());
			cancelledByValidation = true;
		}
		else if (cancelledByValidation) {
			uncancel();
			cancelledByValidation = false;
		}
	}

	/** Cancels with a one-line reason that the user sees. */
	protected final void fail(final String message) {
		cancel(message);
		log.error(title() + ": " + message);
		if (!GraphicsEnvironment.isHeadless()) IJ.error("Zoom-CAM", message);
	}

	/**
	 * Engine progress (Score-CAM's masked passes) to the status bar; cancelling the command stops the
	 * engine between network passes.
	 */
	protected final ExplainMonitor monitor() {
		return new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				status.showStatus(done, total, "Zoom-CAM: " + what);
			}

			@Override
			public boolean cancelled() {
				return isCanceled();
			}
		};
	}

	/** Sets the choices of a String input from the values the engine knows (no list is written twice). */
	protected final void choices(final String input, final List<String> values) {
		if (getInfo().getInput(input) == null) return;
		final MutableModuleItem<String> item = getInfo().getMutableInput(input, String.class);
		if (item != null) item.setChoices(values);
	}

	/** Method, device (and any other shared) choice lists. */
	protected final void sharedChoices() {
		choices("method", methodChoices());
		choices("device", Arrays.stream(DeviceChoice.values()).map(d -> d.name().toLowerCase(Locale.ROOT)).toList());
		choices("keep", List.of(CommandText.KEEP_DEFAULT, "all"));
	}

	/** The ids of CamMethod, in declaration order. */
	static List<String> methodChoices() {
		return Arrays.stream(CamMethod.values()).map(CamMethod::id).toList();
	}

	/** The model field as a path; empty means the bundled model. */
	protected final Path modelPath(final File model) {
		if (model != null && !model.getPath().isBlank()) return model.toPath();
		final Path fallback = zoomCam.defaultModel();
		if (fallback == null) {
			throw new ZoomCamException("no model bundle chosen and none installed in Fiji.app/plugins/Zoom-CAM/models; " +
				"choose a bundle folder or .zip (model=...)");
		}
		return fallback;
	}

	/** Fills an empty model field with the bundled model, so that the dialog shows which one is used. */
	protected final File defaultModel(final File current) {
		if (current != null && !current.getPath().isBlank()) return current;
		final Path fallback = zoomCam == null ? null : zoomCam.defaultModel();
		return fallback == null ? current : fallback.toFile();
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

	/**
	 * Why an image cannot be explained at all, or null: only 8-, 16-, 32-bit grey and RGB (24-bit) images
	 * with pixels are read.
	 */
	static String imageProblem(final ImagePlus image) {
		if (image == null) return "no image: open an image first";
		if (image.getWidth() < 1 || image.getHeight() < 1 || image.getStackSize() < 1) {
			return image.getTitle() + " is empty";
		}
		final int depth = image.getBitDepth();
		if (depth != 8 && depth != 16 && depth != 24 && depth != 32) {
			return image.getTitle() + " is a " + depth + "-bit image; convert it to 8-bit, 16-bit, 32-bit or RGB " +
				"Color (Image > Type)";
		}
		return null;
	}

	/**
	 * Checks the image's channels against the model before any model is loaded: RGB gives 3 channels,
	 * a hyperstack its channel count; a grey image given to an RGB model is replicated (with a warning).
	 */
	static void checkChannels(final ImagePlus image, final BundleManifest manifest) {
		final boolean rgb = image.getType() == ImagePlus.COLOR_RGB || image.getType() == ImagePlus.COLOR_256;
		final int channels = rgb ? 3 : image.getNChannels();
		if (channels == manifest.channels() || (channels == 1 && manifest.channels() == 3)) return;
		final String kind = rgb ? "an RGB image" : channels == 1 ? "a grey image" : "a " + channels +
			"-channel image";
		throw new ZoomCamException(image.getTitle() + " is " + kind + " but model '" + manifest.name() +
			"' expects " + (manifest.channels() == 1 ? "a grey image (1 channel); convert it with Image > Type > " +
				"8-bit" : manifest.channels() + " channels; convert it with Image > Type > RGB Color") + " first");
	}

	protected static boolean headless() {
		return GraphicsEnvironment.isHeadless();
	}
}
