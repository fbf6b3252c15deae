package io.github.zoomcam.cli;

import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.LayerSpec;
import io.github.zoomcam.engine.ModelBundle;

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
			final BundleManifest m = bundle.manifest();
			out.println("bundle:       " + bundle.source());
			out.println("name:         " + m.name());
			if (!m.description().isBlank()) out.println("description:  " + m.description());
			out.println("classes (" + m.classes().size() + "): " + String.join(", ", m.classes()));
			out.println("output:       " + m.output().name().toLowerCase() + (m.output().name().equals("SIGMOID")
				? " (multi-label)" : " (single-label)"));
			out.println("input:        " + m.channels() + " x " + m.height() + " x " + m.width() + " (C x H x W)");
			out.println("value range:  8-bit " + m.preprocessing().range8() + ", 16-bit " + m.preprocessing()
				.range16() + ", 32-bit " + m.preprocessing().range32());
			out.println("normalise:    mean " + java.util.Arrays.toString(m.preprocessing().mean()) + ", std " +
				java.util.Arrays.toString(m.preprocessing().std()) + ", " + (m.preprocessing().bgr() ? "BGR" : "RGB"));
			out.println("exported by:  PyTorch " + m.pytorchVersion());
			out.println("layers (" + m.layers().size() + ", network order):");
			out.println(String.format("  %-3s %-28s %8s %11s %7s %s", "#", "name", "channels", "resolution",
				"stride", ""));
			for (int i = 0; i < m.layers().size(); i++) {
				final LayerSpec l = m.layers().get(i);
				final String tags = (m.defaultLayers().contains(l.name()) ? "default" : "") + (l.name().equals(m
					.gradcamLayer()) ? (m.defaultLayers().contains(l.name()) ? ", " : "") + "grad-cam" : "");
				out.println(String.format("  %-3d %-28s %8d %11s %7d %s", i + 1, l.name(), l.channels(), l.height() +
					"x" + l.width(), l.stride(), tags));
			}
			out.println("runtime:      " + bundle.runtime());
			out.println("self-test:    " + bundle.selfTest());
			return 0;
		}
	}
}
