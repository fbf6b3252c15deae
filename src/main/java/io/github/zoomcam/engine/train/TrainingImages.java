package io.github.zoomcam.engine.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.Preprocessing.ValueRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The readable images of a data set, each brought to the network input exactly as the engine does when it
 * explains: the bit depth's value range mapped to [0, 1] (per image minimum and maximum for "min-max"), a
 * grey image replicated for an RGB network, then a bilinear resize (half-pixel centres) to the input size.
 * Kept on the host in [0, 1]; mean and standard deviation are applied per batch on the device, after the
 * intensity augmentation. Unreadable images are skipped and counted.
 */
public final class TrainingImages {

	/** Bilinear, as the engine's resize (torch interpolate mode 2, align_corners=false). */
	private static final int BILINEAR = 2;
	private static final int NAMES_SHOWN = 3;

	private final List<String> classes;
	private final LabelKind kind;
	private final InputFormat format;
	private final String[] names;
	private final float[][] pixels;
	private final float[][] targets;
	private final List<String> skipped;
	private final int resized;
	private final int greyReplicated;
	private final TreeMap<Integer, Integer> bitDepths;

	private TrainingImages(final List<String> classes, final LabelKind kind, final InputFormat format,
		final String[] names, final float[][] pixels, final float[][] targets, final List<String> skipped,
		final int resized, final int greyReplicated, final TreeMap<Integer, Integer> bitDepths)
	{
		this.classes = List.copyOf(classes);
		this.kind = kind;
		this.format = format;
		this.names = names;
		this.pixels = pixels;
		this.targets = targets;
		this.skipped = List.copyOf(skipped);
		this.resized = resized;
		this.greyReplicated = greyReplicated;
		this.bitDepths = bitDepths;
	}

	/**
	 * Reads every image once and converts it to the input format.
	 *
	 * @param fixedFormat the format of a network being continued, or null to derive it from the data (input size
	 *          from {@code height}/{@code width} when positive, else the median image size)
	 */
	public static TrainingImages read(final LabelledImages data, final InputFormat fixedFormat, final int height,
		final int width, final TrainingMonitor monitor)
	{
		final int n = data.size();
		if (n == 0) throw new ZoomCamException(data.source() + " holds no labelled images");
		final List<ImageInput> natives = new ArrayList<>(n);
		final List<Integer> readable = new ArrayList<>(n);
		final List<String> skipped = new ArrayList<>();
		final int step = Math.max(1, n / 10);
		for (int i = 0; i < n; i++) {
			if (monitor.cancelled()) {
				throw new TrainingCancelledException("training cancelled while reading images; nothing was written");
			}
			try {
				final ImageInput image = data.load(i);
				checkFinite(image);
				natives.add(image);
				readable.add(i);
			}
			catch (final ZoomCamException e) {
				skipped.add(data.name(i) + ": " + e.getMessage());
			}
			if ((i + 1) % step == 0 || i + 1 == n) monitor.message("read " + (i + 1) + "/" + n + " images");
		}
		if (!skipped.isEmpty()) {
			monitor.message("skipped " + skipped.size() + " unreadable image(s): " + String.join("; ", skipped.subList(0,
				Math.min(NAMES_SHOWN, skipped.size()))) + (skipped.size() > NAMES_SHOWN ? "; ..." : ""));
		}
		if (natives.isEmpty()) {
			throw new ZoomCamException("none of the " + n + " images in " + data.source() + " could be read (" +
				skipped.get(0) + "); check the files open in Fiji");
		}
		final InputFormat format = fixedFormat != null ? fixedFormat : deriveFormat(natives, height, width);
		final TreeMap<Integer, Integer> bitDepths = new TreeMap<>();
		final String[] names = new String[natives.size()];
		final float[][] pixels = new float[natives.size()][];
		final float[][] targets = new float[natives.size()][];
		int resized = 0;
		int grey = 0;
		try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
			for (int k = 0; k < natives.size(); k++) {
				final ImageInput image = natives.get(k);
				natives.set(k, null); // the native-size copy is no longer needed
				names[k] = data.name(readable.get(k));
				targets[k] = data.target(readable.get(k)).clone();
				bitDepths.merge(image.bitDepth(), 1, Integer::sum);
				if (image.channels() != format.channels()) grey++;
				if (image.width() != format.width() || image.height() != format.height()) resized++;
				pixels[k] = toInput(manager, image, format, names[k]);
			}
		}
		return new TrainingImages(data.classes(), data.kind(), format, names, pixels, targets, skipped, resized, grey,
			bitDepths);
	}

	/**
	 * Channels: RGB when any image is RGB (grey ones are replicated, as the engine does); value ranges: 8-bit
	 * [0, 255], 16-bit [0, 2^b - 1] with b the fewest bits that hold the largest 16-bit value of the data (a
	 * 12-bit camera gives [0, 4095]), 32-bit per-image minimum and maximum; size: the median height and width.
	 */
	static InputFormat deriveFormat(final List<ImageInput> images, final int height, final int width) {
		int channels = 1;
		float max16 = 0;
		for (final ImageInput image : images) {
			if (image.channels() != 1 && image.channels() != 3) {
				throw new ZoomCamException(image.name() + " has " + image.channels() + " channels; the trainer takes " +
					"grey (1 channel) or RGB (3 channels) images: convert the images (Image > Type > RGB Color, or pick " +
					"one channel)");
			}
			channels = Math.max(channels, image.channels());
			if (image.bitDepth() == 16) {
				for (final float[] plane : image.planes()) for (final float v : plane) max16 = Math.max(max16, v);
			}
		}
		final int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros((int) max16));
		final ValueRange range16 = ValueRange.fixed(0, max16 > 0 ? (1 << bits) - 1 : 65535);
		final int h = height > 0 ? height : median(images.stream().mapToInt(ImageInput::height).toArray());
		final int w = width > 0 ? width : median(images.stream().mapToInt(ImageInput::width).toArray());
		return new InputFormat(channels, h, w, ValueRange.fixed(0, 255), range16, ValueRange.minMax());
	}

	private static int median(final int[] values) {
		final int[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static void checkFinite(final ImageInput image) {
		for (final float[] plane : image.planes()) {
			for (final float v : plane) {
				if (!Float.isFinite(v)) throw new ZoomCamException("contains NaN or infinite pixels");
			}
		}
	}

	/** One image in [0, 1] at the input size, channels first. */
	private static float[] toInput(final NDManager manager, final ImageInput image, final InputFormat format,
		final String name)
	{
		float[][] planes = image.planes();
		if (planes.length != format.channels()) {
			if (planes.length == 1 && format.channels() == 3) {
				planes = new float[][] {planes[0], planes[0], planes[0]};
			}
			else {
				throw new ZoomCamException(name + " has " + planes.length + " channel(s) but the network takes " +
					format.channels() + "; convert the images to " + (format.channels() == 1 ? "grey" : "RGB") + " first");
			}
		}
		final ValueRange range = format.rangeFor(image.bitDepth());
		float low = (float) range.low();
		float high = (float) range.high();
		if (range.perImageMinMax()) {
			low = Float.POSITIVE_INFINITY;
			high = Float.NEGATIVE_INFINITY;
			for (final float[] p : planes) {
				for (final float v : p) {
					low = Math.min(low, v);
					high = Math.max(high, v);
				}
			}
		}
		final float scale = high > low ? high - low : 1f;
		final int plane = image.width() * image.height();
		final float[] flat = new float[planes.length * plane];
		for (int c = 0; c < planes.length; c++) {
			for (int i = 0; i < plane; i++) flat[c * plane + i] = (planes[c][i] - low) / scale;
		}
		if (image.width() == format.width() && image.height() == format.height()) return flat;
		try (NDManager sub = manager.newSubManager()) {
			final NDArray x = sub.create(flat, new Shape(1, planes.length, image.height(), image.width()));
			return JniUtils.interpolate((PtNDArray) x, new long[] {format.height(), format.width()}, BILINEAR, false)
				.toFloatArray();
		}
	}

	public List<String> classes() {
		return classes;
	}

	public LabelKind kind() {
		return kind;
	}

	public InputFormat format() {
		return format;
	}

	/** Readable images. */
	public int size() {
		return pixels.length;
	}

	public String name(final int index) {
		return names[index];
	}

	/** The image at the input size, channels first, in [0, 1] (not normalised). Not a copy: do not modify. */
	float[] pixels(final int index) {
		return pixels[index];
	}

	public float[] target(final int index) {
		return targets[index].clone();
	}

	/** All targets (copies), one row per readable image. */
	public float[][] targets() {
		final float[][] out = new float[targets.length][];
		for (int i = 0; i < out.length; i++) out[i] = targets[i].clone();
		return out;
	}

	/** "name: reason" of every image that could not be read. */
	public List<String> skipped() {
		return skipped;
	}

	/** Images whose size differed from the input size. */
	public int resized() {
		return resized;
	}

	/** Grey images replicated for an RGB network. */
	public int greyReplicated() {
		return greyReplicated;
	}

	/** Images per bit depth (24 for RGB counts as 8). */
	public TreeMap<Integer, Integer> bitDepths() {
		return new TreeMap<>(bitDepths);
	}

	/**
	 * Per-channel mean and (population) standard deviation of the given images, in [0, 1] units.
	 *
	 * @return {mean, std}, each one value per channel
	 */
	public float[][] meanAndStd(final int[] indices) {
		final int channels = format.channels();
		final int plane = format.height() * format.width();
		final double[] sum = new double[channels];
		final double[] squares = new double[channels];
		for (final int n : indices) {
			final float[] p = pixels[n];
			for (int c = 0; c < channels; c++) {
				double s = 0;
				double q = 0;
				for (int i = c * plane; i < (c + 1) * plane; i++) {
					s += p[i];
					q += (double) p[i] * p[i];
				}
				sum[c] += s;
				squares[c] += q;
			}
		}
		final float[] mean = new float[channels];
		final float[] std = new float[channels];
		final double count = (double) indices.length * plane;
		for (int c = 0; c < channels; c++) {
			final double m = sum[c] / count;
			mean[c] = (float) m;
			// A constant channel would divide by zero; 1 keeps it finite and changes nothing else.
			final double sd = Math.sqrt(Math.max(0, squares[c] / count - m * m));
			std[c] = sd > 1e-6 ? (float) sd : 1f;
		}
		return new float[][] {mean, std};
	}

	/** For messages: "1200 x 8-bit, 30 x 16-bit". */
	public String describeBitDepths() {
		final List<String> parts = new ArrayList<>();
		bitDepths.forEach((depth, count) -> parts.add(count + " x " + (depth == 24 ? "RGB" : depth + "-bit")));
		return String.join(", ", parts);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%d images, %d x %d x %d input", size(), format.channels(), format.height(),
			format.width());
	}
}
