package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.gui.Roi;
import io.github.zoomcam.labels.Box;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.Instance;

import org.junit.jupiter.api.Test;

import java.awt.Point;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The instance label image and the instance ROIs of hand-made annotations. */
class InstanceOutputsTest {

	private static ImageAnnotation annotation(final int width, final int height, final int[] ids,
		final List<Instance> instances)
	{
		final int[] labels = new int[ids.length];
		final byte[] mask = new byte[ids.length];
		for (int i = 0; i < ids.length; i++) {
			if (ids[i] != 0) {
				labels[i] = instances.get(ids[i] - 1).classIndex() + 1;
				mask[i] = (byte) 255;
			}
		}
		return new ImageAnnotation("hand", width, height, List.of(), labels, mask, instances, ids, List.of(), "image");
	}

	@Test
	void theInstanceImageIs16BitWhileIdsFitAnd32BitBeyond() {
		for (final int count : new int[] { 65535, 70000 }) {
			final int width = 280;
			final int height = (count + width - 1) / width;
			final int[] ids = new int[width * height];
			final List<Instance> instances = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				ids[i] = i + 1;
				instances.add(new Instance(i + 1, 0, "a", 0.5f, new Box(i % width, i / width, 1, 1), 1));
			}
			final ImagePlus image = PseudoLabelOutputs.instanceImage(annotation(width, height, ids, instances), "t", null);
			assertEquals(count <= 65535 ? 16 : 32, image.getBitDepth(), count + " instances");
			assertEquals(count, (int) image.getProcessor().getf(count - 1), "the last id is exact");
			assertEquals(count - 1, (int) image.getProcessor().getf(count - 2));
		}
	}

	@Test
	void anOutlineHoldsExactlyItsInstancesPixelsWithHolesAndSeveralPieces() {
		// 12 x 8: instance 1 a 5x5 ring (hole at its centre) plus a separate 2x2 piece; instance 2 a bar
		final int w = 12;
		final int h = 8;
		final int[] ids = new int[w * h];
		for (int y = 1; y <= 5; y++) for (int x = 1; x <= 5; x++) if (!(x == 3 && y == 3)) ids[y * w + x] = 1;
		for (int y = 6; y <= 7; y++) for (int x = 8; x <= 9; x++) ids[y * w + x] = 1;
		for (int y = 0; y <= 3; y++) ids[y * w + 10] = 2;
		final List<Instance> instances = List.of(new Instance(1, 2, "ring", 0.456f, Box.fromCorners(1, 1, 9, 7), 28),
			new Instance(2, 0, "rod", 0.9f, Box.fromCorners(10, 0, 10, 3), 4));
		final List<Roi> rois = PseudoLabelOutputs.rois(annotation(w, h, ids, instances));
		assertEquals(4, rois.size(), "outline and box per instance");
		assertEquals("ring 0.46", rois.get(0).getName());
		assertEquals("ring 0.46 box", rois.get(1).getName());
		assertEquals("rod 0.90", rois.get(2).getName());
		assertEquals(PseudoLabelOutputs.classColour(2), rois.get(0).getStrokeColor());
		assertEquals(PseudoLabelOutputs.classColour(0), rois.get(2).getStrokeColor());
		for (int k = 0; k < 2; k++) {
			final Set<Integer> expected = new HashSet<>();
			for (int i = 0; i < ids.length; i++) if (ids[i] == k + 1) expected.add(i);
			final Set<Integer> traced = new HashSet<>();
			for (final Point p : rois.get(2 * k).getContainedPoints()) traced.add(p.y * w + p.x);
			assertEquals(expected, traced, "instance " + (k + 1));
			assertEquals(String.valueOf(k + 1), rois.get(2 * k).getProperty(PseudoLabelOutputs.INSTANCE_PROPERTY));
			final Box box = instances.get(k).box();
			assertEquals(new java.awt.Rectangle(box.x(), box.y(), box.width(), box.height()), rois.get(2 * k + 1)
				.getBounds());
		}
		assertTrue(!rois.get(0).contains(3, 3), "the hole is not inside the outline");
		final String csv = PseudoLabelOutputs.boxesCsv(annotation(w, h, ids, instances));
		assertEquals(PseudoLabelOutputs.BOXES_HEADER + "\nhand,1,ring,0.456000,NaN,1,1,9,7,28\n"
			+ "hand,2,rod,0.900000,NaN,10,0,1,4,4\n", csv.replace("\r\n", "\n"));
	}
}
