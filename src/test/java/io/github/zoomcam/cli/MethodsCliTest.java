package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.NpyArray;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.pipeline.HeatmapImages;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.github.zoomcam.cli.ExplainCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./zoomcam explain --method and ./zoomcam speed --methods, in process, against the reference maps. */
class MethodsCliTest {

	@TempDir
	Path tmp;

	private static String key(final CamMethod m) {
		return m == CamMethod.GRADCAM_PLUS_PLUS ? "gradcampp" : m.id();
	}

	private static void assertPixels(final NpyArray expected, final ImagePlus stack, final int slice,
		final String what)
	{
		final float[] actual = (float[]) stack.getStack().getProcessor(slice).getPixels();
		assertEquals(expected.data().length, actual.length, what);
		for (int i = 0; i < actual.length; i++) assertEquals(expected.data()[i], actual[i], 1e-5, what + " pixel " + i);
	}

	@Test
	void everyMethodIsAvailableFromTheCommandLineAndMatchesTheReference() throws IOException {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--method", "all", "--scorecam-channels", "0", "--scorecam-batch", "5", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final Map<String, NpyArray> ref = Fixtures.expected("methods");
		final Path dir = out.resolve("cells_rgb");
		for (final CamMethod m : CamMethod.values()) {
			final String file = m == CamMethod.ZOOMCAM ? "heatmaps.tif" : "heatmaps-" + key(m) + ".tif";
			final ImagePlus stack = IJ.openImage(dir.resolve(file).toString());
			assertEquals(57, stack.getWidth(), file);
			assertEquals(41, stack.getHeight(), file);
			final int slices = m.multiLayer() ? 6 : 1;
			assertEquals(slices, stack.getStackSize(), file);
			// (A one-slice TIFF keeps no slice label; its Info names the method, checked below.)
			if (m.multiLayer()) assertEquals(m.label(), stack.getStack().getSliceLabel(slices), file);
			assertPixels(ref.get("single_t0_" + key(m) + "_original"), stack, slices, file);
			if (m.multiLayer()) {
				assertEquals("features.1", stack.getStack().getSliceLabel(1));
				final NpyArray layers = ref.get("single_t0_" + key(m) + "_layers_original");
				final int hw = 57 * 41;
				final float[] first = java.util.Arrays.copyOfRange(layers.data(), 0, hw);
				assertPixels(new NpyArray(new long[] {41, 57}, first), stack, 1, file + " layer 1");
			}
			assertTrue(((String) stack.getProperty("Info")).contains("method=" + m.id()), file);
		}
		final JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("result.json"))).getAsJsonObject();
		assertEquals("zoomcam", json.get("method").getAsString());
		assertEquals(CamMethod.values().length, json.getAsJsonArray("methods").size());
		final JsonObject byMethod = json.getAsJsonArray("targets").get(0).getAsJsonObject().getAsJsonObject(
			"heatmaps_by_method");
		assertEquals("heatmaps-gradcampp.tif", byMethod.get("gradcam++").getAsString());
		assertEquals("heatmaps.tif", byMethod.get("zoomcam").getAsString());
		ExplainCliTest.assertNoTemporaryFiles(out);
	}

	@Test
	void heatmapStacksHoldTheReferenceMapsLabelledWithMethodAndLayer() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("methods");
		final List<String> layers = List.of("features.1", "features.4", "features.7", "features.9", "features.12");
		try (ModelBundle bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {})) {
			final ExplainOptions options = ExplainOptions.builder().methods(List.of(CamMethod.values())).scoreCam(
				new ExplainOptions.ScoreCamSettings(0, ExplainOptions.ScoreCamSettings.DEFAULT_BATCH))
				.layerMapsAtOriginalSize(true).build();
			final TargetExplanation t = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)), options)
				.images().get(0).targets().get(0);
			for (final CamMethod m : CamMethod.values()) {
				final String p = "single_t0_" + key(m) + "_";
				final ImagePlus stack = HeatmapImages.stack(t, m, "t", null);
				final int n = stack.getStackSize();
				assertEquals(m.multiLayer() ? 6 : 1, n, m.id());
				assertEquals(57, stack.getWidth(), "the original image's size");
				assertTrue(((String) stack.getProperty("Info")).endsWith("method=" + m.id()), m.id());
				if (m.multiLayer()) {
					for (int l = 0; l < 5; l++) {
						assertEquals(layers.get(l), stack.getStack().getSliceLabel(l + 1));
						assertPixels(ref.get(p + "layers_original"), l, stack, l + 1, m.id() + " " + layers.get(l));
					}
					assertEquals(m.label(), stack.getStack().getSliceLabel(6));
				}
				// A one-slice ImagePlus shows its Info instead of the slice label; Info names the method.
				assertPixels(ref.get(p + "original"), 0, stack, n, m.id() + " fused");
			}
			// Per-layer maps at the model input size: the whole stack is at that size, its pixels larger.
			final TargetExplanation small = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
				ExplainOptions.defaults()).images().get(0).targets().get(0);
			final Calibration calibration = new Calibration();
			calibration.pixelWidth = 0.5;
			calibration.pixelHeight = 0.5;
			final ImagePlus stack = HeatmapImages.stack(small, CamMethod.ZOOMCAM, "t", calibration);
			assertEquals(48, stack.getWidth());
			assertEquals(0.5 * 57 / 48, stack.getCalibration().pixelWidth, 1e-12);
			assertEquals(0.5 * 41 / 48, stack.getCalibration().pixelHeight, 1e-12);
			assertPixels(ref.get("single_t0_zoomcam_input"), 0, stack, 6, "fused at input");
		}
	}

	/** A slice against the reference map at index {@code map} of a (maps, h, w) or (h, w) array. */
	private static void assertPixels(final NpyArray expected, final int map, final ImagePlus stack, final int slice,
		final String what)
	{
		final float[] pixels = (float[]) stack.getStack().getProcessor(slice).getPixels();
		final int size = pixels.length;
		for (int i = 0; i < size; i++) {
			assertEquals(expected.data()[map * size + i], pixels[i], 1e-5, what + " pixel " + i);
		}
	}

	@Test
	void firstListedMethodIsTheMainStackAndSeveralTargetsKeepClassNames() throws IOException {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--method", "Grad-CAM++,layercam", "--target", "top2", Fixtures.GREY16_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final Map<String, NpyArray> ref = Fixtures.expected("methods");
		final List<String> classes = List.of("nucleus", "rod", "ring", "puncta", "debris");
		final Path dir = out.resolve("cells_grey16");
		for (int k = 0; k < 2; k++) {
			final String cls = classes.get((int) ref.get("batch_img1_targets").data()[k]);
			final ImagePlus main = IJ.openImage(dir.resolve("heatmaps-" + cls + ".tif").toString());
			assertTrue(((String) main.getProperty("Info")).contains("method=gradcam++"));
			assertPixels(ref.get("batch_img1_t" + k + "_gradcampp_original"), main, 1, cls + " grad-cam++");
			final ImagePlus layer = IJ.openImage(dir.resolve("heatmaps-" + cls + "-layercam.tif").toString());
			assertEquals("layer-cam", layer.getStack().getSliceLabel(6));
			assertPixels(ref.get("batch_img1_t" + k + "_layercam_original"), layer, 6, cls + " layer-cam");
		}
		assertFalse(Files.exists(dir.resolve("heatmaps.tif")));
		final JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("result.json"))).getAsJsonObject();
		assertEquals("gradcam++", json.get("method").getAsString());
	}

	@Test
	void singleLayerMethodWithOneLayerUsesThatLayer() {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--method", "hirescam", "--layers", "features.9", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final ImagePlus stack = IJ.openImage(out.resolve("cells_rgb/heatmaps.tif").toString());
		assertTrue(((String) stack.getProperty("Info")).contains("method=hirescam"));
		try {
			assertPixels(Fixtures.expected("methods").get("layer9_t0_hirescam_original"), stack, 1, "hirescam@9");
		}
		catch (final IOException e) {
			throw new AssertionError(e);
		}
	}

	@Test
	void unknownMethodIsAOneLineErrorListingTheMethods() {
		final ExplainCliTest.Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", tmp.resolve("out")
			.toString(), "--method", "zoomcam,gradcam+++", Fixtures.RGB_IMAGE.toString());
		assertEquals(2, r.code());
		assertFalse(r.err().contains("\tat "), r.err());
		final List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
		assertEquals(1, errors.size(), r.err());
		for (final CamMethod m : CamMethod.values()) assertTrue(errors.get(0).contains(m.id()), errors.get(0));
		assertTrue(errors.get(0).contains("gradcam+++"), errors.get(0));
		assertFalse(Files.exists(tmp.resolve("out")), "nothing written");

		final ExplainCliTest.Run neg = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", tmp.resolve("out")
			.toString(), "--method", "scorecam", "--scorecam-channels", "-1", Fixtures.RGB_IMAGE.toString());
		assertEquals(2, neg.code());
		assertTrue(neg.err().contains("scorecam-channels") && neg.err().contains("-1"), neg.err());
	}

	@Test
	void speedReportsMillisecondsPerImageForEveryMethod() {
		final ExplainCliTest.Run r = run("speed", "--model", Fixtures.BUNDLE.toString(), "--methods", "all",
			"--repeats", "1", "--warmup", "0", "--scorecam-channels", "8");
		assertEquals(0, r.code(), r.err());
		for (final CamMethod m : CamMethod.values()) {
			assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*1\\s+" + java.util.regex.Pattern.quote(m.id()) +
				"\\s+[0-9.]+\\s+[0-9.]+\\s+.*")), m.id() + " line in:\n" + r.out());
		}
		// Score-CAM alone: 1 + 1 forward passes (the batch, then 8 masked images + baseline), no backward.
		assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*1\\s+scorecam\\s+[0-9.]+\\s+[0-9.]+\\s+2 0 9\\s+.*")),
			r.out());
		assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*1\\s+layercam\\s+[0-9.]+\\s+[0-9.]+\\s+1 1 0\\s+.*")),
			r.out());
		assertNotEquals(-1, r.out().indexOf("top 8 channels"), r.out());
		// All methods in one call: still one forward and one backward pass, plus Score-CAM's masked batch.
		assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*1\\s+together\\s+[0-9.]+\\s+[0-9.]+\\s+2 1 9\\s+.*")),
			r.out());
	}
}
