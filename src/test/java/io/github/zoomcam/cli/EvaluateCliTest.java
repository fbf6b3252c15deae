package io.github.zoomcam.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./zoomcam evaluate on the hand-made example in fixtures/eval (tools/make_eval_fixture.py). Two 4x4
 * images, classes cat (label 1) and dog (label 2). Summing both images, the confusion matrix (truth ->
 * predicted) is: background -> background 17, -> cat 1, -> dog 2; cat -> cat 3, -> background 1;
 * dog -> dog 4, -> background 4. So IoU(background) = 17 / (20 + 22 - 17) = 0.68, IoU(cat) = 3 / (4 + 4 - 3)
 * = 0.6, IoU(dog) = 4 / (8 + 6 - 4) = 0.4, mIoU = 0.56. Localization: image a ranks cat first and its cat
 * box (0,0,3,2) has IoU 4/6 with the truth (0,0,2,2): hit. Image b ranks cat first (not in b: top-1 wrong);
 * its dog box (0,0,2,2) has IoU 2/6 with (0,0,4,1): miss. Top-1 and top-5 localization error 0.5, GT-known
 * accuracy 0.5, top-1 classification error 0.5, top-5 0. Small objects (all three instances): cat in a 3/4
 * covered, dog in a 3/4, dog in b 1/4, so recall 2/3. No heatmaps: MaxBoxAccV2 is empty.
 */
class EvaluateCliTest {

	static final Path EVAL = Fixtures.ROOT.resolve("eval");

	@TempDir
	Path tmp;

	@Test
	void handMadeExampleGivesHandComputedScores() throws IOException {
		final Path csv = tmp.resolve("scores.csv");
		final ExplainCliTest.Run r = ExplainCliTest.run("evaluate", "--pred", EVAL.resolve("pred").toString(),
			"--truth", EVAL.resolve("truth").toString(), "--csv", csv.toString());
		assertEquals(0, r.code(), r.err());
		final List<String> lines = Files.readAllLines(csv);
		assertEquals("method,iou_background,iou_cat,iou_dog,miou,top1_cls_err,top5_cls_err,top1_loc_err," +
			"top5_loc_err,gt_known_loc_acc,maxboxacc_v2,small_object_recall", lines.get(0));
		final String[] v = lines.get(1).split(",", -1);
		assertEquals("handmade", v[0]);
		final double[] expected = {0.68, 0.6, 0.4, 0.56, 0.5, 0.0, 0.5, 0.5, 0.5};
		for (int i = 0; i < expected.length; i++) assertEquals(expected[i], Double.parseDouble(v[i + 1]), 1e-6, "column " + i);
		assertEquals("", v[10], "no heatmaps, no MaxBoxAccV2");
		assertEquals(2.0 / 3, Double.parseDouble(v[11]), 1e-6);
		// Both tables are printed: Table II with class columns, Table I with the localization columns.
		assertTrue(r.out().contains("background") && r.out().contains("mIoU") && r.out().contains("56.0"), r.out());
		assertTrue(r.out().contains("Top-1 Loc Err") && r.out().contains("GT-known Loc Acc"), r.out());
	}

	@Test
	void mismatchedGroundTruthIsSkippedAndNamed() throws IOException {
		final Path truth = tmp.resolve("truth");
		copyTree(EVAL.resolve("truth"), truth);
		new FileSaver(new ImagePlus("b", new ByteProcessor(5, 4))).saveAsTiff(truth.resolve("labels").resolve("b.tif")
			.toString());
		final ExplainCliTest.Run r = ExplainCliTest.run("evaluate", "--pred", EVAL.resolve("pred").toString(),
			"--truth", truth.toString(), "--csv", tmp.resolve("s.csv").toString());
		assertEquals(1, r.code(), "a skipped image makes the exit code 1");
		assertTrue(r.err().contains("b.tif") && r.err().contains("5x4"), r.err());
		assertTrue(r.out().contains("evaluated 1 images, skipped 1"), r.out());
	}

	@Test
	void unreadableGroundTruthIsSkippedAndNamed() throws IOException {
		final Path truth = tmp.resolve("truth");
		copyTree(EVAL.resolve("truth"), truth);
		Files.writeString(truth.resolve("labels").resolve("a.tif"), "not a tiff");
		final ExplainCliTest.Run r = ExplainCliTest.run("evaluate", "--pred", EVAL.resolve("pred").toString(),
			"--truth", truth.toString(), "--csv", tmp.resolve("s.csv").toString());
		assertEquals(1, r.code(), r.err());
		assertTrue(r.err().contains("a.tif"), r.err());
		assertFalse(r.err().contains("Exception"), r.err());
	}

	@Test
	void missingFoldersGiveOneLineErrors() {
		final ExplainCliTest.Run r = ExplainCliTest.run("evaluate", "--pred", tmp.resolve("nothing").toString(),
			"--truth", EVAL.resolve("truth").toString());
		assertEquals(2, r.code());
		assertEquals(1, r.err().strip().lines().count(), r.err());
		assertTrue(r.err().contains("nothing"), r.err());
	}

	@Test
	void explainThenEvaluateOnTheFixtureRunsEndToEnd() throws IOException {
		// Ground truth made by hand for the fixture image: everything is "nucleus" (label 1).
		final Path truth = tmp.resolve("truth");
		Files.createDirectories(truth.resolve("labels"));
		final ByteProcessor all = new ByteProcessor(57, 41);
		all.setValue(1);
		all.fill();
		new FileSaver(new ImagePlus("cells_rgb", all)).saveAsTiff(truth.resolve("labels").resolve("cells_rgb.tif")
			.toString());
		Files.writeString(truth.resolve("boxes.csv"), "image,class,x,y,width,height\ncells_rgb.png,nucleus,0,0,57,41\n");
		final Path pred = tmp.resolve("pred");
		assertEquals(0, ExplainCliTest.run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", pred.toString(),
			"--target", "nucleus", "--device", "cpu", Fixtures.RGB_IMAGE.toString()).code());
		final ExplainCliTest.Run r = ExplainCliTest.run("evaluate", "--pred", pred.toString(), "--truth", truth
			.toString());
		assertEquals(0, r.code(), r.err());
		final List<String> lines = Files.readAllLines(pred.resolve("evaluation.csv"));
		final String[] v = lines.get(1).split(",", -1);
		// IoU(nucleus) = predicted nucleus pixels / all pixels, as the truth is nucleus everywhere.
		final ImagePlus labels = IJ.openImage(pred.resolve("cells_rgb").resolve("labels.tif").toString());
		int nucleus = 0;
		for (int i = 0; i < 57 * 41; i++) if (labels.getProcessor().get(i) == 1) nucleus++;
		assertEquals((double) nucleus / (57 * 41), Double.parseDouble(v[2]), 1e-6);
		assertFalse(v[10].isEmpty(), "MaxBoxAccV2 from the nucleus heatmap");
	}

	private static void copyTree(final Path from, final Path to) throws IOException {
		try (Stream<Path> s = Files.walk(from)) {
			for (final Path p : s.toList()) {
				final Path target = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(target);
				else Files.copy(p, target);
			}
		}
	}
}
