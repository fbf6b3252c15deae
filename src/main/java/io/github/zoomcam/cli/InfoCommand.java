package io.github.zoomcam.cli;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.ModelReport;

import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.Set;

/** zoomcam info: what a bundle holds and whether it passes its self-test. */
final class InfoCommand {

	private final PrintStream out;
	private final PrintStream err;

	InfoCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("info", args, Set.of("model", "device"), Set.of());
		final String model = a.require("model", "give the bundle folder or .zip");
		try (ModelBundle bundle = ModelBundle.load(Paths.get(model), DeviceChoice.parse(a.get("device", "cpu")),
			w -> err.println("warning: " + w)))
		{
			out.print(ModelReport.describe(bundle));
			return 0;
		}
	}
}
