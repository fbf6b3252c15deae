package io.github.zoomcam.cli;

import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.core.ZoomCamException;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The ./zoomcam command line. Every failure the user can fix ends in one "error: ..." line on stderr and
 * a non-zero exit code: 2 for bad arguments or an unusable model, 1 when some images failed.
 */
public final class Main {

	static final String USAGE = String.join("\n",
		"usage: zoomcam <command> [options]",
		"",
		"commands:",
		"  demo [--out demo-output] [--method zoomcam|gradcam]",
		"      explains the bundled sample images with the bundled model, writes every output, prints the scores",
		"  explain --model BUNDLE --out DIR [--layers all|default|NAME,...] [--target default|top1|topK|p>=P|CLASS,...]",
		"          [--method METHOD[,METHOD...]] [--aggregation max|mean] [--gradcam-layer NAME]",
		"          [--scorecam-channels N] [--scorecam-batch N] [--device auto|cpu|gpu] [--batch N]",
		"          [--refine image|none] [--refine-thresholding Li|Otsu|Yen|Triangle|Huang|...]",
		"          [--refine-sigma PX] [--refine-background RADIUS] [--refine-polarity auto|bright|dark]",
		"          [--refine-watershed true|false] [--refine-min-evidence F] [--refine-noise-floor SD]",
		"          [--refine-min-size PX]",
		"          [--threshold 0.25|otsu|fixed:V] [--keep largest|all] [--min-area N] [--background F]",
		"          [--opacity 0.5] [--no-pseudo-labels] [--overwrite] [--tile auto|none|SIZE] [--overlap 0.25]",
		"          [--scale auto|F] [--tile-batch 8] [--series 1] IMAGE...",
		"      writes DIR/<image>/heatmaps.tif (one slice per layer + 'zoom-cam'), mask.tif, labels.tif,",
		"      instances.tif, rois.zip, boxes.csv (one row per instance), overlay.png and result.json;",
		"      methods: " + CamMethod.names() + " (or all);",
		"      each method after the first adds heatmaps-<method>.tif; pseudo-labels use the first.",
		"      --refine image (default): outlines from",
		"      the image (ImageJ's auto threshold, defaults " + ExplainSettings.DEFAULTS.get(ExplainSettings.REFINE_THRESHOLDING)
			+ ", sigma " + ExplainSettings.DEFAULTS.get(ExplainSettings.REFINE_SIGMA) + ", rolling ball "
			+ ExplainSettings.DEFAULTS.get(ExplainSettings.REFINE_BACKGROUND) + " = off), classes from the maps;",
		"      --refine none: the paper's protocol (--threshold, --keep, --min-area, --background apply)",
		"      images larger than the model input are explained in overlapping tiles at native resolution",
		"  evaluate --pred DIR --truth DIR [--classes FILE] [--csv FILE] [--small-area 1024]",
		"      per-class IoU/mIoU (Table II), localization errors (Table I), MaxBoxAccV2, small-object recall",
		"  info --model BUNDLE [--device auto|cpu|gpu]",
		"      prints the bundle, its layers with resolutions and the self-test result",
		"  speed --model BUNDLE [--batch 1,8] [--repeats N] [--warmup N] [--layers all] [--device cpu]",
		"        [--methods all|METHOD,...] [--scorecam-channels N] [--scorecam-batch N]",
		"      engine benchmark: ms/image of network passes alone and of the full explain (per method",
		"      with --methods)",
		TrainCommand.USAGE,
		"  synth --n N --seed S --out DIR [--size 128..224] [--channels 1|3] [--bit-depth 8|16]",
		"      synthetic fluorescence micrographs with exact ground truth (labels, instances, boxes)",
		"  benchmark [--n 100] [--scenes sparse,crowded] [--seed 1000] [--crowded-seed 2000] [--refine image]",
		"        [--model BUNDLE] [--out benchmark-output] [--batch 8]",
		"      every method and Zoom-CAM layer subsets on N fresh held-out synthetic images per scene: Table II,",
		"      Table I, MaxBoxAccV2, small-object recall, ms/image; pseudo-labels with refinement none and image",
		"      between floor and ceiling (IoU, instance box recall/precision, small-object recall, ms), the",
		"      classifier's mAP and the issue's targets met or missed; printed and as CSV",
		"  benchmark-tiles [--sizes 4096,16384] [--seed 1000] [--model BUNDLE] [--out benchmark-tiles-output]",
		"                  [--tile-batch 8] [--miou-max 4096] [--rate-images 1024] [--java-opts '-Xmx..']",
		"                  [--mosaics-only]",
		"      generated mosaics explained in tiles by a child 'zoomcam explain': time, peak memory, mIoU next",
		"      to the same images explained one by one, and the tiles' rate next to a batch explain",
		"      (--mosaics-only writes the mosaics alone; a later run with the same sizes and seed reuses them)",
		"  soak [--n 1000] [--bad N] [--seed 13] [--model BUNDLE] [--out soak-output] [--batch 8] [--size 160]",
		"      a hostile batch: N synthetic images, N/20 of them cut short in the header or the pixel data;",
		"      checks every good image is explained and every bad one skipped with its reason; memory, time",
		"  help",
		"");

	private Main() {}

	public static void main(final String[] args) {
		quietEngineLog();
		System.exit(run(args, System.out, System.err));
	}

	/**
	 * DJL logs through SLF4J, which the command line binds to slf4j-simple: its INFO lines and the WARN of
	 * its GPU probe on machines without a usable CUDA driver ("Failed to detect GPU count") would precede
	 * every run. The engine's one line about the device is ours. A -D given by the user wins.
	 */
	static void quietEngineLog() {
		if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
			System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
		}
		if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda") == null) {
			System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
		}
	}

	/** Runs a command and returns its exit code; never throws for user errors. */
	public static int run(final String[] args, final PrintStream out, final PrintStream err) {
		if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
			out.print(USAGE);
			return args.length == 0 ? 2 : 0;
		}
		final String[] rest = Arrays.copyOfRange(args, 1, args.length);
		try {
			return switch (args[0]) {
				case "explain" -> new ExplainCommand(out, err).run(rest);
				case "info" -> new InfoCommand(out, err).run(rest);
				case "speed" -> new SpeedCommand(out, err).run(rest);
				case "synth" -> new SynthCommand(out, err).run(rest);
				case "train" -> new TrainCommand(out, err).run(rest);
				case "evaluate" -> new EvaluateCommand(out, err).run(rest);
				case "demo" -> new DemoCommand(out, err).run(rest);
				case "benchmark" -> new BenchmarkCommand(out, err).run(rest);
				case "benchmark-tiles" -> new TileBenchmarkCommand(out, err).run(rest);
				case "soak" -> new SoakCommand(out, err).run(rest);
				default -> throw new ZoomCamException("unknown command '" + args[0] +
					"'; commands: demo, explain, evaluate, benchmark, benchmark-tiles, info, speed, synth, soak, train, help");
			};
		}
		catch (final ZoomCamException e) {
			err.println("error: " + e.getMessage());
			return 2;
		}
		catch (final OutOfMemoryError e) {
			err.println("error: out of memory; use a smaller --batch or give Java more memory (JAVA_OPTS=-Xmx8g)");
			return 2;
		}
		catch (final RuntimeException e) {
			// A bug of ours or of a library: still one line, with what is needed to report it.
			err.println("error: internal error (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " +
				e.getMessage().strip().lines().findFirst().orElse("")) + "); please report it with the command line");
			return 2;
		}
	}
}
