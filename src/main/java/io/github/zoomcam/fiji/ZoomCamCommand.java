package io.github.zoomcam.fiji;

import ij.IJ;
import io.github.zoomcam.core.CancelledException;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.fiji.ZoomCamService;

import java.awt.GraphicsEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.scijava.app.StatusService;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Parameter;

/**
 * What every Zoom-CAM command shares: the service that owns the models, status and log, and one way to
 * fail: {@link #fail} cancels the command with a one-line reason (no stack trace), logs it, and shows it
 * in a message box only when a display exists. Inputs shared by several commands are declared once, in
 * {@link ModelCommand} and {@link ExplainingCommand} (SciJava injects inherited fields).
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
		catch (final CancelledException e) {
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

	/**
	 * Marks outputs as handled: the command has given them to ImageJ itself ({@link ImageJOutputs}), so
	 * SciJava's display postprocessor neither shows them a second time nor warns that it cannot show them
	 * headless. Their values stay readable by scripts.
	 */
	protected final void published(final String... outputs) {
		for (final String name : outputs) {
			if (getInfo().getOutput(name) != null) resolveOutput(name);
		}
	}

	protected static boolean headless() {
		return GraphicsEnvironment.isHeadless();
	}
}
