package io.github.zoomcam.labels;

import ij.plugin.filter.BackgroundSubtracter;
import ij.plugin.filter.GaussianBlur;
import ij.plugin.filter.MaximumFinder;
import ij.process.AutoThresholder;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Image-guided pseudo-labels: object outlines come from the image, classes from the class maps. A CAM
 * locates a class but is drawn at the stride of its layers, far too coarse for an outline, while the image
 * itself shows where each object ends.
 *
 * <ol>
 * <li>Foreground ({@link #foreground}). The guide image, inverted when objects are dark on a bright
 * background, optionally smoothed (ImageJ's Gaussian Blur) and background-corrected (ImageJ's rolling
 * ball), is cut at ImageJ's automatic threshold, never below a noise floor (background median plus
 * {@code noiseFloor} robust standard deviations, and at least that many grey levels for integer images), so
 * that noise alone, a flat or an all-dark image gives nothing. 8-connected blobs smaller than
 * {@code minArea} are dropped. With {@code watershed}, touching objects are split where the outline narrows
 * ({@link DistanceWatershed}: ImageJ's distance map and maxima). With {@code mergeDistance}, small pieces
 * (under {@code mergeArea} pixels) of different blobs within that distance are joined into one object, so
 * that the dots of one cluster make one instance. Optionally ({@code prominence}) each object is divided
 * into intensity basins (ImageJ's Find Maxima, segmented). Finally each basin keeps only the pixels at or
 * above background + {@code edge} * (its peak - background): the blur halo goes, and a dim object keeps its
 * own outline beside a bright one.</li>
 * <li>Classes ({@link #annotate}). An object's evidence for class k is the mean over its pixels of class k's
 * evidence map ({@link ClassMap#evidenceMap()}) divided by that map's maximum. The best class labels the
 * object when its evidence reaches {@code minEvidence}; otherwise the object is background. When another
 * class's evidence reaches {@code splitEvidence} times the best (and {@code minEvidence}), the object is
 * split between those strong classes (objects of two classes that touch, which one mean over the whole
 * would give to one class): with intensity basins ({@code prominence}) each basin takes the strong class
 * with the most evidence over the basin, without them each pixel takes whichever strong class has the
 * higher max-scaled map there.</li>
 * <li>Instances. The pixels of one class within one object form one instance (also when the edge cut them
 * apart, as the dots of a cluster); instances under {@code minArea} pixels become background. Ids 1..n in
 * raster order of each instance's first pixel; an instance's score is its mean max-scaled evidence map.</li>
 * </ol>
 *
 * <p>Memory: a handful of image-sized float and int arrays; no per-pixel objects. ImageJ's filters run on
 * plain processors without an ImagePlus, headless; like ImageJ itself they leave ImageJ's shared worker
 * threads (non-daemon) alive, so a program that uses this class ends with {@code System.exit}.
 */
public final class ImageGuidedLabeler {

	/** Bins of the histogram the automatic thresholds see, as ImageJ uses for 16- and 32-bit images. */
	private static final int THRESHOLD_BINS = 256;
	/** Finer bins for the median and quartile of the background statistics. */
	private static final int QUANTILE_BINS = 4096;
	/** Standard normal quartile: (median - lower quartile) / 0.6745 estimates sigma. */
	private static final double NORMAL_QUARTILE = 0.6744897501960817;

	private ImageGuidedLabeler() {}

	/** Image-guided pseudo-labels; see the class description. */
	public static ImageAnnotation annotate(final String imageName, final int width, final int height,
		final List<ClassMap> maps, final float[] guide, final RefineOptions options)
	{
		return annotate(imageName, width, height, maps, guide, options, null);
	}

	/**
	 * As {@link #annotate(String, int, int, List, float[], RefineOptions)} with each class's evidence scaled by
	 * a given maximum instead of its maximum over these maps: a block of a larger image is labelled with the
	 * maxima over the whole image, so a block where a class is absent does not find it there by scaling its
	 * faint evidence up.
	 *
	 * @param mapMaxima per class, the maximum of its evidence map over the whole image (null: over these maps)
	 */
	public static ImageAnnotation annotate(final String imageName, final int width, final int height,
		final List<ClassMap> maps, final float[] guide, final RefineOptions options, final float[] mapMaxima)
	{
		if (maps == null) throw new ZoomCamException(imageName + ": class maps are missing (null)");
		final int pixels = Maps.pixelCount("image " + imageName, width, height);
		final int classCount = maps.size();
		final float[][] values = new float[classCount][];
		if (mapMaxima != null && mapMaxima.length != classCount) {
			throw new IllegalArgumentException(mapMaxima.length + " maxima for " + classCount + " classes");
		}
		final float[] maxima = new float[classCount];
		for (int m = 0; m < classCount; m++) {
			final ClassMap map = maps.get(m);
			if (map == null) throw new ZoomCamException(imageName + ": class map " + (m + 1) + " is missing (null)");
			values[m] = map.evidenceMap();
			final float own = Maps.requireFiniteRange(imageName + " / " + map.className(), values[m], width, height)[1];
			maxima[m] = mapMaxima == null ? own : Math.max(own, mapMaxima[m]);
		}
		final Foreground foreground = foreground(imageName, guide, width, height, options);
		final List<String> warnings = new ArrayList<>(foreground.warnings());
		final int[] basins = foreground.basinsShared();
		final int basinCount = foreground.basinCount();

		final int[] objects = foreground.objectsShared();
		final int objectCount = foreground.objectCount();

		// Evidence per object and class: the mean of the max-scaled map over the object.
		final double[] evidence = evidence(objects, objectCount, values, maxima, pixels);
		// Per object: -1 background, else the map position of its only class; SPLIT = two or more strong classes.
		final int[] objectClass = new int[objectCount + 1];
		final boolean[] strong = new boolean[(objectCount + 1) * classCount];
		int labelled = 0;
		for (int o = 1; o <= objectCount; o++) {
			final int row = o * classCount;
			int best = -1;
			double bestEvidence = 0;
			for (int m = 0; m < classCount; m++) {
				if (evidence[row + m] > bestEvidence) {
					bestEvidence = evidence[row + m];
					best = m;
				}
			}
			if (best < 0 || bestEvidence < options.minEvidence()) {
				objectClass[o] = -1;
				continue;
			}
			labelled++;
			int strongCount = 0;
			for (int m = 0; m < classCount; m++) {
				final double e = evidence[row + m];
				strong[row + m] = m == best || e >= options.splitEvidence() * bestEvidence && e >= options.minEvidence();
				if (strong[row + m]) strongCount++;
			}
			objectClass[o] = strongCount > 1 ? SPLIT : best;
		}
		if (objectCount > 0 && labelled == 0 && classCount > 0) {
			warnings.add(String.format(Locale.ROOT, "no object has class evidence >= %s: no labels",
				plain(options.minEvidence())));
		}
		// A split object with intensity basins: each basin takes the strong class with the most evidence over it.
		final int[] basinClass;
		if (basinCount != objectCount || options.prominence() > 0) {
			final double[] basinEvidence = evidence(basins, basinCount, values, maxima, pixels);
			basinClass = new int[basinCount + 1];
			Arrays.fill(basinClass, -1);
			for (int i = 0; i < pixels; i++) {
				final int b = basins[i];
				final int o = objects[i];
				if (b == 0 || o == 0 || objectClass[o] != SPLIT || basinClass[b] >= 0) continue;
				int best = -1;
				double bestEvidence = Double.NEGATIVE_INFINITY;
				for (int m = 0; m < classCount; m++) {
					if (strong[o * classCount + m] && basinEvidence[b * classCount + m] > bestEvidence) {
						bestEvidence = basinEvidence[b * classCount + m];
						best = m;
					}
				}
				basinClass[b] = best;
			}
		}
		else {
			basinClass = null;
		}
		final int[] pixelClass = new int[pixels];
		for (int i = 0; i < pixels; i++) {
			final int o = objects[i];
			final int assigned = o == 0 ? -1 : objectClass[o];
			if (assigned != SPLIT) {
				pixelClass[i] = assigned;
				continue;
			}
			if (basinClass != null) {
				pixelClass[i] = basinClass[basins[i]];
				continue;
			}
			// No basins: each pixel takes whichever strong class has the higher max-scaled map there.
			final int row = o * classCount;
			int best = -1;
			float bestValue = Float.NEGATIVE_INFINITY;
			for (int m = 0; m < classCount; m++) {
				if (!strong[row + m]) continue;
				final float scaled = values[m][i] / maxima[m];
				if (scaled > bestValue) {
					bestValue = scaled;
					best = m;
				}
			}
			pixelClass[i] = best;
		}

		final Grouping groups = group(foreground, pixelClass, classCount, options.minArea());
		final int[] instanceImage = groups.instanceImage();
		final int count = groups.count();
		final double[] scoreSum = new double[count + 1];
		final float[] scoreMax = new float[count + 1];
		final int[] labelImage = new int[pixels];
		final byte[] union = new byte[pixels];
		for (int i = 0; i < pixels; i++) {
			final int id = instanceImage[i];
			if (id == 0) continue;
			final int m = pixelClass[i];
			labelImage[i] = maps.get(m).classIndex() + 1;
			union[i] = (byte) 255;
			scoreSum[id] += values[m][i];
			scoreMax[id] = Math.max(scoreMax[id], values[m][i]);
		}
		final List<Instance> instances = new ArrayList<>(count);
		final List<List<Component>> componentsOf = new ArrayList<>();
		for (int m = 0; m < classCount; m++) componentsOf.add(new ArrayList<>());
		for (int id = 1; id <= count; id++) {
			final int m = groups.slot()[id];
			final ClassMap map = maps.get(m);
			final int instanceArea = groups.area()[id];
			final Box box = groups.box(id);
			final float score = (float) mean(scoreSum[id], instanceArea, maxima[m]);
			instances.add(new Instance(id, map.classIndex(), map.className(), score, box, instanceArea));
			componentsOf.get(m).add(new Component(id, instanceArea, box, scoreSum[id], scoreMax[id]));
		}
		final List<ClassAnnotation> classes = new ArrayList<>(classCount);
		for (int m = 0; m < classCount; m++) {
			final ClassMap map = maps.get(m);
			final byte[] mask = new byte[pixels];
			for (int i = 0; i < pixels; i++) {
				if (instanceImage[i] != 0 && pixelClass[i] == m) mask[i] = 1;
			}
			classes.add(new ClassAnnotation(map.classIndex(), map.className(), map.score(), new PseudoLabel(width,
				height, (float) options.minEvidence(), mask, componentsOf.get(m))));
		}
		return new ImageAnnotation(imageName, width, height, classes, labelImage, union, instances, instanceImage,
			warnings, options.toString());
	}

	private static final int SPLIT = -2;

	/** Per region (1..count) and class: the mean over the region of the class's map divided by its maximum. */
	private static double[] evidence(final int[] regions, final int count, final float[][] values,
		final float[] mapMaxima, final int pixels)
	{
		final int classCount = values.length;
		final int[] area = new int[count + 1];
		final double[] evidence = new double[(count + 1) * classCount];
		for (int i = 0; i < pixels; i++) {
			final int r = regions[i];
			if (r == 0) continue;
			area[r]++;
			final int row = r * classCount;
			for (int m = 0; m < classCount; m++) evidence[row + m] += values[m][i];
		}
		for (int r = 1; r <= count; r++) {
			for (int m = 0; m < classCount; m++) {
				evidence[r * classCount + m] = mean(evidence[r * classCount + m], area[r], mapMaxima[m]);
			}
		}
		return evidence;
	}

	private static double mean(final double sum, final int area, final float mapMax) {
		return area == 0 || !(mapMax > 0) ? 0 : sum / area / mapMax;
	}

	/**
	 * Instances of a labelled foreground: the pixels of one class slot within one object form one instance
	 * (even where the edge cut them apart, as the dots of one cluster); instances below {@code minArea}
	 * pixels are dropped. Ids run 1..count in raster order of each instance's first pixel.
	 *
	 * @param instanceImage 0 background or dropped, else the instance id
	 * @param slot per id, the class slot
	 * @param area per id, the pixel count
	 * @param bounds per id, minX, minY, maxX, maxY at [4 * id .. 4 * id + 3]
	 */
	record Grouping(int[] instanceImage, int count, int[] slot, int[] area, int[] bounds) {

		Box box(final int id) {
			return Box.fromCorners(bounds[4 * id], bounds[4 * id + 1], bounds[4 * id + 2], bounds[4 * id + 3]);
		}
	}

	/** Groups labelled pixels into instances; {@code pixelSlot} is -1 for unlabelled pixels. */
	static Grouping group(final Foreground foreground, final int[] pixelSlot, final int slots, final int minArea) {
		final int width = foreground.width();
		final int pixels = pixelSlot.length;
		final int[] objects = foreground.objectsShared();
		final int keys = (foreground.objectCount() + 1) * slots;
		final int[] provisionalOf = new int[keys];
		final List<int[]> stats = new ArrayList<>();
		final int[] instanceImage = new int[pixels];
		for (int i = 0; i < pixels; i++) {
			final int o = objects[i];
			final int s = pixelSlot[i];
			if (o == 0 || s < 0) continue;
			final int key = o * slots + s;
			int id = provisionalOf[key];
			if (id == 0) {
				stats.add(new int[] {s, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1});
				id = provisionalOf[key] = stats.size();
			}
			instanceImage[i] = id;
			final int[] st = stats.get(id - 1);
			final int x = i % width;
			final int y = i / width;
			st[1]++;
			st[2] = Math.min(st[2], x);
			st[3] = Math.min(st[3], y);
			st[4] = Math.max(st[4], x);
			st[5] = Math.max(st[5], y);
		}
		final int[] finalId = new int[stats.size() + 1];
		int count = 0;
		for (int k = 1; k <= stats.size(); k++) {
			if (stats.get(k - 1)[1] >= minArea) finalId[k] = ++count;
		}
		for (int i = 0; i < pixels; i++) instanceImage[i] = finalId[instanceImage[i]];
		final int[] slot = new int[count + 1];
		final int[] area = new int[count + 1];
		final int[] bounds = new int[4 * (count + 1)];
		for (int k = 1; k <= stats.size(); k++) {
			final int id = finalId[k];
			if (id == 0) continue;
			final int[] st = stats.get(k - 1);
			slot[id] = st[0];
			area[id] = st[1];
			System.arraycopy(st, 2, bounds, 4 * id, 4);
		}
		return new Grouping(instanceImage, count, slot, area, bounds);
	}

	/**
	 * The objects of the image alone (the first step of the class description), before any class map is
	 * read.
	 *
	 * @param guide raw grey intensities at width * height, any range
	 */
	public static Foreground foreground(final String imageName, final float[] guide, final int width,
		final int height, final RefineOptions options)
	{
		if (guide == null) {
			throw new ZoomCamException(imageName + ": image-guided refinement needs the image itself (guide is "
				+ "null); pass the grey image or choose refinement none");
		}
		final float[] range = Maps.requireFiniteRange("image " + imageName, guide, width, height);
		final int pixels = guide.length;
		final List<String> warnings = new ArrayList<>();
		final boolean dark = switch (options.polarity()) {
			case BRIGHT -> false;
			case DARK -> true;
			case AUTO -> isDarkOnBright(guide);
		};
		final double spread = (double) range[1] - range[0];
		if (!(spread > 1e-6 * Math.max(1, Math.max(Math.abs(range[0]), Math.abs(range[1]))))) {
			warnings.add("image is flat (every pixel " + plain(range[0]) + "): no labels");
			return Foreground.empty(width, height, dark, range[0], 0, Double.NaN, warnings);
		}
		// Differences below one grey level of an integer image are rounding, not signal.
		final double quantum = isIntegerValued(guide) ? 1 : 0;
		final float[] work = new float[pixels];
		for (int i = 0; i < pixels; i++) work[i] = dark ? range[1] - guide[i] : guide[i] - range[0];
		final FloatProcessor processor = new FloatProcessor(width, height, work);
		if (options.sigma() > 0) {
			final GaussianBlur blur = new GaussianBlur();
			blur.showProgress(false);
			blur.blurGaussian(processor, options.sigma());
		}
		if (options.rollingBallRadius() > 0) {
			new BackgroundSubtracter().rollingBallBackground(processor, options.rollingBallRadius(), false, false,
				false, false, true);
		}
		float min = Float.POSITIVE_INFINITY;
		float max = Float.NEGATIVE_INFINITY;
		for (final float v : work) {
			if (v < min) min = v;
			if (v > max) max = v;
		}
		final double[] quartiles = quantiles(work, min, max, 0.25, 0.5);
		final double background = quartiles[1];
		final double noise = Math.max((quartiles[1] - quartiles[0]) / NORMAL_QUARTILE, quantum);
		final double floor = background + options.noiseFloor() * noise;
		final double cut = Math.max(automaticCut(work, min, max, options.thresholdMethod()), floor);
		final byte[] mask = new byte[pixels];
		boolean any = false;
		for (int i = 0; i < pixels; i++) {
			if (work[i] >= cut && work[i] > background) {
				mask[i] = (byte) 255;
				any = true;
			}
		}
		if (any) any = removeSmall(mask, width, height, options.minArea());
		if (!any) {
			warnings.add(String.format(Locale.ROOT, "no object stands out from the background (noise floor %s "
				+ "above the background, brightest %s): no labels", plain(floor - background), plain(max - background)));
			return Foreground.empty(width, height, dark, background, noise, cut, warnings);
		}
		final int[] blobs = ConnectedComponents.of(mask, width, height).labels();
		int[] objects = blobs;
		if (options.watershed()) objects = DistanceWatershed.split(mask, width, height, options.watershedTolerance());
		if (options.mergeDistance() > 0) {
			objects = mergeNearby(objects, blobs, width, height, options.mergeDistance(), options.mergeArea());
		}
		int objectCount = 0;
		for (final int o : objects) objectCount = Math.max(objectCount, o);
		final int[] basins;
		final int basinCount;
		if (options.prominence() > 0) {
			final ByteProcessor segmented = new MaximumFinder().findMaxima(processor, options.prominence() * noise,
				cut, MaximumFinder.SEGMENTED, false, false);
			final byte[] split = (byte[]) segmented.getPixels();
			for (int i = 0; i < pixels; i++) {
				if (mask[i] == 0) split[i] = 0;
			}
			final int[] raw = ConnectedComponents.of(split, width, height).labels();
			reattachCutLines(raw, mask, width, height);
			// A basin must not span two objects: number the (object, basin) pairs.
			basins = new int[pixels];
			final Map<Long, Integer> ids = new HashMap<>();
			for (int i = 0; i < pixels; i++) {
				if (objects[i] == 0) continue;
				final long key = (long) objects[i] << 32 | (raw[i] & 0xffffffffL);
				basins[i] = ids.computeIfAbsent(key, k -> ids.size() + 1);
			}
			basinCount = ids.size();
		}
		else {
			basins = objects.clone();
			basinCount = objectCount;
		}
		if (options.edge() > 0) {
			final float[] peak = new float[basinCount + 1];
			Arrays.fill(peak, Float.NEGATIVE_INFINITY);
			for (int i = 0; i < pixels; i++) {
				if (basins[i] != 0) peak[basins[i]] = Math.max(peak[basins[i]], work[i]);
			}
			// Each basin's peak survives, so every basin and object keeps pixels and the numbering stays dense.
			for (int i = 0; i < pixels; i++) {
				final int b = basins[i];
				if (b != 0 && work[i] < background + options.edge() * (peak[b] - background)) {
					basins[i] = 0;
					objects[i] = 0;
				}
			}
		}
		return new Foreground(width, height, objects, objectCount, basins, basinCount, dark, background, noise, cut,
			warnings);
	}

	/**
	 * Whether the image looks like dark objects on a bright background: objects are the minority of the
	 * pixels, so the median lies in the background, and the objects make the longer tail of the
	 * histogram. Dark-on-bright when the median is further from the low end (0.5th percentile) than from
	 * the high end (99.5th percentile).
	 */
	public static boolean isDarkOnBright(final float[] image) {
		float min = Float.POSITIVE_INFINITY;
		float max = Float.NEGATIVE_INFINITY;
		for (final float v : image) {
			if (v < min) min = v;
			if (v > max) max = v;
		}
		if (!(max > min)) return false;
		final double[] q = quantiles(image, min, max, 0.005, 0.5, 0.995);
		return q[1] - q[0] > q[2] - q[1];
	}

	/** The smallest value above ImageJ's automatic threshold level on a 256-bin histogram over [min, max]. */
	private static double automaticCut(final float[] work, final float min, final float max,
		final AutoThresholder.Method method)
	{
		if (!(max > min)) return max;
		final int[] histogram = new int[THRESHOLD_BINS];
		final double scale = THRESHOLD_BINS / ((double) max - min);
		for (final float v : work) histogram[Math.min(THRESHOLD_BINS - 1, (int) ((v - min) * scale))]++;
		final int level = new AutoThresholder().getThreshold(method, histogram);
		// ImageJ's convention for a dark background: bins above the level are the objects.
		return min + (level + 1) / scale;
	}

	/** Quantiles from a fine histogram, linearly interpolated within a bin. */
	private static double[] quantiles(final float[] values, final float min, final float max,
		final double... fractions)
	{
		final double[] out = new double[fractions.length];
		if (!(max > min)) {
			Arrays.fill(out, min);
			return out;
		}
		final int[] histogram = new int[QUANTILE_BINS];
		final double scale = QUANTILE_BINS / ((double) max - min);
		for (final float v : values) histogram[Math.min(QUANTILE_BINS - 1, (int) ((v - min) * scale))]++;
		for (int f = 0; f < fractions.length; f++) {
			final double target = fractions[f] * values.length;
			long cumulative = 0;
			int bin = 0;
			while (bin < QUANTILE_BINS - 1 && cumulative + histogram[bin] < target) cumulative += histogram[bin++];
			final double within = histogram[bin] == 0 ? 0 : (target - cumulative) / histogram[bin];
			out[f] = min + (bin + Math.max(0, Math.min(1, within))) / scale;
		}
		return out;
	}

	private static boolean isIntegerValued(final float[] values) {
		for (final float v : values) {
			if (v != Math.rint(v)) return false;
		}
		return true;
	}

	/** Clears 8-connected blobs below minArea; returns whether any foreground is left. */
	private static boolean removeSmall(final byte[] mask, final int width, final int height, final int minArea) {
		final ConnectedComponents components = ConnectedComponents.of(mask, width, height);
		boolean any = false;
		boolean anySmall = false;
		for (int label = 1; label <= components.count(); label++) {
			if (components.area(label) >= minArea) any = true;
			else anySmall = true;
		}
		if (anySmall) {
			final byte[] kept = components.mask(label -> components.area(label) >= minArea);
			for (int i = 0; i < mask.length; i++) mask[i] = kept[i] != 0 ? (byte) 255 : 0;
		}
		return any;
	}

	/** Each labelled region grown into the background by up to {@code steps} 8-neighbour steps (first come). */
	static int[] grow(final int[] labels, final int width, final int height, final int steps) {
		final int pixels = labels.length;
		final int[] grown = labels.clone();
		int[] front = new int[pixels];
		int frontSize = 0;
		for (int i = 0; i < pixels; i++) {
			if (grown[i] != 0) front[frontSize++] = i;
		}
		int[] next = new int[pixels];
		for (int step = 0; step < steps && frontSize > 0; step++) {
			int nextSize = 0;
			for (int f = 0; f < frontSize; f++) {
				final int p = front[f];
				final int x = p % width;
				final int y = p / width;
				for (int dy = -1; dy <= 1; dy++) {
					final int yy = y + dy;
					if (yy < 0 || yy >= height) continue;
					for (int dx = -1; dx <= 1; dx++) {
						final int xx = x + dx;
						if (xx < 0 || xx >= width) continue;
						final int q = yy * width + xx;
						if (grown[q] == 0) {
							grown[q] = grown[p];
							next[nextSize++] = q;
						}
					}
				}
			}
			final int[] swap = front;
			front = next;
			next = swap;
			frontSize = nextSize;
		}
		return grown;
	}

	/**
	 * Joins small objects (under {@code smallLimit} pixels) of different blobs that come within
	 * {@code distance} pixels of each other (objects of one blob stay apart: the watershed separated them on
	 * purpose). Each object grows into the background by half the distance, one 8-neighbour step at a time;
	 * small objects whose grown regions touch are joined. Returns the objects renumbered 1..n in raster order
	 * of first pixel.
	 */
	private static int[] mergeNearby(final int[] objects, final int[] blobs, final int width, final int height,
		final double distance, final int smallLimit)
	{
		final int pixels = objects.length;
		int count = 0;
		for (final int o : objects) count = Math.max(count, o);
		final int[] blobOf = new int[count + 1];
		final int[] objectArea = new int[count + 1];
		for (int i = 0; i < pixels; i++) {
			if (objects[i] != 0) {
				blobOf[objects[i]] = blobs[i];
				objectArea[objects[i]]++;
			}
		}
		// Only small objects take part: a large object is complete on its own.
		for (int o = 1; o <= count; o++) {
			if (objectArea[o] >= smallLimit) blobOf[o] = -o;
		}
		final int[] grown = grow(objects, width, height, (int) Math.ceil(distance / 2));
		final int[] parent = new int[count + 1];
		for (int o = 0; o <= count; o++) parent[o] = o;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				final int a = grown[y * width + x];
				if (a == 0) continue;
				// Right and the three neighbours below cover every 8-neighbour pair once.
				if (x + 1 < width) joinAcrossBlobs(parent, blobOf, a, grown[y * width + x + 1]);
				if (y + 1 < height) {
					if (x > 0) joinAcrossBlobs(parent, blobOf, a, grown[(y + 1) * width + x - 1]);
					joinAcrossBlobs(parent, blobOf, a, grown[(y + 1) * width + x]);
					if (x + 1 < width) joinAcrossBlobs(parent, blobOf, a, grown[(y + 1) * width + x + 1]);
				}
			}
		}
		final int[] renumbered = new int[count + 1];
		final int[] merged = new int[pixels];
		int renumberedCount = 0;
		for (int i = 0; i < pixels; i++) {
			if (objects[i] == 0) continue;
			final int root = find(parent, objects[i]);
			if (renumbered[root] == 0) renumbered[root] = ++renumberedCount;
			merged[i] = renumbered[root];
		}
		return merged;
	}

	private static void joinAcrossBlobs(final int[] parent, final int[] blobOf, final int a, final int b) {
		if (b != 0 && b != a && blobOf[a] != blobOf[b] && blobOf[a] > 0 && blobOf[b] > 0) union(parent, a, b);
	}

	private static int find(final int[] parent, int i) {
		while (parent[i] != i) {
			parent[i] = parent[parent[i]];
			i = parent[i];
		}
		return i;
	}

	private static void union(final int[] parent, final int a, final int b) {
		final int ra = find(parent, a);
		final int rb = find(parent, b);
		if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
	}

	/**
	 * ImageJ's segmentation cuts 1-pixel lines out of the foreground; each goes back to a neighbouring
	 * segment (the first one met among its 8 neighbours), so splitting moves no pixel to the background.
	 */
	private static void reattachCutLines(final int[] objects, final byte[] mask, final int width, final int height) {
		boolean changed = true;
		while (changed) {
			changed = false;
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < width; x++) {
					final int i = y * width + x;
					if (mask[i] == 0 || objects[i] != 0) continue;
					int found = 0;
					for (int dy = -1; dy <= 1 && found == 0; dy++) {
						final int yy = y + dy;
						if (yy < 0 || yy >= height) continue;
						for (int dx = -1; dx <= 1; dx++) {
							final int xx = x + dx;
							if (xx < 0 || xx >= width) continue;
							final int neighbour = objects[yy * width + xx];
							if (neighbour > 0) {
								found = neighbour;
								break;
							}
						}
					}
					if (found != 0) {
						objects[i] = found;
						changed = true;
					}
				}
			}
		}
	}

	private static String plain(final double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e9) return Long.toString((long) value);
		return String.format(Locale.ROOT, "%.3g", value);
	}
}
