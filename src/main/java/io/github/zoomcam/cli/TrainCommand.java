package io.github.zoomcam.cli;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.train.ClassifierTrainer;
import io.github.zoomcam.engine.train.EpochReport;
import io.github.zoomcam.engine.train.TrainingMonitor;
import io.github.zoomcam.engine.train.TrainingOptions;
import io.github.zoomcam.engine.train.TrainingResult;
import io.github.zoomcam.pipeline.train.HeldOutScore;
import io.github.zoomcam.pipeline.train.TrainingFolder;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;

/** zoomcam train: a classifier from image-level labels, written as a model bundle. */
final class TrainCommand {

	static final String USAGE = String.join("\n",
		"  train --data DIR --out BUNDLE [--arch demonet] [--epochs 20] [--batch 32] [--lr 0.003]",
		"        [--val-fraction 0.2] [--device auto|cpu|gpu] [--seed 1] [--resume BUNDLE] [--overwrite]",
		"        [--input-size auto|N|HxW] [--crop N] [--patience 5] [--no-augment] [--test DIR]",
		"      trains a classifier (no Python): DIR holds one sub-folder per class (single-label) or images and",
		"      image_labels.csv with 0/1 per class (multi-label, as 'synth' writes); writes a bundle for explain;",
		"      --test DIR scores the written bundle on held-out data of the same layout");

	private final PrintStream out;
	private final PrintStream err;

	TrainCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("train", args, Set.of("data", "out", "arch", "epochs", "batch", "lr",
			"val-fraction", "device", "seed", "resume", "input-size", "crop", "patience", "test"), Set.of("overwrite",
				"no-augment"));
		final Path data = Paths.get(a.require("data", "give the folder of labelled images"));
		final Path bundle = Paths.get(a.require("out", "give the bundle folder (or .zip) to write"));
		final int[] size = TrainingOptions.parseInputSize(a.get("input-size", "auto"));
		final String resume = a.get("resume", null);
		final TrainingOptions options = TrainingOptions.builder()
			.arch(a.get("arch", TrainingOptions.DEFAULT_ARCH))
			.epochs(a.integer("epochs", TrainingOptions.DEFAULT_EPOCHS, 1))
			.batchSize(a.integer("batch", TrainingOptions.DEFAULT_BATCH, 1))
			.learningRate(a.number("lr", TrainingOptions.DEFAULT_LEARNING_RATE, 1e-7, 1))
			.validationFraction(a.number("val-fraction", TrainingOptions.DEFAULT_VALIDATION_FRACTION, 0.001,
				TrainingOptions.MAX_VALIDATION_FRACTION))
			.device(DeviceChoice.parse(a.get("device", "auto")))
			.seed(a.integer("seed", (int) TrainingOptions.DEFAULT_SEED, 0))
			.inputSize(size[0], size[1])
			.crop(a.integer("crop", 0, 0))
			.patience(a.integer("patience", TrainingOptions.DEFAULT_PATIENCE, 0))
			.augment(!a.flag("no-augment"))
			.resume(resume == null ? null : Paths.get(resume))
			.overwrite(a.flag("overwrite"))
			.command("zoomcam train " + String.join(" ", args))
			.build();
		final TrainingFolder folder = TrainingFolder.read(data);
		final String test = a.get("test", null);
		final TrainingFolder heldOut = test == null ? null : TrainingFolder.read(Paths.get(test));
		final TrainingResult result = ClassifierTrainer.train(folder, bundle, options, new TrainingMonitor() {

			@Override
			public void message(final String line) {
				err.println(line);
			}

			@Override
			public void epochDone(final EpochReport report) {
				out.println(report);
			}
		});
		out.println(result);
		if (heldOut != null) {
			out.println(HeldOutScore.evaluate(result.bundle(), heldOut, options.device(), w -> err.println("warning: " +
				w)));
		}
		out.println("explain with: ./zoomcam explain --model " + result.bundle() + " --out OUT IMAGE...");
		return 0;
	}
}
