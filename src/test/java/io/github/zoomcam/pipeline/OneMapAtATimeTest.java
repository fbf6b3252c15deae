package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.tiling.MemoryBudget;
import io.github.zoomcam.pipeline.tiling.RawMapStore;
import io.github.zoomcam.pipeline.tiling.TileAxis;
import io.github.zoomcam.pipeline.tiling.TileGrid;
import io.github.zoomcam.pipeline.tiling.TileSource;
import io.github.zoomcam.pipeline.tiling.TiledExplainer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The result folder of a large tiled image written one full-size map at a time gives the files of the same
 * image with every map stitched at once: heatmap files byte for byte, and the lean path's label files (which
 * {@link LeanPseudoLabelsTest} compares with the general path) from maps read back from those heatmap files.
 */
class OneMapAtATimeTest {

	private static ModelBundle bundle;

	@TempDir
	Path tmp;

	@BeforeAll
	static void load() {
		bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {});
	}

	@AfterAll
	static void close() {
		bundle.close();
	}

	private static ImagePlus image(final int w, final int h, final long seed) {
		final Random random = new Random(seed);
		final int[] rgb = new int[w * h];
		// Smooth blobs on noise, so the maps have several components.
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final double blob = Math.max(0, Math.sin(x / 9.0) * Math.cos(y / 7.0));
				final int v = (int) Math.min(255, 200 * blob + random.nextInt(40));
				rgb[y * w + x] = v << 16 | (v / 2) << 8 | random.nextInt(60);
			}
		}
		return new ImagePlus("blobs", new ColorProcessor(w, h, rgb));
	}

	private static TileGrid grid(final int w, final int h) {
		return new TileGrid(TileAxis.of(w, 48, 8), TileAxis.of(h, 48, 8), 1);
	}

	private static Object pixels(final Path file) {
		return IJ.openImage(file.toString()).getProcessor().getPixels();
	}

	private static JsonObject withoutTimes(final Path resultJson) throws IOException {
		final JsonObject root = JsonParser.parseString(Files.readString(resultJson)).getAsJsonObject();
		root.remove("timings");
		root.remove("runtime");
		return root;
	}

	@Test
	void theFilesEqualThoseOfEveryMapAtOnce() throws IOException {
		final int w = 150;
		final int h = 110;
		final ImagePlus image = image(w, h, 3);
		final Path png = tmp.resolve("blobs.png");
		new FileSaver(image).saveAsPng(png.toString());
		final SourceFile source = SourceFile.of(png);
		for (final String keep : List.of("largest", "all")) {
			// The paper's protocol (refine none), with its one or all components per class.
			final ExplainSettings settings = ExplainSettings.parse(bundle.manifest(), Map.of(ExplainSettings.METHOD,
				"zoomcam,gradcam", ExplainSettings.TARGET, "top2", ExplainSettings.LAYER_MAPS, "input", "keep", keep,
				ExplainSettings.REFINE, "none"));
			// The raw maps in memory once, in a temporary file once (what large images do).
			final TiledExplainer explainer = new TiledExplainer(bundle.explainer(), 5, tmp, keep.equals("largest")
				? RawMapStore.DEFAULT_MEMORY_LIMIT : 0);

			final Path atOnce = Files.createDirectories(tmp.resolve("at-once-" + keep));
			final ExplainResult all = explainer.explain(TileSource.of(image, "blobs.png", 1, 1), grid(w, h), settings
				.options(), false, null, k -> {}, ExplainMonitor.NONE);
			final ImageExplanation explanation = all.images().get(0);
			assertEquals(2, explanation.targets().size());
			final Map<CamMethod, Map<String, String>> files = ResultFolder.writeHeatmaps(explanation, settings.methods(),
				ResultStore.stem(png), image.getCalibration(), atOnce);
			final LeanPseudoLabels.Labels lean = LeanPseudoLabels.write(explanation, CamMethod.ZOOMCAM, settings
				.annotation(), image, 1, settings.opacity(), atOnce);
			assertFalse(lean.instances().isEmpty(), "the maps give components");

			final Path oneAtATime = Files.createDirectories(tmp.resolve("one-at-a-time-" + keep));
			final int[] stitched = new int[1];
			final ResultFolder.Written written;
			try (TiledExplainer.RawTiles tiles = explainer.explainRaw(TileSource.of(image, "blobs.png", 1, 1), grid(w, h),
				settings.options(), k -> {}, new ExplainMonitor() {

					@Override
					public void progress(final int done, final int total, final String what) {
						if (what.equals("stitching tiles")) stitched[0] = Math.max(stitched[0], done);
					}

					@Override
					public boolean cancelled() {
						return false;
					}
				}))
			{
				written = ResultFolder.writeTiled(oneAtATime, bundle, source, image, 1, tiles, settings, "hash", new ExplainMonitor() {

					@Override
					public void progress(final int done, final int total, final String what) {
						assertTrue(done <= total, done + " of " + total);
						stitched[0] = done;
					}

					@Override
					public boolean cancelled() {
						return false;
					}
				});
			}
			// 2 methods x 2 classes x 12 tiles (4 columns, 3 rows), reported over all of them
			assertEquals(2 * 2 * 12, stitched[0]);
			assertEquals(files, written.heatmapFiles());
			assertEquals(lean.classes(), written.classes());

			final TreeSet<String> expected = names(atOnce);
			expected.add(ResultFolder.RESULT_JSON);
			assertEquals(expected, names(oneAtATime), keep);
			for (final String name : names(atOnce)) {
				final Path a = atOnce.resolve(name);
				final Path b = oneAtATime.resolve(name);
				if (name.startsWith("heatmaps") || name.endsWith(".csv") || name.endsWith(".zip")) {
					assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), name + ", keep " + keep);
				}
				else if (name.equals("mask.tif")) {
					assertArrayEquals((byte[]) pixels(a), (byte[]) pixels(b), name);
				}
				else if (name.equals("labels.tif")) {
					assertArrayEquals((short[]) pixels(a), (short[]) pixels(b), name);
				}
				else if (name.equals("overlay.png")) {
					assertArrayEquals((int[]) pixels(a), (int[]) pixels(b), name);
				}
			}
			final JsonObject json = withoutTimes(oneAtATime.resolve(ResultFolder.RESULT_JSON));
			assertEquals("none", json.getAsJsonObject("pseudo_labels").get("refine").getAsString());
			assertEquals(lean.instances().size(), json.getAsJsonObject("pseudo_labels").get("instance_count").getAsInt());
			assertTrue(written.warnings().isEmpty(), written.warnings().toString());
		}
	}

	/**
	 * With the default image-guided refinement, an image that one block holds is labelled as the general path
	 * labels it from every map at once (the evidence stitched, then read back from its temporary file).
	 */
	@Test
	void theRefinementOfOneBlockEqualsTheWholeImageRefinement() throws IOException {
		final int w = 150;
		final int h = 110;
		final ImagePlus image = image(w, h, 4);
		final Path png = tmp.resolve("refined.png");
		new FileSaver(image).saveAsPng(png.toString());
		final ExplainSettings settings = ExplainSettings.parse(bundle.manifest(), Map.of(ExplainSettings.TARGET, "top2",
			ExplainSettings.LAYER_MAPS, "input"));
		final TiledExplainer explainer = new TiledExplainer(bundle.explainer(), 5, tmp, 0);
		final ImageExplanation explanation = explainer.explain(TileSource.of(image, "refined.png", 1, 1), grid(w, h),
			settings.options(), false, CamMethod.ZOOMCAM, k -> {}, ExplainMonitor.NONE).images().get(0);
		final io.github.zoomcam.labels.ImageAnnotation expected = PseudoLabelOutputs.annotate(explanation,
			CamMethod.ZOOMCAM, settings.annotation(), ResultFolder.guide(image, 1));
		assertFalse(expected.instances().isEmpty(), "the maps and the image give instances");

		final Path dir = Files.createDirectories(tmp.resolve("refined"));
		final ResultFolder.Written written;
		try (TiledExplainer.RawTiles tiles = explainer.explainRaw(TileSource.of(image, "refined.png", 1, 1), grid(w, h),
			settings.options(), k -> {}, ExplainMonitor.NONE))
		{
			written = ResultFolder.writeTiled(dir, bundle, SourceFile.of(png), image, 1, tiles, settings, "hash",
				ExplainMonitor.NONE);
		}
		assertEquals(expected.classes(), written.classes());
		final JsonObject json = withoutTimes(dir.resolve(ResultFolder.RESULT_JSON));
		assertTrue(json.getAsJsonObject("pseudo_labels").get("refine").getAsString().startsWith("image"));
		assertEquals(expected.instances().size(), json.getAsJsonObject("pseudo_labels").get("instance_count").getAsInt());
		final int[] ids = expected.instanceImage();
		final short[] instances = (short[]) pixels(dir.resolve(PseudoLabelOutputs.INSTANCES));
		for (int i = 0; i < ids.length; i++) assertEquals(ids[i], instances[i], "instance id at " + i);
		final int[] labels = expected.labelImage();
		final short[] written16 = (short[]) pixels(dir.resolve(PseudoLabelOutputs.LABELS));
		for (int i = 0; i < labels.length; i++) assertEquals(labels[i], written16[i], "label at " + i);
		assertEquals(PseudoLabelOutputs.boxesCsv(expected), Files.readString(dir.resolve(PseudoLabelOutputs.BOXES)));
		assertEquals(new TreeSet<>(List.of("boxes.csv", "heatmaps-" + explanation.targets().get(0).className() +
			".tif", "heatmaps-" + explanation.targets().get(1).className() + ".tif", "instances.tif", "labels.tif",
			"mask.tif", "overlay.png", "result.json", "rois.zip")), names(dir), "no temporary file is left");
	}

	@Test
	void theMemoryCheckCountsOneMapWhateverTheClassesAndMethods() {
		final ExplainSettings settings = ExplainSettings.parse(bundle.manifest(), Map.of(ExplainSettings.METHOD,
			"zoomcam,gradcam,layercam"));
		final long large = 16384L * 16384;
		assertTrue(settings.stitchesOneMapAtATime(large));
		assertFalse(settings.stitchesOneMapAtATime(4096L * 4096), "up to 4096x4096 the refinement needs the maps");
		assertFalse(ExplainSettings.parse(bundle.manifest(), Map.of(ExplainSettings.LAYER_MAPS, "original"))
			.stitchesOneMapAtATime(large), "per-layer maps at full size need every layer of a class at once");
		final MemoryBudget.Outputs four = settings.fullSizeOutputs(bundle.manifest(), large, 4, false);
		assertEquals(MemoryBudget.bytes(large, MemoryBudget.Outputs.oneMapAtATime(4, true)), MemoryBudget.bytes(large,
			four));
		// 4 B for the map, 2 B while a class is labelled or traced, 4 bits for the four classes' kept masks
		assertEquals(large * 6 + large / 2, MemoryBudget.bytes(large, four));
		assertTrue(MemoryBudget.bytes(large, settings.fullSizeOutputs(bundle.manifest(), large, 4, true)) > large * 40,
			"Fiji's windows hold every map");
	}

	private static TreeSet<String> names(final Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}
}
