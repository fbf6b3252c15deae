package io.github.zoomcam.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.Preprocessing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Trains a classifier from image-level labels and writes it as a model bundle: a template network (or the
 * network of a bundle being continued), AdamW with a one-cycle learning rate, binary or categorical
 * cross-entropy by label kind, augmentation on the device, a stratified validation split scored every epoch,
 * the best epoch kept, early stopping. No Python.
 */
public final class ClassifierTrainer {

	private static final String ENGINE = "PyTorch";
	/** The exporter's test input seed (tools/export_model.py make_test_input). */
	private static final long TEST_INPUT_SEED = 1234;
	/** A validation score within this of the best counts as equal; the lower validation loss then wins. */
	private static final double SCORE_TOLERANCE = 1e-4;

	private ClassifierTrainer() {}

	/**
	 * Trains and writes the bundle.
	 *
	 * @param out bundle folder (or .zip) to write; refused when it exists unless options.overwrite()
	 * @throws ZoomCamException with a one-line reason for bad data, options or output
	 * @throws TrainingCancelledException when cancelled before the first network existed
	 */
	public static TrainingResult train(final LabelledImages data, final Path out, final TrainingOptions options,
		final TrainingMonitor monitor)
	{
		final TrainingMonitor m = monitor == null ? TrainingMonitor.NONE : monitor;
		final long start = System.nanoTime();
		final Path target = BundleWriter.checkTarget(out, options.overwrite());
		checkLabels(data);
		final Continued continued = options.resume() == null ? null : Continued.read(options.resume(), data, options);
		final TrainingImages images = TrainingImages.read(data, continued == null ? null : continued.format(),
			options.inputHeight(), options.inputWidth(), m);
		final ModelTemplate template = continued == null ? TemplateCatalog.builtIn().find(options.arch(), images
			.format().channels()) : null;
		if (template != null && data.classes().size() > template.maxClasses()) {
			throw new ZoomCamException(data.classes().size() + " classes is more than the " + template.maxClasses() +
				" the templates take; merge classes");
		}
		final ValidationSplit split = ValidationSplit.stratified(images.targets(), images.classes(), images.kind(),
			options.validationFraction(), options.seed());
		final float[][] normalisation = continued != null ? new float[][] {continued.manifest().preprocessing().mean(),
			continued.manifest().preprocessing().std()} : images.meanAndStd(split.train());
		final Device device = resolveDevice(options.device(), m);
		final List<String> layers = continued != null ? continued.manifest().layerNames() : template.layers();
		final byte[] moduleFile = continued != null ? continued.module() : TemplateCatalog.read(template);
		final String name = bundleName(target);
		try (TrainableNetwork network = TrainableNetwork.load(moduleFile, name, layers.size(), device)) {
			if (continued == null) network.initialise(images.classes().size(), options.seed());
			else continued.check(network, m);
			network.requireExactBatchedGradients(images.format().channels(), images.format().height(), images.format()
				.width());
			final Run run = new Run(images, split, normalisation, network, options, m);
			m.message(describe(data, images, split, options, device, continued));
			run.trainAllEpochs();
			final BundleContents contents = new BundleContents(name, data, images, split, normalisation, template,
				continued, options, run, device, layers, start);
			final Path written = BundleWriter.write(target, options.overwrite(), run.best.module, contents.manifest(
				network), contents.testShape(), run.testInput, options.device(), m::message);
			final double seconds = (System.nanoTime() - start) / 1e9;
			return new TrainingResult(written, images.classes(), images.kind(), split.train().length, split
				.validation().length, images.skipped(), run.reports, run.best.epoch, run.stopReason, seconds, device
					.toString());
		}
	}

	/** Every class needs an image, and a classifier needs two classes. */
	private static void checkLabels(final LabelledImages data) {
		if (data.classes().size() < 2) {
			throw new ZoomCamException(data.source() + " has only " + (data.classes().isEmpty() ? "no class" : "one class ('" +
				data.classes().get(0) + "')") + "; a classifier needs at least two (for presence or absence of one " +
				"thing, use two folders, e.g. with/ and without/)");
		}
	}

	static Device resolveDevice(final DeviceChoice choice, final TrainingMonitor monitor) {
		final Engine engine;
		try {
			engine = Engine.getEngine(ENGINE);
			// As ModelBundle does: TorchScript's optimising graph executor returned NaN gradients on some calls on
			// this project's CPU machines; the plain executor gives the same numbers on every call.
			JniUtils.setGraphExecutorOptimize(false);
		}
		catch (final EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
			throw new ZoomCamException("the PyTorch engine could not start (" + TrainableNetwork.firstLine(e) +
				"); check the pytorch-native jars are installed, or set PYTORCH_LIBRARY_PATH");
		}
		final int gpus = engine.getGpuCount();
		return switch (choice) {
			case CPU -> Device.cpu();
			case GPU -> {
				if (gpus == 0) {
					throw new ZoomCamException("device=gpu asked but no usable GPU was found (PyTorch " + engine
						.getVersion() + "); use device=auto or device=cpu, or install the CUDA flavor of the PyTorch natives");
				}
				yield Device.gpu(0);
			}
			case AUTO -> {
				if (gpus == 0) {
					monitor.message("no usable GPU found; training on the CPU");
					yield Device.cpu();
				}
				yield Device.gpu(0);
			}
		};
	}

	private static String bundleName(final Path target) {
		final String file = target.getFileName().toString();
		return file.toLowerCase(Locale.ROOT).endsWith(".zip") ? file.substring(0, file.length() - 4) : file;
	}

	private static String describe(final LabelledImages data, final TrainingImages images, final ValidationSplit split,
		final TrainingOptions options, final Device device, final Continued continued)
	{
		final int[][] counts = split.countsPerClass(images.targets(), images.classes().size());
		final List<String> perClass = new ArrayList<>();
		for (int c = 0; c < counts.length; c++) {
			perClass.add(images.classes().get(c) + " " + counts[c][0] + "+" + counts[c][1]);
		}
		final InputFormat f = images.format();
		return String.format(Locale.ROOT, "%s (%s, %s): %d images (%s)%s; %d classes, training+validation per " +
			"class: %s; input %d x %d x %d%s; %s on %s, batch %d, up to %d epochs, lr %s, seed %d", data.source(),
			data.layout(), images.kind(), images.size(), images.describeBitDepths(), images.skipped().isEmpty() ? ""
				: ", " + images.skipped().size() + " unreadable skipped", images.classes().size(), String.join(", ",
					perClass), f.channels(), f.height(), f.width(), images.resized() > 0 ? " (" + images.resized() +
						" images resized)" : "", continued == null ? options.arch() + " from its template" :
							"continuing " + continued.path(), device, options.batchSize(), options.epochs(), options
								.learningRate(), options.seed());
	}

	/** The epoch loop and its state. */
	static final class Run {

		private final TrainingImages images;
		private final int[] train;
		private final int[] validation;
		private final float[] mean;
		private final float[] std;
		private final TrainableNetwork network;
		private final TrainingOptions options;
		private final TrainingMonitor monitor;
		private final Random random;
		private final Optimizer optimizer;
		final float[] testInput;
		final List<EpochReport> reports = new ArrayList<>();
		Snapshot best;
		String stopReason = TrainingResult.COMPLETED;
		/** Set when the monitor cancels: the current epoch is scored and training ends. */
		private boolean stopRequested;

		Run(final TrainingImages images, final ValidationSplit split, final float[][] normalisation,
			final TrainableNetwork network, final TrainingOptions options, final TrainingMonitor monitor)
		{
			this.images = images;
			this.train = split.train();
			this.validation = split.validation();
			this.mean = normalisation[0];
			this.std = normalisation[1];
			this.network = network;
			this.options = options;
			this.monitor = monitor;
			this.random = new Random(options.seed());
			final int batches = (train.length + options.batchSize() - 1) / options.batchSize();
			this.optimizer = Optimizer.adamW().optLearningRateTracker(new OneCycleSchedule(options.learningRate(),
				batches * options.epochs())).optWeightDecays((float) options.weightDecay()).build();
			final InputFormat f = images.format();
			this.testInput = gaussian(f.channels() * f.height() * f.width(), TEST_INPUT_SEED);
		}

		void trainAllEpochs() {
			int sinceBest = 0;
			for (int epoch = 1; epoch <= options.epochs(); epoch++) {
				final long started = System.nanoTime();
				final double cpuStarted = processCpuSeconds();
				final double[] loss = trainOneEpoch(epoch);
				final boolean complete = loss[1] > 0;
				final float[][] logits = predict(validation);
				final float[][] targets = targetsOf(validation);
				final double validationLoss = Scores.loss(images.kind(), logits, targets);
				final double score = Scores.score(images.kind(), logits, targets);
				final boolean improved = best == null || score > best.score + SCORE_TOLERANCE || (score >= best.score -
					SCORE_TOLERANCE && validationLoss < best.validationLoss);
				if (improved) best = snapshot(epoch, score, validationLoss);
				sinceBest = improved ? 0 : sinceBest + 1;
				final EpochReport report = new EpochReport(epoch, options.epochs(), loss[0], validationLoss, score, images
					.kind().scoreName(), (System.nanoTime() - started) / 1e9, processCpuSeconds() - cpuStarted, improved, complete);
				reports.add(report);
				monitor.epochDone(report);
				if (stopRequested) {
					stopReason = TrainingResult.CANCELLED;
					return;
				}
				if (options.patience() > 0 && sinceBest >= options.patience() && epoch < options.epochs()) {
					stopReason = TrainingResult.EARLY_STOPPING;
					monitor.message("no better validation " + images.kind().scoreName() + " for " + sinceBest +
						" epochs; stopping early (epoch " + best.epoch + " is kept)");
					return;
				}
			}
		}

		/** @return {mean loss, 1 if every batch of the epoch ran, else -1} */
		private double[] trainOneEpoch(final int epoch) {
			network.trainingMode();
			final int[] order = shuffled(train);
			final int batchSize = Math.min(options.batchSize(), order.length);
			final int batches = (order.length + batchSize - 1) / batchSize;
			double sum = 0;
			int seen = 0;
			for (int b = 0; b < batches; b++) {
				final int[] batch = Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
				sum += step(batch) * batch.length;
				seen += batch.length;
				monitor.batchDone(epoch, b + 1, batches, sum / seen);
				if (monitor.cancelled()) {
					stopRequested = true;
					if (b < batches - 1) return new double[] {sum / seen, -1};
				}
			}
			return new double[] {sum / seen, 1};
		}

		/** One optimisation step; returns the batch's loss. */
		private double step(final int[] batch) {
			try (NDManager manager = network.newStepManager()) {
				NDArray x = Augmentation.apply(upload(manager, batch), random, options.augment(), options.crop(), std);
				x = normalise(manager, x);
				final NDArray y = manager.create(flatTargets(batch), new Shape(batch.length, images.classes().size()));
				final float loss;
				// Gradients are recorded on this thread only (libtorch's grad mode is thread-local), so an explain
				// call on another thread neither waits nor records into this graph.
				final boolean gradMode = JniUtils.isGradMode();
				JniUtils.setGradMode(true);
				try {
					final NDArray logits = network.forward(x, true).get(0);
					final NDArray lossArray = lossOf(logits, y);
					JniUtils.backward((PtNDArray) lossArray, (PtNDArray) lossArray.onesLike(), false, false);
					loss = lossArray.getFloat();
				}
				finally {
					JniUtils.setGradMode(gradMode);
				}
				if (!Float.isFinite(loss)) {
					throw new ZoomCamException("the training loss became " + loss + "; lower the learning rate (--lr, e.g. " +
						options.learningRate() / 3 + ")");
				}
				// The updates write into the parameters in place, which libtorch allows only without grad mode.
				JniUtils.setGradMode(false);
				try {
					for (final NDArray parameter : network.parameters()) {
						try (NDArray gradient = parameter.getGradient()) {
							optimizer.update(parameter.getName(), parameter, gradient);
						}
					}
				}
				finally {
					JniUtils.setGradMode(gradMode);
				}
				return loss;
			}
		}

		private NDArray lossOf(final NDArray logits, final NDArray y) {
			if (images.kind() == LabelKind.SINGLE_LABEL) {
				return logits.logSoftmax(1).mul(y).sum().neg().div(logits.getShape().get(0));
			}
			// Binary cross-entropy from logits in its stable form: max(x, 0) - x y + log(1 + exp(-|x|)).
			return logits.maximum(0).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1).log()).mean();
		}

		/** Logits of whole images in evaluation mode, one row per index. */
		float[][] predict(final int[] indices) {
			network.evaluationMode();
			final int classes = images.classes().size();
			final float[][] out = new float[indices.length][];
			final int batchSize = Math.max(1, options.batchSize());
			for (int from = 0; from < indices.length; from += batchSize) {
				final int[] batch = Arrays.copyOfRange(indices, from, Math.min(indices.length, from + batchSize));
				try (NDManager manager = network.newStepManager()) {
					final NDArray x = normalise(manager, upload(manager, batch));
					final float[] logits = network.forward(x, false).get(0).toFloatArray();
					for (int i = 0; i < batch.length; i++) {
						out[from + i] = Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
					}
				}
			}
			network.trainingMode();
			return out;
		}

		private Snapshot snapshot(final int epoch, final double score, final double validationLoss) {
			final InputFormat f = images.format();
			final float[] testLogits;
			network.evaluationMode();
			try (NDManager manager = network.newStepManager()) {
				final NDArray x = manager.create(testInput, new Shape(1, f.channels(), f.height(), f.width()));
				testLogits = network.forward(x, false).get(0).toFloatArray();
			}
			final byte[] module = network.serialise();
			network.trainingMode();
			return new Snapshot(epoch, score, validationLoss, module, testLogits);
		}

		/** Shapes of the layer outputs at the input size, from a forward pass in evaluation mode. */
		List<long[]> layerShapes() {
			final InputFormat f = images.format();
			network.evaluationMode();
			try (NDManager manager = network.newStepManager()) {
				final NDList outputs = network.forward(manager.zeros(new Shape(1, f.channels(), f.height(), f.width())),
					false);
				final List<long[]> shapes = new ArrayList<>();
				for (int i = 1; i < outputs.size(); i++) shapes.add(outputs.get(i).getShape().getShape());
				return shapes;
			}
			finally {
				network.trainingMode();
			}
		}

		private NDArray upload(final NDManager manager, final int[] batch) {
			final InputFormat f = images.format();
			final int size = f.channels() * f.height() * f.width();
			final float[] flat = new float[batch.length * size];
			for (int i = 0; i < batch.length; i++) System.arraycopy(images.pixels(batch[i]), 0, flat, i * size, size);
			return manager.create(flat, new Shape(batch.length, f.channels(), f.height(), f.width()));
		}

		private NDArray normalise(final NDManager manager, final NDArray x) {
			final Shape perChannel = new Shape(1, mean.length, 1, 1);
			return x.sub(manager.create(mean, perChannel)).div(manager.create(std, perChannel));
		}

		private float[] flatTargets(final int[] batch) {
			final int classes = images.classes().size();
			final float[] flat = new float[batch.length * classes];
			for (int i = 0; i < batch.length; i++) System.arraycopy(images.target(batch[i]), 0, flat, i * classes, classes);
			return flat;
		}

		private float[][] targetsOf(final int[] indices) {
			final float[][] out = new float[indices.length][];
			for (int i = 0; i < indices.length; i++) out[i] = images.target(indices[i]);
			return out;
		}

		private int[] shuffled(final int[] indices) {
			final int[] out = indices.clone();
			for (int i = out.length - 1; i > 0; i--) {
				final int j = random.nextInt(i + 1);
				final int t = out[i];
				out[i] = out[j];
				out[j] = t;
			}
			return out;
		}

		float[] mean() {
			return mean.clone();
		}

		float[] std() {
			return std.clone();
		}

		TrainingImages images() {
			return images;
		}

		TrainingOptions options() {
			return options;
		}
	}

	/** CPU time of the whole process so far, native threads included (NaN where the JVM cannot tell). */
	static double processCpuSeconds() {
		if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof
			com.sun.management.OperatingSystemMXBean os && os.getProcessCpuTime() >= 0)
		{
			return os.getProcessCpuTime() / 1e9;
		}
		return Double.NaN;
	}

	/** The network of the best epoch so far, as written to model.pt, and its logits for the test input. */
	record Snapshot(int epoch, double score, double validationLoss, byte[] module, float[] testLogits) {}

	static float[] gaussian(final int size, final long seed) {
		final Random random = new Random(seed);
		final float[] out = new float[size];
		for (int i = 0; i < size; i++) out[i] = (float) random.nextGaussian();
		return out;
	}

	/** A bundle whose training continues: its manifest, network file and input format. */
	record Continued(Path path, BundleManifest manifest, byte[] module, InputFormat format) {

		static Continued read(final Path bundle, final LabelledImages data, final TrainingOptions options) {
			final BundleManifest manifest = ModelBundle.readManifest(bundle);
			if (!manifest.classes().equals(data.classes())) {
				throw new ZoomCamException("--resume " + bundle + " was trained on the classes " + manifest.classes() +
					" but " + data.source() + " has " + data.classes() + "; continue only with the same classes in the " +
					"same order (or train a new network)");
			}
			if (manifest.output() != data.kind().output()) {
				throw new ZoomCamException("--resume " + bundle + " has " + manifest.output().name().toLowerCase(Locale.ROOT) +
					" outputs but the data are " + data.kind() + "; continue only with the same kind of labels");
			}
			if (!options.inputSizeFromData() && (options.inputHeight() != manifest.height() || options
				.inputWidth() != manifest.width()))
			{
				throw new ZoomCamException("--resume " + bundle + " takes " + manifest.height() + "x" + manifest.width() +
					" inputs; leave --input-size out (or auto) when continuing");
			}
			final Preprocessing p = manifest.preprocessing();
			final InputFormat format = new InputFormat(manifest.channels(), manifest.height(), manifest.width(), p
				.range8(), p.range16(), p.range32());
			return new Continued(bundle.toAbsolutePath().normalize(), manifest, readModule(bundle), format);
		}

		private static byte[] readModule(final Path bundle) {
			try {
				if (Files.isDirectory(bundle)) return Files.readAllBytes(bundle.resolve(BundleWriter.MODEL));
				try (InputStream in = Files.newInputStream(bundle); ZipInputStream zip = new ZipInputStream(in)) {
					ZipEntry entry;
					while ((entry = zip.getNextEntry()) != null) {
						if (entry.getName().equals(BundleWriter.MODEL) || entry.getName().endsWith("/" + BundleWriter.MODEL)) {
							return zip.readAllBytes();
						}
					}
				}
				throw new ZoomCamException("--resume " + bundle + " has no model.pt; give a complete bundle");
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot read --resume " + bundle + " (" + e.getMessage() +
					"); give a bundle folder or .zip");
			}
		}

		void check(final TrainableNetwork network, final TrainingMonitor monitor) {
			if (network.fromTemplate()) {
				if (network.classCount() != manifest.classes().size()) {
					throw new ZoomCamException("--resume " + path + ": model.pt gives " + network.classCount() +
						" classes but zoomcam.json lists " + manifest.classes().size() + "; the bundle is damaged");
				}
				return;
			}
			monitor.message("note: " + path + " was not made from a Zoom-CAM template (no " +
				ModelTemplate.CLASS_COUNT_PARAMETER + " parameter); its weights are trained, but a traced network keeps " +
				"the BatchNorm mode it was exported in (usually fixed statistics)");
		}
	}
}
