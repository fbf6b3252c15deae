package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetsAndManifestTest {

	static BundleManifest manifest() throws IOException {
		return BundleManifest.parse(Files.readString(Fixtures.BUNDLE.resolve("zoomcam.json")), "fixture");
	}

	@Test
	void targetTextForms() {
		assertEquals(TargetSpec.TOP1, TargetSpec.parse(""));
		assertEquals(new TargetSpec.TopK(3), TargetSpec.parse("top3"));
		assertEquals(new TargetSpec.TopK(2), TargetSpec.parse("top-2"));
		assertEquals(new TargetSpec.ProbabilityAtLeast(0.4), TargetSpec.parse("p>=0.4"));
		assertEquals(new TargetSpec.Classes(List.of("ring", "rod")), TargetSpec.parse("ring, rod"));
		assertThrows(ZoomCamException.class, () -> TargetSpec.parse("p>=1.5"));
		assertThrows(ZoomCamException.class, () -> TargetSpec.parse("top0"));
	}

	@Test
	void resolvingTargets() throws IOException {
		final BundleManifest m = manifest();
		final float[] p = {0.1f, 0.5f, 0.05f, 0.3f, 0.05f};
		assertArrayEquals(new int[] {1}, TargetSpec.TOP1.resolve(m, p));
		assertArrayEquals(new int[] {1, 3}, new TargetSpec.TopK(2).resolve(m, p));
		assertArrayEquals(new int[] {1, 3}, new TargetSpec.ProbabilityAtLeast(0.3).resolve(m, p));
		assertArrayEquals(new int[0], new TargetSpec.ProbabilityAtLeast(0.9).resolve(m, p));
		// by name, case-insensitively, by index, duplicates dropped
		assertArrayEquals(new int[] {2, 4, 0}, TargetSpec.parse("ring,DEBRIS,0,ring").resolve(m, p));
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> TargetSpec.parse("cat").validate(m));
		assertTrue(e.getMessage().contains("nucleus, rod, ring, puncta, debris"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> new TargetSpec.TopK(6).validate(m));
	}

	@Test
	void probabilitiesFollowTheOutputKind() {
		// softmax of (0, ln 3) = (1/4, 3/4); sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4
		final float[] logits = {0f, (float) Math.log(3)};
		assertArrayEquals(new float[] {0.25f, 0.75f}, OutputKind.SOFTMAX.probabilities(logits), 1e-6f);
		assertArrayEquals(new float[] {0.5f, 0.75f}, OutputKind.SIGMOID.probabilities(logits), 1e-6f);
	}

	@Test
	void manifestFieldsAndLayerLists() throws IOException {
		final BundleManifest m = manifest();
		assertEquals(5, m.layers().size());
		assertEquals(new LayerSpec("features.7", 16, 24, 24, 2), m.layers().get(2));
		assertEquals("features.12", m.gradcamLayer());
		assertEquals(m.layerNames(), ExplainOptions.parseLayers("all", m));
		assertEquals(List.of("features.12"), ExplainOptions.parseLayers("last", m));
		assertEquals(List.of("features.4", "features.9"), ExplainOptions.parseLayers("features.4, features.9", m));
	}

	@Test
	void manifestValidationMessagesNameTheProblem() throws IOException {
		final String json = Files.readString(Fixtures.BUNDLE.resolve("zoomcam.json"));
		assertMessage(json.replace("\"softmax\"", "\"relu\""), "'output' is 'relu'");
		assertMessage(json.replace("\"mean\": [", "\"mean\": [0.1, "), "mean/std have 4/3 values");
		assertMessage(json.replace("\"gradcam_layer\": \"features.12\"", "\"gradcam_layer\": \"fc\""),
			"gradcam_layer 'fc'");
		assertMessage(json.replace("\"format_version\": 1", "\"format_version\": 9"), "update Zoom-CAM");
		assertMessage(json.replace("\"classes\"", "\"klasses\""), "missing 'classes'");
	}

	private static void assertMessage(final String json, final String fragment) {
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> BundleManifest.parse(json, "x.json"));
		assertTrue(e.getMessage().contains(fragment), e.getMessage());
		assertTrue(e.getMessage().lines().count() == 1, "one line");
	}
}
