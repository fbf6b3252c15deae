package io.github.zoomcam.fiji;

import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.ModelReport;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Zoom-CAM > Model Info...: what a bundle holds (classes, input, preprocessing, layers with
 * their resolutions) and whether it passed its self-test when it was loaded.
 */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.INFO, headless = true,
	initializer = "initChoices")
public class ModelInfoCommand extends ModelCommand {

	@Parameter(label = "Zoom-CAM model", type = ItemIO.OUTPUT)
	private String info;
	@Parameter(type = ItemIO.OUTPUT)
	private boolean self_test_passed;

	@Override
	protected String title() {
		return CommandText.INFO;
	}

	@Override
	protected void execute() {
		final ModelBundle bundle = bundle();
		info = ModelReport.describe(bundle);
		self_test_passed = bundle.selfTest().passed();
		if (headless()) log.info(info);
		// for scripts; SciJava has no display for a boolean ("Ignoring unsupported output" headless)
		published("self_test_passed");
	}
}
