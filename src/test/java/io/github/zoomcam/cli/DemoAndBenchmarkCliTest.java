package io.github.zoomcam.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./zoomcam demo and ./zoomcam benchmark on the bundled model (run from the repository root, as Maven does). */
class DemoAndBenchmarkCliTest {

	@TempDir
	Path tmp;

	@Test
	void demoWritesEveryOutputForEverySampleAndPrintsBothTables() throws IOException {
		final Path out = tmp.resolve("demo");
		final ExplainCliTest.Run r = ExplainCliTest.run("demo", "--out", out.toString(), "--device", "cpu", "--quiet");
		assertEquals(0, r.code(), r.err());
		try (var dirs = Files.list(out)) {
			final List<Path> images = dirs.filter(Files::isDirectory).toList();
			assertEquals(8, images.size(), "one folder per sample image");
			for (final Path dir : images) {
				for (final String f : List.of("result.json", "mask.tif", "labels.tif", "instances.tif", "rois.zip",
					"boxes.csv", "overlay.png"))
				{
					assertTrue(Files.isRegularFile(dir.resolve(f)), dir + "/" + f);
				}
			}
		}
		// The bundled model recognises the sample classes listed in the samples' image_labels.csv.
		final List<String> truth = Files.readAllLines(Path.of(DemoCommand.SAMPLES, "image_labels.csv"));
		for (final String row : truth.subList(1, truth.size())) {
			final String[] cells = row.split(",");
			final String line = r.out().lines().filter(l -> l.contains(cells[0])).findFirst().orElseThrow();
			final String[] classes = truth.get(0).split(",");
			for (int c = 1; c < cells.length; c++) {
				assertEquals(cells[c].equals("1"), line.contains(classes[c] + " "), classes[c] + " in " + line);
			}
		}
		assertTrue(r.out().contains("mIoU") && r.out().contains("Top-1 Loc Err"), r.out());
		// the default refinement: instances of their own, named in the summary and in result.json
		assertTrue(r.out().contains("pseudo-labels by the default (image-guided) refinement"), r.out());
		final String first = r.out().lines().filter(l -> l.contains("img_00000.tif")).findFirst().orElseThrow();
		assertTrue(first.matches(".*rod 1\\.00: [2-9][0-9]* instances.*"), first);
		final String json = Files.readString(out.resolve("img_00000").resolve("result.json"));
		assertTrue(json.contains("\"refine\": \"image method="), "result.json records the refinement");
	}

	@Test
	void benchmarkReportsEveryMethodAndTheLayerAblation() throws IOException {
		final Path out = tmp.resolve("bench");
		final ExplainCliTest.Run r = ExplainCliTest.run("benchmark", "--n", "3", "--out", out.toString(), "--device",
			"cpu");
		assertEquals(0, r.code(), r.err());
		final List<String> csv = Files.readAllLines(out.resolve("benchmark.csv"));
		assertTrue(csv.get(0).startsWith("method,iou_background,iou_nucleus,iou_rod,iou_ring,iou_puncta,miou"), csv
			.get(0));
		final List<String> methods = csv.subList(1, csv.size()).stream().map(l -> l.split(",")[0]).toList();
		assertTrue(methods.containsAll(List.of("zoomcam", "gradcam", "zoomcam last 1", "zoomcam last 2",
			"zoomcam last 4", "zoomcam all 10")), methods.toString());
		for (final String line : csv.subList(1, csv.size())) {
			final String[] v = line.split(",", -1);
			final double miou = Double.parseDouble(v[6]);
			assertTrue(miou >= 0 && miou <= 1, line);
			assertTrue(Double.parseDouble(v[v.length - 1]) > 0, "ms/image of " + v[0]);
		}
		// Zoom-CAM over the last layer alone is Grad-CAM's layer with the element-wise weights: same layer count 1.
		assertTrue(csv.stream().anyMatch(l -> l.startsWith("zoomcam last 1,") && l.endsWith(",1," + l.substring(l
			.lastIndexOf(',') + 1))), csv.toString());
		assertTrue(r.out().contains("Zoom-CAM vs Grad-CAM"), r.out());
	}

	@Test
	void benchmarkRefusesTheTrainingSeed() {
		final ExplainCliTest.Run r = ExplainCliTest.run("benchmark", "--n", "2", "--seed", "1", "--out", tmp.toString());
		assertEquals(2, r.code());
		assertTrue(r.err().contains("seed 1") && r.err().contains("training"), r.err());
	}
}
