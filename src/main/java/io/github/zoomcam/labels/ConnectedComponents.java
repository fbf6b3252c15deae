package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * 8-connected component labelling of a binary image, with per-component area, bounding box and the
 * sum / maximum of a value map under each component.
 *
 * <p>Labels are 1..{@link #count()} in the raster order (row by row, left to right) of each component's
 * first pixel; 0 is background. Two pixels touching only at a corner belong to the same component.
 *
 * <p>The image is stored as horizontal runs of foreground pixels joined by union-find, so memory grows
 * with the number of runs, not with per-pixel objects; {@link #labels()} and {@link #mask} expand the
 * runs into fresh arrays on request.
 */
public final class ConnectedComponents {

	private final int width;
	private final int height;
	private final int count;
	/** First run index of each row, plus one entry past the last row. */
	private final int[] rowFirstRun;
	private final int[] runStart;
	private final int[] runEnd;
	private final int[] runLabel;
	// Per-label statistics, index 0 unused so that arrays are indexed by label.
	private final int[] area;
	private final int[] minX;
	private final int[] minY;
	private final int[] maxX;
	private final int[] maxY;
	private final double[] sum;
	private final float[] max;

	/** Labels the non-zero pixels of {@code mask}; every foreground pixel has value 1. */
	public static ConnectedComponents of(final byte[] mask, final int width, final int height) {
		return of(mask, null, width, height);
	}

	/** Labels the true pixels of {@code mask}; every foreground pixel has value 1. */
	public static ConnectedComponents of(final boolean[] mask, final int width, final int height) {
		if (mask == null) throw new ZoomCamException("mask is missing (null)");
		Maps.requireSize("mask", mask.length, width, height);
		final Runs runs = new Runs(width, height);
		for (int y = 0; y < height; y++) {
			runs.startRow(y);
			final int row = y * width;
			int x = 0;
			while (x < width) {
				while (x < width && !mask[row + x]) x++;
				if (x == width) break;
				final int start = x;
				while (x < width && mask[row + x]) x++;
				runs.add(start, x - 1);
			}
		}
		return new ConnectedComponents(runs, null);
	}

	/**
	 * Labels the non-zero pixels of {@code mask}, with statistics taken from {@code values} (same size;
	 * {@code null} means 1 for every foreground pixel).
	 */
	public static ConnectedComponents of(final byte[] mask, final float[] values, final int width,
		final int height)
	{
		if (mask == null) throw new ZoomCamException("mask is missing (null)");
		Maps.requireSize("mask", mask.length, width, height);
		if (values != null) Maps.requireFiniteRange("values", values, width, height);
		final Runs runs = new Runs(width, height);
		for (int y = 0; y < height; y++) {
			runs.startRow(y);
			final int row = y * width;
			int x = 0;
			while (x < width) {
				while (x < width && mask[row + x] == 0) x++;
				if (x == width) break;
				final int start = x;
				while (x < width && mask[row + x] != 0) x++;
				runs.add(start, x - 1);
			}
		}
		return new ConnectedComponents(runs, values);
	}

	/**
	 * Labels the foreground of a map at a threshold: pixels with {@code value >= threshold} and
	 * {@code value > 0} (see the package conventions). Statistics come from the map.
	 */
	public static ConnectedComponents ofThreshold(final String mapName, final float[] map, final int width,
		final int height, final float threshold)
	{
		Maps.requireFiniteRange(mapName, map, width, height);
		return ofCheckedThreshold(map, width, height, threshold);
	}

	/** {@link #ofThreshold(String, float[], int, int, float)} for a map the caller has already checked. */
	static ConnectedComponents ofCheckedThreshold(final float[] map, final int width, final int height,
		final float threshold)
	{
		// One comparison per pixel instead of two: v >= max(t, smallest positive) <=> v >= t && v > 0.
		final float cut = Threshold.effectiveCut(threshold);
		final Runs runs = new Runs(width, height);
		for (int y = 0; y < height; y++) {
			runs.startRow(y);
			final int row = y * width;
			final int rowEnd = row + width;
			int i = row;
			while (i < rowEnd) {
				while (i < rowEnd && !(map[i] >= cut)) i++;
				if (i == rowEnd) break;
				final int start = i;
				while (i < rowEnd && map[i] >= cut) i++;
				runs.add(start - row, i - 1 - row);
			}
		}
		return new ConnectedComponents(runs, map);
	}

	private ConnectedComponents(final Runs runs, final float[] values) {
		width = runs.width;
		height = runs.height;
		runs.finishRows();
		rowFirstRun = runs.rowFirstRun;
		final int runCount = runs.count;
		runStart = runs.start;
		runEnd = runs.end;
		// Each root is the smallest run index of its set, i.e. the set's first run in raster order, and
		// every parent index is below its child's. So one forward sweep can overwrite parents with final
		// labels numbered by first pixel: when run r is reached its parent already holds the set's label.
		final int[] parent = runs.parent;
		int labels = 0;
		for (int r = 0; r < runCount; r++) {
			final int p = parent[r];
			parent[r] = p == r ? ++labels : parent[p];
		}
		runLabel = parent;
		count = labels;
		area = new int[labels + 1];
		minX = new int[labels + 1];
		minY = new int[labels + 1];
		maxX = new int[labels + 1];
		maxY = new int[labels + 1];
		sum = new double[labels + 1];
		max = new float[labels + 1];
		Arrays.fill(minX, Integer.MAX_VALUE);
		Arrays.fill(minY, Integer.MAX_VALUE);
		Arrays.fill(max, Float.NEGATIVE_INFINITY);
		for (int y = 0; y < height; y++) {
			for (int r = rowFirstRun[y]; r < rowFirstRun[y + 1]; r++) {
				final int label = runLabel[r];
				final int s = runStart[r];
				final int e = runEnd[r];
				area[label] += e - s + 1;
				if (s < minX[label]) minX[label] = s;
				if (e > maxX[label]) maxX[label] = e;
				if (y < minY[label]) minY[label] = y;
				maxY[label] = y;
				if (values == null) {
					sum[label] += e - s + 1;
					max[label] = 1f;
				}
				else {
					double runSum = 0;
					float runMax = max[label];
					for (int i = y * width + s, end = y * width + e; i <= end; i++) {
						final float v = values[i];
						runSum += v;
						if (v > runMax) runMax = v;
					}
					sum[label] += runSum;
					max[label] = runMax;
				}
			}
		}
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** Number of components n; labels run 1..n. */
	public int count() {
		return count;
	}

	/** The component with the given label (1..count()). */
	public Component component(final int label) {
		if (label < 1 || label > count) {
			throw new ZoomCamException("component label " + label + " does not exist; labels run 1.." + count);
		}
		return new Component(label, area[label], Box.fromCorners(minX[label], minY[label], maxX[label],
			maxY[label]), sum[label], max[label]);
	}

	/** All components in label order. */
	public List<Component> components() {
		final List<Component> list = new ArrayList<>(count);
		for (int label = 1; label <= count; label++) list.add(component(label));
		return Collections.unmodifiableList(list);
	}

	/** Pixel count of a component, without building its record. */
	public int area(final int label) {
		return area[label];
	}

	/** Sum of the values under a component, without building its record. */
	public double sumValue(final int label) {
		return sum[label];
	}

	/** A fresh label image: 0 background, 1..count() components. */
	public int[] labels() {
		final int[] labels = new int[width * height];
		for (int y = 0; y < height; y++) {
			for (int r = rowFirstRun[y]; r < rowFirstRun[y + 1]; r++) {
				Arrays.fill(labels, y * width + runStart[r], y * width + runEnd[r] + 1, runLabel[r]);
			}
		}
		return labels;
	}

	/**
	 * The pixels of one component inside a box, as a fresh box-sized mask (255 inside): a component's outline
	 * is traced from its box alone, without a label image of the whole image (4 bytes per pixel).
	 */
	public byte[] crop(final int label, final Box box) {
		final int bw = box.width();
		final byte[] crop = new byte[bw * box.height()];
		final int yEnd = Math.min(height, box.y() + box.height());
		for (int y = Math.max(0, box.y()); y < yEnd; y++) {
			final int row = (y - box.y()) * bw;
			for (int r = rowFirstRun[y]; r < rowFirstRun[y + 1]; r++) {
				if (runLabel[r] != label) continue;
				final int from = Math.max(runStart[r], box.x());
				final int to = Math.min(runEnd[r], box.x() + bw - 1);
				if (from <= to) Arrays.fill(crop, row + from - box.x(), row + to - box.x() + 1, (byte) 255);
			}
		}
		return crop;
	}

	/**
	 * {@link #mask(IntPredicate)} at one bit per pixel (bit i of word i / 64 for pixel i): what a
	 * {@link PseudoLabel} holds, made without the byte-per-pixel mask.
	 */
	long[] maskBits(final IntPredicate keep) {
		final boolean[] kept = new boolean[count + 1];
		for (int label = 1; label <= count; label++) kept[label] = keep.test(label);
		final long[] bits = new long[(int) (((long) width * height + 63) >>> 6)];
		for (int y = 0; y < height; y++) {
			for (int r = rowFirstRun[y]; r < rowFirstRun[y + 1]; r++) {
				if (!kept[runLabel[r]]) continue;
				final int from = y * width + runStart[r];
				final int to = y * width + runEnd[r];
				for (int i = from; i <= to; i++) bits[i >>> 6] |= 1L << i;
			}
		}
		return bits;
	}

	/** A fresh 0/1 mask holding the pixels of the components whose label passes {@code keep}. */
	public byte[] mask(final IntPredicate keep) {
		final boolean[] kept = new boolean[count + 1];
		for (int label = 1; label <= count; label++) kept[label] = keep.test(label);
		final byte[] mask = new byte[width * height];
		for (int y = 0; y < height; y++) {
			for (int r = rowFirstRun[y]; r < rowFirstRun[y + 1]; r++) {
				if (kept[runLabel[r]]) Arrays.fill(mask, y * width + runStart[r], y * width + runEnd[r] + 1, (byte) 1);
			}
		}
		return mask;
	}

	/** Growable run storage and the union-find that joins runs overlapping on 8-connected rows. */
	private static final class Runs {

		final int width;
		final int height;
		final int[] rowFirstRun;
		int[] start;
		int[] end;
		int[] parent;
		int count;
		private int previousRowFirst;
		private int currentRowFirst;
		/** First run of the previous row that can still touch a run of the current row. */
		private int cursor;

		Runs(final int width, final int height) {
			this.width = width;
			this.height = height;
			rowFirstRun = new int[height + 1];
			final int capacity = Math.max(16, 2 * height);
			start = new int[capacity];
			end = new int[capacity];
			parent = new int[capacity];
		}

		void startRow(final int y) {
			previousRowFirst = y == 0 ? 0 : rowFirstRun[y - 1];
			currentRowFirst = count;
			rowFirstRun[y] = count;
			cursor = previousRowFirst;
		}

		void finishRows() {
			rowFirstRun[height] = count;
		}

		/** Adds run [s, e] (inclusive columns) to the current row and joins it to touching runs above. */
		void add(final int s, final int e) {
			if (count == start.length) grow();
			final int id = count++;
			start[id] = s;
			end[id] = e;
			parent[id] = id;
			// Diagonal contact counts, so a run above touches when it overlaps [s - 1, e + 1].
			final int previousRowEnd = currentRowFirst;
			while (cursor < previousRowEnd && end[cursor] < s - 1) cursor++;
			for (int k = cursor; k < previousRowEnd && start[k] <= e + 1; k++) union(k, id);
		}

		private void union(final int a, final int b) {
			final int ra = find(parent, a);
			final int rb = find(parent, b);
			// Linking to the smaller index keeps each root the set's first run in raster order.
			if (ra < rb) parent[rb] = ra;
			else if (rb < ra) parent[ra] = rb;
		}

		static int find(final int[] parent, int i) {
			while (parent[i] != i) {
				parent[i] = parent[parent[i]];
				i = parent[i];
			}
			return i;
		}

		private void grow() {
			final int capacity = start.length + (start.length >> 1) + 1;
			start = Arrays.copyOf(start, capacity);
			end = Arrays.copyOf(end, capacity);
			parent = Arrays.copyOf(parent, capacity);
		}
	}
}
