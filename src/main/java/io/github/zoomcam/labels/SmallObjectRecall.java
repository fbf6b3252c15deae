package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;

/**
 * Recall of small ground-truth objects, accumulated image by image. An instance is small when it has
 * fewer than {@code minArea} pixels (default 32 * 32); a small instance is recalled when at least half
 * of its pixels (2 * covered >= area) are predicted foreground, of the instance's own class when class
 * information is given. Recall = recalled / small instances, NaN when there are none.
 *
 * <p>Instance-id images follow PASCAL VOC SegmentationObject: 0 is no object and {@value #VOID} is void;
 * both are skipped. Not thread-safe.
 */
public final class SmallObjectRecall {

	/** Instances below 32 x 32 pixels count as small. */
	public static final int DEFAULT_MIN_AREA = 32 * 32;

	/** Instance id (and class label) of void pixels in VOC. */
	public static final int VOID = 255;

	private final int minArea;
	private int images;
	private int smallInstances;
	private int recalledInstances;

	public SmallObjectRecall() {
		this(DEFAULT_MIN_AREA);
	}

	public SmallObjectRecall(final int minArea) {
		if (minArea < 1) throw new ZoomCamException("small-object area limit " + minArea + " must be at least 1 pixel");
		this.minArea = minArea;
	}

	/**
	 * Class-agnostic: instances from an instance-id image, any non-zero pixel of {@code predictedMask}
	 * counts as foreground.
	 */
	public void add(final String imageName, final int[] instanceIds, final byte[] predictedMask, final int width,
		final int height)
	{
		final String name = "image " + Maps.imageName(imageName, images + 1);
		checkImage(name, instanceIds, width, height);
		if (predictedMask == null) throw new ZoomCamException(name + ": predicted mask is missing (null)");
		Maps.requireSize(name + ": predicted mask", predictedMask.length, width, height);
		final Instances instances = Instances.of(name, instanceIds);
		for (int i = 0; i < instanceIds.length; i++) {
			final int slot = instances.slotOf(instanceIds[i]);
			if (slot >= 0 && predictedMask[i] != 0) instances.covered[slot]++;
		}
		tally(instances);
	}

	/**
	 * Class-aware: the class of an instance is its ground-truth label ({@code truthLabels}, e.g. VOC
	 * SegmentationClass), and a pixel counts only when {@code predictedLabels} has that same label there.
	 */
	public void add(final String imageName, final int[] instanceIds, final int[] truthLabels,
		final int[] predictedLabels, final int width, final int height)
	{
		final String name = "image " + Maps.imageName(imageName, images + 1);
		checkImage(name, instanceIds, width, height);
		if (truthLabels == null || predictedLabels == null) {
			throw new ZoomCamException(name + ": ground-truth or predicted labels are missing (null)");
		}
		Maps.requireSize(name + ": ground-truth labels", truthLabels.length, width, height);
		Maps.requireSize(name + ": predicted labels", predictedLabels.length, width, height);
		final Instances instances = Instances.of(name, instanceIds);
		final int[] classOf = new int[instances.ids.length];
		Arrays.fill(classOf, -1);
		for (int i = 0; i < instanceIds.length; i++) {
			final int slot = instances.slotOf(instanceIds[i]);
			if (slot < 0) continue;
			if (classOf[slot] < 0) classOf[slot] = truthLabels[i];
			else if (classOf[slot] != truthLabels[i]) {
				throw new ZoomCamException(name + ": instance " + instanceIds[i] + " has ground-truth labels "
					+ classOf[slot] + " and " + truthLabels[i] + "; the instance and class images do not match");
			}
			if (predictedLabels[i] == classOf[slot]) instances.covered[slot]++;
		}
		tally(instances);
	}

	/**
	 * One instance given as its own mask, against the predicted mask of its class (both 0/non-zero,
	 * same size). Each call counts one instance; call {@link #nextImage()} after an image's instances
	 * if the image count matters.
	 */
	public void addInstance(final String imageName, final byte[] instanceMask, final byte[] predictedMask,
		final int width, final int height)
	{
		final String name = "image " + Maps.imageName(imageName, images + 1);
		if (instanceMask == null || predictedMask == null) {
			throw new ZoomCamException(name + ": instance mask or predicted mask is missing (null)");
		}
		Maps.requireSize(name + ": instance mask", instanceMask.length, width, height);
		Maps.requireSize(name + ": predicted mask", predictedMask.length, width, height);
		int area = 0;
		int covered = 0;
		for (int i = 0; i < instanceMask.length; i++) {
			if (instanceMask[i] != 0) {
				area++;
				if (predictedMask[i] != 0) covered++;
			}
		}
		count(area, covered);
	}

	/** Counts one more image (for {@link #addInstance} users; the other add methods count their image). */
	public void nextImage() {
		images++;
	}

	public int minArea() {
		return minArea;
	}

	public int images() {
		return images;
	}

	/** Ground-truth instances with fewer than {@link #minArea()} pixels seen so far. */
	public int smallInstances() {
		return smallInstances;
	}

	public int recalledInstances() {
		return recalledInstances;
	}

	/** recalled / small instances; NaN when no small instance has been seen. */
	public double recall() {
		return smallInstances == 0 ? Double.NaN : (double) recalledInstances / smallInstances;
	}

	private void tally(final Instances instances) {
		for (int slot = 0; slot < instances.ids.length; slot++) count(instances.area[slot], instances.covered[slot]);
		images++;
	}

	private void count(final int area, final int covered) {
		if (area == 0 || area >= minArea) return;
		smallInstances++;
		if (2L * covered >= area) recalledInstances++;
	}

	private static void checkImage(final String name, final int[] instanceIds, final int width, final int height) {
		if (instanceIds == null) throw new ZoomCamException(name + ": instance-id image is missing (null)");
		Maps.requireSize(name + ": instance-id image", instanceIds.length, width, height);
	}

	/** The distinct instance ids of an image, with per-instance area and a covered-pixel counter. */
	private static final class Instances {

		final int[] ids;
		final int[] area;
		final int[] covered;

		private Instances(final int[] ids) {
			this.ids = ids;
			area = new int[ids.length];
			covered = new int[ids.length];
		}

		static Instances of(final String name, final int[] instanceIds) {
			final int[] sorted = instanceIds.clone();
			Arrays.sort(sorted);
			if (sorted.length > 0 && sorted[0] < 0) {
				throw new ZoomCamException(name + ": instance id " + sorted[0] + " is negative; ids are 0 (none), 1.., "
					+ VOID + " (void)");
			}
			int distinct = 0;
			for (int i = 0; i < sorted.length; i++) {
				final int id = sorted[i];
				if (id != 0 && id != VOID && (distinct == 0 || sorted[distinct - 1] != id)) sorted[distinct++] = id;
			}
			final Instances instances = new Instances(Arrays.copyOf(sorted, distinct));
			for (final int id : instanceIds) {
				final int slot = instances.slotOf(id);
				if (slot >= 0) instances.area[slot]++;
			}
			return instances;
		}

		/** Index of an instance id, or -1 for 0, void and unknown ids. */
		int slotOf(final int id) {
			if (id == 0 || id == VOID) return -1;
			final int slot = Arrays.binarySearch(ids, id);
			return slot < 0 ? -1 : slot;
		}
	}
}
