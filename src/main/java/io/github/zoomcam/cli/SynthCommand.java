package io.github.zoomcam.cli;

import io.github.zoomcam.synth.DatasetSummary;
import io.github.zoomcam.synth.SceneKind;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticDataset;

import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.Set;

/** zoomcam synth: synthetic micrographs with exact ground truth. */
final class SynthCommand {

	private final PrintStream out;
	private final PrintStream err;

	SynthCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("synth", args, Set.of("n", "seed", "out", "size", "channels", "bit-depth",
			"scene"), Set.of());
		final int n = a.integer("n", 100, 1);
		final long seed = a.integer("seed", 1, 0);
		final int size = a.integer("size", SynthOptions.DEFAULT_SIZE, 1);
		final SynthOptions options = SynthOptions.defaults().withSize(size, size).withChannels(a.integer("channels", 1,
			1)).withBitDepth(a.integer("bit-depth", 8, 1)).withScene(SceneKind.parse(a.get("scene",
				SceneKind.SPARSE.id())));
		final int step = Math.max(1, n / 20);
		final DatasetSummary summary = SyntheticDataset.write(Paths.get(a.require("out",
			"give the folder to write the data set to")), n, seed, options, (done, total) -> {
				if (done % step == 0 || done == total) err.println("[" + done + "/" + total + "] images written");
			}, () -> false);
		final String scene = options.scene() == SceneKind.SPARSE ? "" : ", " + options.scene().id() + " scenes";
		out.println("wrote " + summary.written() + " images (seed " + seed + ", " + options.width() + "x" + options
			.height() + ", " + options.channels() + " channel(s), " + options.bitDepth() + "-bit" + scene + ") to "
			+ summary.outDir());
		return 0;
	}
}
