package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.RoiDecoder;
import ij.process.ByteProcessor;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.Keep;
import io.github.zoomcam.labels.Threshold;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lean writer of very large images gives the files the general path gives. */
class LeanPseudoLabelsTest {

	@TempDir
	Path tmp;

	/** A map of a few Gaussian blobs, the largest value 1. */
	private static FloatMap blobs(final int w, final int h, final long seed) {
		final Random random = new Random(seed);
		final float[] v = new float[w * h];
		for (int b = 0; b < 6; b++) {
			final double cx = random.nextDouble() * w;
			final double cy = random.nextDouble() * h;
			final double s = 4 + random.nextDouble() * 14;
			final double a = 0.3 + random.nextDouble();
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) v[y * w + x] += (float) (a * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y -
					cy)) / (2 * s * s)));
			}
		}
		float max = 0;
		for (final float f : v) max = Math.max(max, f);
		for (int i = 0; i < v.length; i++) v[i] /= max;
		return FloatMap.of(w, h, v);
	}

	private static ImageExplanation explanation(final int w, final int h, final int classes) {
		final List<TargetExplanation> targets = new ArrayList<>();
		final String[] names = { "nucleus", "rod", "ring" };
		for (int c = 0; c < classes; c++) {
			final FloatMap map = blobs(w, h, 10 + c);
			targets.add(new TargetExplanation(c * 2 % 3, names[c], 2, 0.9f - 0.1f * c, Map.of(CamMethod.ZOOMCAM,
				new MethodMaps(CamMethod.ZOOMCAM, List.of("l"), List.of(), List.of(), List.of(), null, map))));
		}
		return new ImageExplanation("img", w, h, new float[3], new float[3], targets, List.of());
	}

	private static List<String> rois(final Path zip) throws IOException {
		final List<String> out = new ArrayList<>();
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
				final Roi roi = RoiDecoder.openFromByteArray(in.readAllBytes());
				out.add(e.getName() + " " + roi.getBounds() + " " + Arrays.toString(roi.getContainedPoints().length > 0
					? new int[] { roi.getContainedPoints().length } : new int[0]));
			}
		}
		return out;
	}

	private static Object pixels(final Path file) {
		return IJ.openImage(file.toString()).getProcessor().getPixels();
	}

	@Test
	void theSameFilesAsTheGeneralPath() throws IOException {
		final int w = 160;
		final int h = 120;
		final ImagePlus image = new ImagePlus("img", new ByteProcessor(w, h));
		final ij.measure.Calibration calibration = new ij.measure.Calibration();
		calibration.pixelWidth = 0.325;
		calibration.pixelHeight = 0.325;
		calibration.setUnit("micron");
		image.setCalibration(calibration);
		final AnnotationOptions[] settings = { AnnotationOptions.paper(0.25), new AnnotationOptions(Threshold.parse(
			"0.4"), Keep.all(20), Double.NaN), new AnnotationOptions(Threshold.parse("otsu"), Keep.all(1), 0.5) };
		int compared = 0;
		for (int classes = 1; classes <= 3; classes++) {
			for (final AnnotationOptions options : settings) {
				final ImageExplanation e = explanation(w, h, classes);
				final Path general = Files.createDirectories(tmp.resolve("general-" + compared));
				final ImageAnnotation annotation = PseudoLabelOutputs.annotate(e, CamMethod.ZOOMCAM, options);
				PseudoLabelOutputs.writeAll(annotation, PseudoLabelOutputs.maxOf(e.targets().stream().map(t -> t.map(
					CamMethod.ZOOMCAM)).toList()), image, 1, 0.5, general);
				final Path lean = Files.createDirectories(tmp.resolve("lean-" + compared));
				final LeanPseudoLabels.Labels leanLabelsOf = LeanPseudoLabels.write(e, CamMethod.ZOOMCAM, options, image, 1,
					0.5, lean);
				final String what = classes + " classes, " + options;
				assertEquals(annotation.classes(), leanLabelsOf.classes(), what);
				assertEquals(annotation.instances(), leanLabelsOf.instances(), what);
				assertArrayEquals((byte[]) pixels(general.resolve("mask.tif")), (byte[]) pixels(lean.resolve("mask.tif")),
					what);
				assertArrayEquals((short[]) pixels(general.resolve("labels.tif")), (short[]) pixels(lean.resolve(
					"labels.tif")), what);
				final ImagePlus generalLabels = IJ.openImage(general.resolve("labels.tif").toString());
				final ImagePlus leanLabels = IJ.openImage(lean.resolve("labels.tif").toString());
				assertEquals(generalLabels.getCalibration().pixelWidth, leanLabels.getCalibration().pixelWidth, 1e-9);
				assertEquals(generalLabels.getCalibration().getUnit(), leanLabels.getCalibration().getUnit());
				assertEquals(generalLabels.getDisplayRangeMax(), leanLabels.getDisplayRangeMax(), what);
				assertEquals(Files.readString(general.resolve("boxes.csv")), Files.readString(lean.resolve("boxes.csv")),
					what);
				assertEquals(rois(general.resolve("rois.zip")), rois(lean.resolve("rois.zip")), what);
				assertArrayEquals(Files.readAllBytes(general.resolve("overlay.png")), Files.readAllBytes(lean.resolve(
					"overlay.png")), what);
				compared++;
			}
		}
		assertEquals(9, compared);
		// the cases are not trivial: several classes compete somewhere in the 3-class label image
		final short[] labels = (short[]) pixels(tmp.resolve("lean-8").resolve("labels.tif"));
		assertTrue(new java.util.HashSet<>(Arrays.asList(box(labels))).size() >= 3, "labels present: " + new java.util
			.TreeSet<>(Arrays.asList(box(labels))));
	}

	private static Short[] box(final short[] values) {
		final Short[] out = new Short[values.length];
		for (int i = 0; i < values.length; i++) out[i] = values[i];
		return out;
	}

	@Test
	void theOverlayOfAVeryWideImageIsAScaledPreview() throws IOException {
		final int w = 5000;
		final int h = 40;
		final ImageExplanation e = explanation(w, h, 1);
		final List<ClassAnnotation> classes = LeanPseudoLabels.write(e, CamMethod.ZOOMCAM, AnnotationOptions.paper(0.25),
			new ImagePlus("wide", new ByteProcessor(w, h)), 1, 0.5, tmp).classes();
		assertTrue(!classes.get(0).label().components().isEmpty());
		final ImagePlus overlay = IJ.openImage(tmp.resolve("overlay.png").toString());
		// 5000 px: shrunk by the whole factor 2 to 2500 x 20
		assertEquals(2500, overlay.getWidth());
		assertEquals(20, overlay.getHeight());
		assertEquals(w, IJ.openImage(tmp.resolve("labels.tif").toString()).getWidth(), "the labels stay full size");
	}

	@Test
	void aPreviewPixelIsTheMeanOfItsBlock() {
		// 3 x 2: 1 2 3 / 4 5 6, factor 2: (1 + 2 + 4 + 5) / 4 = 3 and the edge block (3 + 6) / 2 = 4.5
		final ij.process.ImageProcessor small = BlockAverage.of(new ij.process.FloatProcessor(3, 2, new float[] { 1, 2,
			3, 4, 5, 6 }), 2);
		assertArrayEquals(new float[] { 3, 4.5f }, (float[]) small.getPixels());
		final ij.process.ImageProcessor rgb = BlockAverage.of(new ij.process.ColorProcessor(2, 1, new int[] { 0x0a1400,
			0x1e2802 }), 2);
		assertEquals(0x141e01, ((int[]) rgb.getPixels())[0] & 0xffffff, "each channel averaged, rounded");
	}
}
