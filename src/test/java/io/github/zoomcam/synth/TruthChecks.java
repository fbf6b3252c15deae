package io.github.zoomcam.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

/** Ground-truth invariants recomputed from the pixels, shared by the generator and file tests. */
final class TruthChecks {

	private TruthChecks() {}

	/** Every box is the tight box of its instance's pixels, ids are 1..n, and labels agree with instances. */
	static void assertConsistent(final String name, final int width, final int height, final int[] classLabels,
		final int[] instanceIds, final List<InstanceBox> instances)
	{
		final int n = instances.size();
		final int[] minX = new int[n + 1];
		final int[] minY = new int[n + 1];
		final int[] maxX = new int[n + 1];
		final int[] maxY = new int[n + 1];
		final int[] area = new int[n + 1];
		Arrays.fill(minX, Integer.MAX_VALUE);
		Arrays.fill(minY, Integer.MAX_VALUE);
		Arrays.fill(maxX, -1);
		Arrays.fill(maxY, -1);
		for (int i = 0; i < n; i++) {
			assertEquals(i + 1, instances.get(i).id(), name + ": instance ids must be 1..n in order");
		}
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				final int p = y * width + x;
				final int id = instanceIds[p];
				assertTrue(id >= 0 && id <= n, name + ": instance id " + id + " out of range at " + x + "," + y);
				if (id == 0) {
					assertEquals(0, classLabels[p], name + ": labelled pixel without instance at " + x + "," + y);
					continue;
				}
				assertEquals(instances.get(id - 1).synthClass().labelValue(), classLabels[p], name +
					": label disagrees with instance " + id + " at " + x + "," + y);
				area[id]++;
				minX[id] = Math.min(minX[id], x);
				minY[id] = Math.min(minY[id], y);
				maxX[id] = Math.max(maxX[id], x);
				maxY[id] = Math.max(maxY[id], y);
			}
		}
		for (final InstanceBox box : instances) {
			final int id = box.id();
			assertTrue(area[id] > 0, name + ": instance " + id + " has no pixels");
			assertEquals(area[id], box.areaPx(), name + ": area of instance " + id);
			assertEquals(minX[id], box.x(), name + ": x of instance " + id);
			assertEquals(minY[id], box.y(), name + ": y of instance " + id);
			assertEquals(maxX[id] - minX[id] + 1, box.width(), name + ": width of instance " + id);
			assertEquals(maxY[id] - minY[id] + 1, box.height(), name + ": height of instance " + id);
		}
	}

	/** Which classes have at least one pixel in a label image. */
	static boolean[] classesIn(final int[] classLabels) {
		final boolean[] present = new boolean[SynthClass.values().length];
		for (final int value : classLabels) {
			if (value != 0) present[SynthClass.ofLabelValue(value).index()] = true;
		}
		return present;
	}

	static void assertSameTruth(final SyntheticImage expected, final SyntheticImage actual) {
		assertArrayEquals(expected.classLabels(), actual.classLabels(), "class labels of " + expected.name());
		assertArrayEquals(expected.instanceIds(), actual.instanceIds(), "instance ids of " + expected.name());
		assertEquals(expected.instances(), actual.instances(), "instances of " + expected.name());
	}
}
