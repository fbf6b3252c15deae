package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.List;

/**
 * MaxBoxAccV2 (Choe et al., "Evaluating Weakly Supervised Object Localization Methods Right",
 * CVPR 2020), accumulated image by image.
 *
 * <p>For thresholds t_i = i / 100, i = 0..100 (compared as the float nearest to i / 100) and IoU
 * criteria delta in {0.3, 0.5, 0.7}: an image is right at (t, delta) when the bounding box of some
 * 8-connected component of its foreground (value >= t and value > 0, see the package conventions) has
 * IoU >= delta with some ground-truth box of the ground-truth class. BoxAcc(t, delta) is the fraction
 * of images right, and MaxBoxAccV2 = mean over the three deltas of max over t of BoxAcc(t, delta).
 *
 * <p>Each image costs one counting sort of its positive pixels by threshold and one union-find sweep
 * from the highest threshold down, growing components pixel by pixel and tracking each component's best
 * IoU, instead of labelling the map 101 times. Work arrays are kept between images of the same or
 * smaller size. Not thread-safe.
 */
public final class MaxBoxAccV2 {

	/** Number of thresholds, 0.00..1.00 in steps of 0.01. */
	public static final int THRESHOLDS = 101;

	private static final double[] DELTAS = {0.3, 0.5, 0.7};

	/** right[i * DELTAS.length + d]: images right at threshold i and delta d. */
	private final int[] right = new int[THRESHOLDS * DELTAS.length];
	private int images;

	private int[] pixelLevel = new int[0];
	private int[] pixelsByLevel = new int[0];
	private int[] parent = new int[0];
	private int[] size = new int[0];
	private int[] minX = new int[0];
	private int[] minY = new int[0];
	private int[] maxX = new int[0];
	private int[] maxY = new int[0];
	private double[] bestIoU = new double[0];

	/** The IoU criteria, in the order used by the delta indices of this class. */
	public static double[] deltas() {
		return DELTAS.clone();
	}

	/** Threshold t_i = i / 100 as compared with the map's float values. */
	public static float threshold(final int index) {
		if (index < 0 || index >= THRESHOLDS) {
			throw new ZoomCamException("threshold index " + index + " is outside 0.." + (THRESHOLDS - 1));
		}
		return (float) (index / 100.0);
	}

	/**
	 * Adds one image: the min-max normalised map of its ground-truth class (values in [0, 1], else a
	 * {@link ZoomCamException}) and that class's ground-truth boxes (at least one).
	 */
	public void add(final String imageName, final float[] normalisedMap, final int width, final int height,
		final List<Box> groundTruthBoxes)
	{
		final String name = Maps.imageName(imageName, images + 1);
		Maps.requireNormalised("of image " + name, normalisedMap, width, height);
		if (groundTruthBoxes == null || groundTruthBoxes.isEmpty()) {
			throw new ZoomCamException("image " + name + " has no ground-truth box; MaxBoxAccV2 needs at least one");
		}
		final int[] truth = new int[4 * groundTruthBoxes.size()];
		for (int g = 0; g < groundTruthBoxes.size(); g++) {
			final Box b = groundTruthBoxes.get(g);
			truth[4 * g] = b.x();
			truth[4 * g + 1] = b.y();
			truth[4 * g + 2] = b.width();
			truth[4 * g + 3] = b.height();
		}
		ensureCapacity(normalisedMap.length);
		// Counting sort of the positive pixels by the highest threshold they reach (zero pixels are never
		// foreground and are left out); only that order matters, not the order within a threshold.
		final int[] levelStart = new int[THRESHOLDS + 1];
		for (int i = 0; i < normalisedMap.length; i++) {
			if (normalisedMap[i] > 0f) {
				final int level = level(normalisedMap[i]);
				pixelLevel[i] = level;
				levelStart[level + 1]++;
			}
		}
		for (int t = 0; t < THRESHOLDS; t++) levelStart[t + 1] += levelStart[t];
		final int[] fill = Arrays.copyOf(levelStart, THRESHOLDS);
		// Pixels of threshold level t end up in pixelsByLevel[levelStart[t] .. levelStart[t + 1]).
		for (int i = 0; i < normalisedMap.length; i++) {
			if (normalisedMap[i] > 0f) pixelsByLevel[fill[pixelLevel[i]]++] = i;
		}
		Arrays.fill(parent, 0, normalisedMap.length, -1);
		final int[] componentsRight = new int[DELTAS.length];
		for (int t = THRESHOLDS - 1; t >= 0; t--) {
			for (int k = levelStart[t]; k < levelStart[t + 1]; k++) {
				addPixel(pixelsByLevel[k], width, height, truth, componentsRight);
			}
			for (int d = 0; d < DELTAS.length; d++) {
				if (componentsRight[d] > 0) right[t * DELTAS.length + d]++;
			}
		}
		images++;
	}

	/** Number of images added. */
	public int images() {
		return images;
	}

	/** BoxAcc(t_thresholdIndex, deltas()[deltaIndex]); NaN before any image. */
	public double boxAccuracy(final int thresholdIndex, final int deltaIndex) {
		threshold(thresholdIndex);
		if (deltaIndex < 0 || deltaIndex >= DELTAS.length) {
			throw new ZoomCamException("delta index " + deltaIndex + " is outside 0.." + (DELTAS.length - 1));
		}
		return images == 0 ? Double.NaN : (double) right[thresholdIndex * DELTAS.length + deltaIndex] / images;
	}

	/** max over t of BoxAcc(t, deltas()[deltaIndex]). */
	public double maxBoxAccuracy(final int deltaIndex) {
		return boxAccuracy(bestThresholdIndex(deltaIndex), deltaIndex);
	}

	/** The lowest threshold index reaching {@link #maxBoxAccuracy(int)}. */
	public int bestThresholdIndex(final int deltaIndex) {
		int best = 0;
		for (int t = 1; t < THRESHOLDS; t++) {
			if (boxAccuracy(t, deltaIndex) > boxAccuracy(best, deltaIndex)) best = t;
		}
		return best;
	}

	/** MaxBoxAccV2: mean over the three deltas of {@link #maxBoxAccuracy(int)}; NaN before any image. */
	public double value() {
		double sum = 0;
		for (int d = 0; d < DELTAS.length; d++) sum += maxBoxAccuracy(d);
		return sum / DELTAS.length;
	}

	/** The highest threshold index i with value >= threshold(i), for a value in (0, 1]. */
	private static int level(final float value) {
		int level = Math.min(THRESHOLDS - 1, (int) (value * 100.0));
		// value * 100 can land one step off either way after rounding; the float comparison decides.
		while (level < THRESHOLDS - 1 && value >= threshold(level + 1)) level++;
		while (level > 0 && value < threshold(level)) level--;
		return level;
	}

	private void addPixel(final int pixel, final int width, final int height, final int[] truth,
		final int[] componentsRight)
	{
		final int x = pixel % width;
		final int y = pixel / width;
		parent[pixel] = pixel;
		size[pixel] = 1;
		minX[pixel] = maxX[pixel] = x;
		minY[pixel] = maxY[pixel] = y;
		bestIoU[pixel] = bestIoU(pixel, truth);
		count(bestIoU[pixel], componentsRight, 1);
		for (int dy = -1; dy <= 1; dy++) {
			final int ny = y + dy;
			if (ny < 0 || ny >= height) continue;
			for (int dx = -1; dx <= 1; dx++) {
				final int nx = x + dx;
				if ((dx == 0 && dy == 0) || nx < 0 || nx >= width) continue;
				final int neighbour = ny * width + nx;
				if (parent[neighbour] >= 0) union(pixel, neighbour, truth, componentsRight);
			}
		}
	}

	private void union(final int a, final int b, final int[] truth, final int[] componentsRight) {
		int ra = find(a);
		int rb = find(b);
		if (ra == rb) return;
		if (size[ra] < size[rb]) {
			final int swap = ra;
			ra = rb;
			rb = swap;
		}
		count(bestIoU[ra], componentsRight, -1);
		count(bestIoU[rb], componentsRight, -1);
		parent[rb] = ra;
		size[ra] += size[rb];
		minX[ra] = Math.min(minX[ra], minX[rb]);
		minY[ra] = Math.min(minY[ra], minY[rb]);
		maxX[ra] = Math.max(maxX[ra], maxX[rb]);
		maxY[ra] = Math.max(maxY[ra], maxY[rb]);
		bestIoU[ra] = bestIoU(ra, truth);
		count(bestIoU[ra], componentsRight, 1);
	}

	private int find(int i) {
		while (parent[i] != i) {
			parent[i] = parent[parent[i]];
			i = parent[i];
		}
		return i;
	}

	private double bestIoU(final int root, final int[] truth) {
		final int w = maxX[root] - minX[root] + 1;
		final int h = maxY[root] - minY[root] + 1;
		double best = 0;
		for (int g = 0; g < truth.length; g += 4) {
			best = Math.max(best, Box.iou(minX[root], minY[root], w, h, truth[g], truth[g + 1], truth[g + 2], truth[g + 3]));
		}
		return best;
	}

	/** Adds {@code change} to the number of components meeting each delta. */
	private static void count(final double iou, final int[] componentsRight, final int change) {
		for (int d = 0; d < DELTAS.length; d++) {
			if (iou >= DELTAS[d]) componentsRight[d] += change;
		}
	}

	private void ensureCapacity(final int pixels) {
		if (parent.length >= pixels) return;
		pixelLevel = new int[pixels];
		pixelsByLevel = new int[pixels];
		parent = new int[pixels];
		size = new int[pixels];
		minX = new int[pixels];
		minY = new int[pixels];
		maxX = new int[pixels];
		maxY = new int[pixels];
		bestIoU = new double[pixels];
	}
}
