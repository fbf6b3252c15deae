package io.github.zoomcam.engine.train;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.DeviceChoice;

import java.nio.file.Path;

/**
 * How to train. Build with {@link #builder()}; every value is checked here, once, with a one-line message
 * naming the command-line option (the Fiji command's parameter of the same name in snake case).
 *
 * @param arch template architecture (see {@link TemplateCatalog})
 * @param epochs epochs at most
 * @param batchSize images per optimisation step
 * @param learningRate peak learning rate of the one-cycle schedule
 * @param weightDecay decoupled weight decay (AdamW)
 * @param validationFraction share of the images held out, per class, to score each epoch
 * @param device where the network trains
 * @param seed fixes the initial weights, the split, the order and the augmentation
 * @param inputHeight model input height; 0 = from the data
 * @param inputWidth model input width; 0 = from the data
 * @param crop side of the random square crops trained on; 0 = whole images
 * @param patience epochs without improvement before stopping early; 0 = never stop early
 * @param augment random flips, right-angle rotations, intensity changes and noise
 * @param resume a bundle whose network training continues from, or null
 * @param overwrite replace an existing output bundle
 * @param command the command line or macro call, recorded in the bundle (may be empty)
 */
public record TrainingOptions(String arch, int epochs, int batchSize, double learningRate, double weightDecay,
	double validationFraction, DeviceChoice device, long seed, int inputHeight, int inputWidth, int crop,
	int patience, boolean augment, Path resume, boolean overwrite, String command)
{

	public static final String DEFAULT_ARCH = "demonet";
	public static final int DEFAULT_EPOCHS = 20;
	public static final int DEFAULT_BATCH = 32;
	public static final double DEFAULT_LEARNING_RATE = 3e-3;
	public static final double DEFAULT_WEIGHT_DECAY = 1e-4;
	public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
	public static final int DEFAULT_PATIENCE = 5;
	public static final long DEFAULT_SEED = 1;
	public static final double MAX_VALIDATION_FRACTION = 0.5;

	public TrainingOptions {
		if (arch == null || arch.isBlank()) throw new ZoomCamException("--arch is empty; use one of: " +
			String.join(", ", TemplateCatalog.builtIn().architectures()));
		if (epochs < 1) throw new ZoomCamException("--epochs must be at least 1, got " + epochs);
		if (batchSize < 1) throw new ZoomCamException("--batch must be at least 1, got " + batchSize);
		if (!(learningRate > 0 && learningRate <= 1)) {
			throw new ZoomCamException("--lr must be above 0 and at most 1 (typical: 0.001 to 0.003), got " +
				learningRate);
		}
		if (!(weightDecay >= 0 && weightDecay < 1)) {
			throw new ZoomCamException("weight decay must be from 0 to below 1, got " + weightDecay);
		}
		if (!(validationFraction > 0 && validationFraction <= MAX_VALIDATION_FRACTION)) {
			throw new ZoomCamException("--val-fraction must be above 0 and at most " + MAX_VALIDATION_FRACTION +
				" (e.g. 0.2), got " + validationFraction);
		}
		if (device == null) device = DeviceChoice.AUTO;
		if (inputHeight < 0 || inputWidth < 0 || (inputHeight == 0) != (inputWidth == 0)) {
			throw new ZoomCamException("--input-size must be auto, N or HxW with positive sides");
		}
		if (crop < 0) throw new ZoomCamException("--crop must be 0 (whole images) or a side in pixels, got " + crop);
		if (patience < 0) throw new ZoomCamException("--patience must be 0 (never stop early) or more, got " +
			patience);
		arch = arch.trim();
		command = command == null ? "" : command;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** True when the input size comes from the data (or from the resumed bundle). */
	public boolean inputSizeFromData() {
		return inputHeight == 0;
	}

	/** Collects the options; unset values take the documented defaults. */
	public static final class Builder {

		private String arch = DEFAULT_ARCH;
		private int epochs = DEFAULT_EPOCHS;
		private int batchSize = DEFAULT_BATCH;
		private double learningRate = DEFAULT_LEARNING_RATE;
		private double weightDecay = DEFAULT_WEIGHT_DECAY;
		private double validationFraction = DEFAULT_VALIDATION_FRACTION;
		private DeviceChoice device = DeviceChoice.AUTO;
		private long seed = DEFAULT_SEED;
		private int inputHeight;
		private int inputWidth;
		private int crop;
		private int patience = DEFAULT_PATIENCE;
		private boolean augment = true;
		private Path resume;
		private boolean overwrite;
		private String command = "";

		private Builder() {}

		public Builder arch(final String value) {
			arch = value;
			return this;
		}

		public Builder epochs(final int value) {
			epochs = value;
			return this;
		}

		public Builder batchSize(final int value) {
			batchSize = value;
			return this;
		}

		public Builder learningRate(final double value) {
			learningRate = value;
			return this;
		}

		public Builder weightDecay(final double value) {
			weightDecay = value;
			return this;
		}

		public Builder validationFraction(final double value) {
			validationFraction = value;
			return this;
		}

		public Builder device(final DeviceChoice value) {
			device = value;
			return this;
		}

		public Builder seed(final long value) {
			seed = value;
			return this;
		}

		/** 0, 0 = from the data. */
		public Builder inputSize(final int height, final int width) {
			inputHeight = height;
			inputWidth = width;
			return this;
		}

		public Builder crop(final int value) {
			crop = value;
			return this;
		}

		public Builder patience(final int value) {
			patience = value;
			return this;
		}

		public Builder augment(final boolean value) {
			augment = value;
			return this;
		}

		public Builder resume(final Path value) {
			resume = value;
			return this;
		}

		public Builder overwrite(final boolean value) {
			overwrite = value;
			return this;
		}

		public Builder command(final String value) {
			command = value;
			return this;
		}

		public TrainingOptions build() {
			return new TrainingOptions(arch, epochs, batchSize, learningRate, weightDecay, validationFraction, device,
				seed, inputHeight, inputWidth, crop, patience, augment, resume, overwrite, command);
		}
	}

	/**
	 * Parses "auto", "N" or "HxW" (as the command line and the Fiji dialog write it).
	 *
	 * @return {height, width}; {0, 0} for auto
	 */
	public static int[] parseInputSize(final String text) {
		final String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
		if (t.isEmpty() || t.equals("auto")) return new int[] {0, 0};
		try {
			final String[] parts = t.split("x");
			final int h = Integer.parseInt(parts[0].trim());
			final int w = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : h;
			if (parts.length > 2 || h < 8 || w < 8) throw new NumberFormatException();
			return new int[] {h, w};
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("input size '" + text + "' is not understood; use auto, a side such as 128, " +
				"or HxW such as 96x128 (at least 8 pixels)");
		}
	}
}
