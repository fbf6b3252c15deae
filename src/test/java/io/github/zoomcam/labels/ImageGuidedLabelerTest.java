package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image-guided refinement on hand-made images whose answers are worked out by hand: outlines come from the
 * image (exact rectangles and discs on a flat background), classes from hand-made maps.
 */
class ImageGuidedLabelerTest {

	/** Exact outlines: no smoothing, no edge cut, no merging, no watershed unless a test turns it on. */
	static final RefineOptions EXACT = RefineOptions.defaults().withThresholdMethod(RefineOptions.parseMethod("Otsu"))
		.withSigma(0).withEdge(0).withMergeDistance(0).withWatershed(false).withPolarity(RefineOptions.Polarity.BRIGHT);

	static AnnotationOptions refined(final RefineOptions refine) {
		return AnnotationOptions.defaults(0.25).withRefine(refine);
	}

	/** A width x height image of {@code background} with the given rectangles {x0, y0, x1, y1, value} painted. */
	static float[] image(final int width, final int height, final float background, final int[]... rectangles) {
		final float[] image = new float[width * height];
		Arrays.fill(image, background);
		for (final int[] r : rectangles) {
			for (int y = r[1]; y <= r[3]; y++) for (int x = r[0]; x <= r[2]; x++) image[y * width + x] = r[4];
		}
		return image;
	}

	/** A map with value {@code left} for x < split and {@code right} for x >= split. */
	static float[] leftRight(final int width, final int height, final int split, final float left, final float right) {
		final float[] map = new float[width * height];
		for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) map[y * width + x] = x < split ? left : right;
		return map;
	}

	static float[] constant(final int width, final int height, final float value) {
		final float[] map = new float[width * height];
		Arrays.fill(map, value);
		return map;
	}

	@Test
	void twoTouchingBlobsOfDifferentClassesAreSplitPixelWise() {
		// 24x12, background 10; A = x 2..9, B = x 10..17, both y 3..8 at 200: one blob of 16x6 = 96 pixels.
		final int w = 24;
		final int h = 12;
		final float[] guide = image(w, h, 10, new int[] {2, 3, 9, 8, 200}, new int[] {10, 3, 17, 8, 200});
		// nucleus is 1.0 left of x = 10 and 0.2 right of it, ring the other way round. Over the blob both means
		// are (48 * 1 + 48 * 0.2) / 96 = 0.6: the tie goes to the first map, and the second reaches 0.9 * 0.6,
		// so the blob is split pixel by pixel, each pixel to the map that is higher there.
		final List<ClassMap> maps = List.of(new ClassMap(0, "nucleus", 0.9f, leftRight(w, h, 10, 1f, 0.2f)),
			new ClassMap(2, "ring", 0.8f, leftRight(w, h, 10, 0.2f, 1f)));
		final ImageAnnotation a = Annotator.annotate("touching", w, h, maps, guide, refined(EXACT));
		assertEquals(List.of(new Instance(1, 0, "nucleus", 1f, new Box(2, 3, 8, 6), 48),
			new Instance(2, 2, "ring", 1f, new Box(10, 3, 8, 6), 48)), a.instances());
		final int[] labels = a.labelImage();
		final int[] ids = a.instanceImage();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final boolean inA = x >= 2 && x <= 9 && y >= 3 && y <= 8;
				final boolean inB = x >= 10 && x <= 17 && y >= 3 && y <= 8;
				assertEquals(inA ? 1 : inB ? 3 : 0, labels[y * w + x], "label at " + x + "," + y);
				assertEquals(inA ? 1 : inB ? 2 : 0, ids[y * w + x], "instance at " + x + "," + y);
			}
		}
		assertTrue(a.warnings().isEmpty(), a.warnings().toString());
		assertEquals(48, a.classes().get(0).label().foregroundArea());
		assertEquals(List.of(new Box(10, 3, 8, 6)), a.classes().get(1).label().boxes());

		// Without the split (a second class never counts as strong), the whole blob goes to the tie's winner.
		final ImageAnnotation whole = Annotator.annotate("touching", w, h, maps, guide, refined(EXACT
			.withSplitEvidence(2)));
		assertEquals(List.of(new Instance(1, 0, "nucleus", 0.6f, new Box(2, 3, 16, 6), 96)), whole.instances());
	}

	@Test
	void darkObjectsOnABrightBackgroundAreFoundByAutoPolarity() {
		// 20x20 at 200 with a dark 6x6 square (x, y 7..12) at 20: the median (200) is far from the low end.
		final float[] guide = image(20, 20, 200, new int[] {7, 7, 12, 12, 20});
		assertTrue(ImageGuidedLabeler.isDarkOnBright(guide));
		final List<ClassMap> maps = List.of(new ClassMap(1, "rod", 0.7f, constant(20, 20, 0.5f)));
		final ImageAnnotation auto = Annotator.annotate("dark", 20, 20, maps, guide, refined(EXACT.withPolarity(
			RefineOptions.Polarity.AUTO)));
		assertEquals(List.of(new Instance(1, 1, "rod", 1f, new Box(7, 7, 6, 6), 36)), auto.instances());
		assertEquals(36, count(auto.labelImage(), 2));
		// Told the objects are bright, the square is background and nothing stands out from the (bright) rest.
		final ImageAnnotation bright = Annotator.annotate("dark", 20, 20, maps, guide, refined(EXACT));
		assertTrue(bright.isEmpty());
		assertEquals(1, bright.warnings().size(), bright.warnings().toString());
		assertTrue(bright.warnings().get(0).startsWith("no object stands out"), bright.warnings().get(0));
		// Told the truth, the same answer as auto.
		assertEquals(auto.instances(), Annotator.annotate("dark", 20, 20, maps, guide, refined(EXACT.withPolarity(
			RefineOptions.Polarity.DARK))).instances());
	}

	@Test
	void autoPolarityReadsTheHistogramsLongTail() {
		// Bright specks on a dark field: the median (10) sits at the low end.
		assertFalse(ImageGuidedLabeler.isDarkOnBright(image(10, 10, 10, new int[] {2, 2, 4, 4, 250})));
		assertTrue(ImageGuidedLabeler.isDarkOnBright(image(10, 10, 250, new int[] {2, 2, 4, 4, 10})));
		// A flat image has no tail at all: not dark-on-bright.
		assertFalse(ImageGuidedLabeler.isDarkOnBright(constant(10, 10, 7)));
	}

	@Test
	void emptyFlatAndAllDarkImagesGiveNoLabelsAndOneWarning() {
		final List<ClassMap> everywhere = List.of(new ClassMap(0, "nucleus", 1f, constant(32, 32, 1f)));
		for (final float[] guide : List.of(constant(32, 32, 0), constant(32, 32, 100))) {
			final ImageAnnotation a = Annotator.annotate("flat", 32, 32, everywhere, guide, refined(RefineOptions
				.defaults()));
			assertTrue(a.isEmpty());
			assertEquals(0, count(a.labelImage(), 1));
			assertEquals(1, a.warnings().size(), a.warnings().toString());
			assertTrue(a.warnings().get(0).startsWith("image is flat"), a.warnings().get(0));
		}
		// All dark: zeros with a stray grey level 1 at every 7th pixel, far below one grey level times the floor.
		final float[] dark = new float[32 * 32];
		for (int i = 0; i < dark.length; i += 7) dark[i] = 1;
		final ImageAnnotation a = Annotator.annotate("dark", 32, 32, everywhere, dark, refined(RefineOptions
			.defaults()));
		assertTrue(a.isEmpty());
		assertEquals(1, a.warnings().size(), a.warnings().toString());
		assertTrue(a.warnings().get(0).startsWith("no object stands out"), a.warnings().get(0));
	}

	@Test
	void noiseAloneGivesNoLabelsEvenWhereTheMapsSayYes() {
		// 64x64 camera-like noise around 100 (standard deviation 5, integers), maps at 1 everywhere.
		final SplittableRandom random = new SplittableRandom(7);
		final float[] noise = new float[64 * 64];
		for (int i = 0; i < noise.length; i++) {
			// Sum of 12 uniforms minus 6: a standard normal without the JDK's unspecified nextGaussian.
			double z = -6;
			for (int k = 0; k < 12; k++) z += random.nextDouble();
			noise[i] = Math.round(100 + 5 * z);
		}
		final List<ClassMap> everywhere = List.of(new ClassMap(3, "puncta", 1f, constant(64, 64, 1f)));
		final ImageAnnotation a = Annotator.annotate("noise", 64, 64, everywhere, noise, refined(RefineOptions
			.defaults()));
		assertTrue(a.isEmpty(), a.instances().toString());
		assertEquals(1, a.warnings().size(), a.warnings().toString());
	}

	@Test
	void anObjectWithoutClassEvidenceStaysBackground() {
		// A bright square where the only class map is 0: evidence 0 < the minimum, so nothing is labelled.
		final float[] guide = image(16, 16, 10, new int[] {4, 4, 9, 9, 200});
		final float[] map = constant(16, 16, 0);
		map[0] = 1; // the map's only evidence lies on the background, away from the object
		final ImageAnnotation a = Annotator.annotate("no evidence", 16, 16, List.of(new ClassMap(0, "nucleus", 1f,
			map)), guide, refined(EXACT));
		assertTrue(a.isEmpty());
		assertArrayEquals(new int[16 * 16], a.labelImage());
		assertEquals(1, a.warnings().size(), a.warnings().toString());
		assertTrue(a.warnings().get(0).startsWith("no object has class evidence"), a.warnings().get(0));
	}

	@Test
	void evidenceComesFromTheEvidenceMapWhenOneIsGiven() {
		// The shown map says nucleus on the right half, the evidence map (e.g. the mean of layers) on the left.
		final float[] guide = image(20, 10, 10, new int[] {2, 2, 6, 6, 200});
		final ClassMap map = new ClassMap(0, "nucleus", 1f, leftRight(20, 10, 10, 0f, 1f), leftRight(20, 10, 10, 1f,
			0f));
		final ImageAnnotation a = Annotator.annotate("evidence", 20, 10, List.of(map), guide, refined(EXACT));
		assertEquals(List.of(new Instance(1, 0, "nucleus", 1f, new Box(2, 2, 5, 5), 25)), a.instances());
		assertTrue(Annotator.annotate("evidence", 20, 10, List.of(new ClassMap(0, "nucleus", 1f, map.map())), guide,
			refined(EXACT)).isEmpty());
	}

	@Test
	void aSplitObjectWithIntensityBasinsIsSplitBasinByBasin() {
		// 24x12, background 10; one blob y 3..8, x 2..18 (no neck, so no watershed cut): 200 at x 2..9 and
		// 11..18, a dip of 150 at x = 10. Two intensity maxima, so prominence splits it into two basins there.
		final int w = 24;
		final int h = 12;
		final float[] guide = image(w, h, 10, new int[] {2, 3, 18, 8, 200}, new int[] {10, 3, 10, 8, 150});
		// nucleus 1 for x < 14, else 0.2; ring the other way round. Over the blob (17 columns) nucleus has
		// (12 + 5 * 0.2) / 17 = 0.76, ring (12 * 0.2 + 5) / 17 = 0.44 >= 0.5 * 0.76: the object is split. Over
		// the right basin (x 11..18) ring has (3 * 0.2 + 5) / 8 = 0.7 and nucleus (3 + 5 * 0.2) / 8 = 0.5, so
		// the whole right basin is ring, although pixel by pixel its columns 11..13 are nucleus.
		final List<ClassMap> maps = List.of(new ClassMap(0, "nucleus", 0.9f, leftRight(w, h, 14, 1f, 0.2f)),
			new ClassMap(2, "ring", 0.8f, leftRight(w, h, 14, 0.2f, 1f)));
		final RefineOptions split = EXACT.withSplitEvidence(0.5);
		final int[] basins = Annotator.annotate("basins", w, h, maps, guide, refined(split.withProminence(2)))
			.labelImage();
		final int[] pixels = Annotator.annotate("basins", w, h, maps, guide, refined(split)).labelImage();
		for (int y = 3; y <= 8; y++) {
			for (int x = 2; x <= 18; x++) {
				if (x <= 9) assertEquals(1, basins[y * w + x], "basin split at " + x + "," + y);
				if (x >= 11) assertEquals(3, basins[y * w + x], "basin split at " + x + "," + y);
				assertEquals(x < 14 ? 1 : 3, pixels[y * w + x], "pixel split at " + x + "," + y);
			}
		}
		assertEquals(17 * 6, w * h - count(basins, 0));
	}

	@Test
	void watershedSplitsTwoTouchingDiscs() {
		// Discs of radius 7 ((x - cx)^2 + (y - cy)^2 <= 49) at (12, 12) and (25, 12) overlap at x 18..19: one blob
		// with a neck. Left disc spans x 5..19, right disc x 18..32, both y 5..19.
		final int w = 40;
		final int h = 24;
		final float[] guide = constant(w, h, 10);
		int union = 0;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (sq(x - 12) + sq(y - 12) <= 49 || sq(x - 25) + sq(y - 12) <= 49) {
					guide[y * w + x] = 200;
					union++;
				}
			}
		}
		final List<ClassMap> maps = List.of(new ClassMap(0, "nucleus", 1f, constant(w, h, 1f)));
		final ImageAnnotation whole = Annotator.annotate("discs", w, h, maps, guide, refined(EXACT));
		assertEquals(List.of(new Instance(1, 0, "nucleus", 1f, new Box(5, 5, 28, 15), union)), whole.instances());

		final ImageAnnotation split = Annotator.annotate("discs", w, h, maps, guide, refined(EXACT.withWatershed(true)));
		assertEquals(2, split.instances().size(), split.instances().toString());
		final Box left = split.instances().get(0).box();
		final Box right = split.instances().get(1).box();
		assertEquals(5, left.x());
		assertEquals(32, right.maxX());
		for (final Box b : List.of(left, right)) {
			assertEquals(5, b.y());
			assertEquals(15, b.height());
		}
		// The cut runs through the neck, between the centres' columns 12 and 25 and near the overlap (18, 19).
		assertTrue(left.maxX() >= 17 && left.maxX() <= 20, "left ends at " + left.maxX());
		assertTrue(right.x() >= 17 && right.x() <= 20, "right starts at " + right.x());
		assertEquals(union, split.instances().get(0).area() + split.instances().get(1).area());
		// Every object pixel keeps its label: the watershed moves none to the background.
		assertEquals(union, count(split.labelImage(), 1));
	}

	@Test
	void instanceIdsFollowRasterOrderWithBoxesAndAreas() {
		// Three squares: C (x 12..15, y 1..3) starts first in raster order, then A (x 1..4, y 2..5), then B.
		final int w = 20;
		final int h = 12;
		final float[] guide = image(w, h, 10, new int[] {12, 1, 15, 3, 200}, new int[] {1, 2, 4, 5, 200},
			new int[] {6, 8, 8, 10, 200});
		final float[] rod = constant(w, h, 0.1f);
		final float[] ring = constant(w, h, 0.1f);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (x >= 10) rod[y * w + x] = 0.8f; // C is a rod, A and B are rings
				else ring[y * w + x] = 0.5f;
			}
		}
		final ImageAnnotation a = Annotator.annotate("three", w, h, List.of(new ClassMap(1, "rod", 1f, rod),
			new ClassMap(2, "ring", 1f, ring)), guide, refined(EXACT));
		assertEquals(List.of(new Instance(1, 1, "rod", 1f, new Box(12, 1, 4, 3), 12),
			new Instance(2, 2, "ring", 1f, new Box(1, 2, 4, 4), 16),
			new Instance(3, 2, "ring", 1f, new Box(6, 8, 3, 3), 9)), a.instances());
		final int[] ids = a.instanceImage();
		assertEquals(1, ids[1 * w + 12]);
		assertEquals(2, ids[2 * w + 1]);
		assertEquals(3, ids[10 * w + 8]);
		assertEquals(0, ids[0]);
		assertEquals(12 + 16 + 9, count(a.mask(), (byte) 255));
		assertEquals("image", a.refinement().split(" ")[0]);
	}

	@Test
	void refinementNoneIsThePapersProtocolUnchanged() {
		// The PseudoLabelerTest map: A = 3 pixels (mean 0.8), B = 6 pixels (mean 0.3), map maximum 0.9.
		final float[] map = PseudoLabelerTest.TWO_BLOBS;
		final List<ClassMap> maps = List.of(new ClassMap(0, "cat", 0.9f, map));
		final AnnotationOptions all = new AnnotationOptions(Threshold.ZOOM_CAM_DEFAULT, Keep.all(1), Double.NaN);
		final ImageAnnotation old = Annotator.annotate("img", 6, 4, maps, all);
		final ImageAnnotation viaSix = Annotator.annotate("img", 6, 4, maps, null, all);
		assertArrayEquals(old.labelImage(), viaSix.labelImage());
		assertArrayEquals(old.mask(), viaSix.mask());
		assertEquals(old.classes(), viaSix.classes());
		assertEquals("none", viaSix.refinement());
		// One instance per kept component, score = component mean / map maximum.
		final List<Instance> instances = viaSix.instances();
		assertEquals(2, instances.size());
		assertEquals(new Instance(1, 0, "cat", instances.get(0).score(), new Box(0, 0, 2, 2), 3), instances.get(0));
		assertEquals(new Instance(2, 0, "cat", instances.get(1).score(), new Box(4, 1, 2, 3), 6), instances.get(1));
		assertEquals(0.8 / 0.9, instances.get(0).score(), 1e-6);
		assertEquals(0.3 / 0.9, instances.get(1).score(), 1e-6);
		assertArrayEquals(new int[] {
			1, 1, 0, 0, 0, 0,
			1, 0, 0, 0, 2, 2,
			0, 0, 0, 0, 2, 2,
			0, 0, 0, 0, 2, 2}, viaSix.instanceImage());
		// The paper's default keeps the largest component only: one instance, B.
		final ImageAnnotation paper = Annotator.annotate("img", 6, 4, maps, null, AnnotationOptions.paper(0.25));
		assertEquals(1, paper.instances().size());
		assertEquals(new Box(4, 1, 2, 3), paper.instances().get(0).box());
	}

	@Test
	void imageRefinementNeedsTheImage() {
		final List<ClassMap> maps = List.of(new ClassMap(0, "cat", 1f, constant(4, 4, 1f)));
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> Annotator.annotate("img", 4, 4, maps,
			null, AnnotationOptions.defaults(0.25)));
		assertTrue(e.getMessage().contains("refinement none"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> Annotator.annotate("img", 4, 4, maps, new float[15],
			AnnotationOptions.defaults(0.25)));
		final float[] nan = constant(4, 4, 1);
		nan[5] = Float.NaN;
		assertTrue(assertThrows(ZoomCamException.class, () -> Annotator.annotate("img", 4, 4, maps, nan,
			AnnotationOptions.defaults(0.25))).getMessage().contains("NaN"));
	}

	@Test
	void smallPiecesCloseTogetherBecomeOneInstance() {
		// Three 2x2 dots 2 pixels apart (a cluster) and, 10 pixels away, a fourth dot.
		final float[] guide = image(30, 10, 10, new int[] {2, 2, 3, 3, 200}, new int[] {6, 2, 7, 3, 200},
			new int[] {4, 6, 5, 7, 200}, new int[] {18, 2, 19, 3, 200});
		final List<ClassMap> maps = List.of(new ClassMap(3, "puncta", 1f, constant(30, 10, 1f)));
		final ImageAnnotation apart = Annotator.annotate("dots", 30, 10, maps, guide, refined(EXACT));
		assertEquals(4, apart.instances().size());
		final ImageAnnotation merged = Annotator.annotate("dots", 30, 10, maps, guide, refined(EXACT
			.withMergeDistance(3)));
		assertEquals(List.of(new Instance(1, 3, "puncta", 1f, new Box(2, 2, 6, 6), 12),
			new Instance(2, 3, "puncta", 1f, new Box(18, 2, 2, 2), 4)), merged.instances());
	}

	private static int count(final int[] values, final int value) {
		int n = 0;
		for (final int v : values) if (v == value) n++;
		return n;
	}

	private static int count(final byte[] values, final byte value) {
		int n = 0;
		for (final byte v : values) if (v == value) n++;
		return n;
	}

	private static int sq(final int v) {
		return v * v;
	}
}
