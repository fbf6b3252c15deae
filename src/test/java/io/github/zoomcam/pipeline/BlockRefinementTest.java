package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.labels.Box;
import io.github.zoomcam.labels.ClassMap;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.ImageGuidedLabeler;
import io.github.zoomcam.labels.Instance;
import io.github.zoomcam.labels.RefineOptions;
import io.github.zoomcam.pipeline.tiling.TileSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block-by-block refinement of large images: one block holding the image gives the whole-image
 * refinement exactly; with many small blocks, every object (those across block borders too) comes out as one
 * instance with the box the whole-image refinement gives it.
 */
class BlockRefinementTest {

	@TempDir
	Path tmp;

	private static final int W = 230;
	private static final int H = 170;
	/** Disc centres and radii; several straddle the borders of 64-pixel blocks (x or y near 64, 128, 192). */
	private static final int[][] DISCS = { { 30, 30, 9 }, { 64, 40, 10 }, { 128, 64, 8 }, { 100, 110, 11 }, { 192,
		128, 9 }, { 40, 130, 7 }, { 160, 20, 8 }, { 210, 75, 6 } };

	/** Bright discs on a dim, noisy background. */
	private static ImagePlus image() {
		final Random random = new Random(7);
		final byte[] pixels = new byte[W * H];
		for (int y = 0; y < H; y++) {
			for (int x = 0; x < W; x++) {
				int v = 20 + random.nextInt(8);
				for (final int[] d : DISCS) {
					if ((x - d[0]) * (x - d[0]) + (y - d[1]) * (y - d[1]) <= d[2] * d[2]) v = 180 + random.nextInt(20);
				}
				pixels[y * W + x] = (byte) v;
			}
		}
		return new ImagePlus("discs", new ByteProcessor(W, H, pixels));
	}

	/** Class 0's evidence is high on the discs of even index, class 2's on the others (blurred). */
	private static float[] evidence(final int parity) {
		final float[] map = new float[W * H];
		for (int y = 0; y < H; y++) {
			for (int x = 0; x < W; x++) {
				float v = 0.02f;
				for (int i = parity; i < DISCS.length; i += 2) {
					final int[] d = DISCS[i];
					final double r2 = (x - d[0]) * (x - d[0]) + (y - d[1]) * (y - d[1]);
					v += (float) Math.exp(-r2 / (2.0 * (d[2] + 4) * (d[2] + 4)));
				}
				map[y * W + x] = v;
			}
		}
		return map;
	}

	private static float max(final float[] values) {
		float max = 0;
		for (final float v : values) max = Math.max(max, v);
		return max;
	}

	private BlockRefinement.Result run(final Path dir, final int block, final int margin, final List<float[]> maps)
		throws IOException
	{
		Files.createDirectories(dir);
		final ImagePlus image = image();
		final List<BlockRefinement.ClassEvidence> classes = new ArrayList<>();
		final String[] names = { "nucleus", "rod", "ring" };
		for (int m = 0; m < maps.size(); m++) {
			final FloatMapFile file = FloatMapFile.writeRaw(tmp.resolve(dir.getFileName() + "-evidence-" + m + ".raw"),
				FloatMap.of(W, H, maps.get(m)));
			classes.add(new BlockRefinement.ClassEvidence(2 * m, names[2 * m], 0.9f, file, max(maps.get(m))));
		}
		return BlockRefinement.write("discs", image, 1, TileSource.of(image, "discs", 1, 1), false, classes,
			RefineOptions.defaults(), block, margin, (k, y0, rows, into) -> System.arraycopy(maps.get(k), y0 * W, into, 0,
				rows * W), 0.5, dir, ExplainMonitor.NONE);
	}

	private ImageAnnotation whole(final List<float[]> maps) {
		final List<ClassMap> classes = List.of(new ClassMap(0, "nucleus", 0.9f, maps.get(0)), new ClassMap(2, "ring", 0.9f,
			maps.get(1)));
		final float[] guide = new float[W * H];
		final byte[] pixels = (byte[]) image().getProcessor().getPixels();
		for (int i = 0; i < guide.length; i++) guide[i] = pixels[i] & 0xff;
		return ImageGuidedLabeler.annotate("discs", W, H, classes, guide, RefineOptions.defaults());
	}

	private static Object pixels(final Path file) {
		return IJ.openImage(file.toString()).getProcessor().getPixels();
	}

	@Test
	void oneBlockHoldingTheImageGivesTheWholeImageRefinement() throws IOException {
		final List<float[]> maps = List.of(evidence(0), evidence(1));
		final ImageAnnotation expected = whole(maps);
		assertEquals(DISCS.length, expected.instances().size(), "the whole-image refinement finds each disc");
		final Path dir = tmp.resolve("one");
		final BlockRefinement.Result result = run(dir, 512, 32, maps);
		assertEquals(expected.instances(), result.instances());
		assertEquals(expected.classes(), result.classes());
		final short[] ids = (short[]) pixels(dir.resolve(PseudoLabelOutputs.INSTANCES));
		final short[] labels = (short[]) pixels(dir.resolve(PseudoLabelOutputs.LABELS));
		final byte[] mask = (byte[]) pixels(dir.resolve(PseudoLabelOutputs.MASK));
		final int[] expectedIds = expected.instanceImage();
		final int[] expectedLabels = expected.labelImage();
		for (int i = 0; i < W * H; i++) {
			assertEquals(expectedIds[i], ids[i], "instance at " + i);
			assertEquals(expectedLabels[i], labels[i], "label at " + i);
			assertEquals(expectedIds[i] != 0 ? (byte) 255 : 0, mask[i], "mask at " + i);
		}
		assertEquals(PseudoLabelOutputs.boxesCsv(expected), Files.readString(dir.resolve(PseudoLabelOutputs.BOXES)));
		try (Stream<Path> files = Files.list(dir)) {
			assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "the ids file is gone");
		}
	}

	@Test
	void objectsAcrossBlockBordersComeOutWholeAndOnce() throws IOException {
		final List<float[]> maps = List.of(evidence(0), evidence(1));
		final ImageAnnotation expected = whole(maps);
		final Path dir = tmp.resolve("many");
		// 64-pixel blocks: 4 x 3 of them, several discs cut by their borders; margins wider than any disc
		final BlockRefinement.Result result = run(dir, 64, 24, maps);
		assertEquals(expected.instances().size(), result.instances().size(), result.instances().toString());
		final Comparator<Instance> byBox = Comparator.comparingInt((Instance i) -> i.box().y()).thenComparingInt(i -> i
			.box().x());
		final List<Instance> want = expected.instances().stream().sorted(byBox).toList();
		final List<Instance> got = result.instances().stream().sorted(byBox).toList();
		for (int i = 0; i < want.size(); i++) {
			final Box a = want.get(i).box();
			final Box b = got.get(i).box();
			assertEquals(want.get(i).classIndex(), got.get(i).classIndex(), "class of " + a);
			// The foreground threshold is found per block: the outlines may differ by a pixel.
			assertTrue(Math.abs(a.x() - b.x()) <= 1 && Math.abs(a.y() - b.y()) <= 1 && Math.abs(a.width() - b.width()) <= 2
				&& Math.abs(a.height() - b.height()) <= 2, "box " + b + " for " + a);
		}
		// Each instance's id is in instances.tif exactly over its box's pixels of its class.
		final short[] ids = (short[]) pixels(dir.resolve(PseudoLabelOutputs.INSTANCES));
		final short[] labels = (short[]) pixels(dir.resolve(PseudoLabelOutputs.LABELS));
		for (final Instance instance : result.instances()) {
			int area = 0;
			for (int i = 0; i < ids.length; i++) {
				if (ids[i] != instance.id()) continue;
				area++;
				assertEquals(instance.classIndex() + 1, labels[i]);
				assertTrue(instance.box().contains(i % W, i / W), "pixel of " + instance.id() + " outside its box");
			}
			assertEquals(instance.area(), area, "area of instance " + instance.id());
		}
		assertFalse(Files.readString(dir.resolve(PseudoLabelOutputs.BOXES)).isEmpty());
		// rois.zip, written block by block: an outline and a box per instance, in id order
		final List<String> names = new ArrayList<>();
		try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(Files.newInputStream(dir.resolve(
			PseudoLabelOutputs.ROIS))))
		{
			for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) names.add(e.getName());
		}
		assertEquals(2 * result.instances().size(), names.size(), names.toString());
		assertTrue(names.get(1).endsWith(" box.roi") && !names.get(0).endsWith(" box.roi"), names.toString());
		final ImagePlus overlay = IJ.openImage(dir.resolve(PseudoLabelOutputs.OVERLAY).toString());
		assertEquals(W, overlay.getWidth());
		assertEquals(H, overlay.getHeight());
	}
}
