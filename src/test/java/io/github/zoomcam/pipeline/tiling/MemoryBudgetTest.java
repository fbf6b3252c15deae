package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory check of a tiled image's full-size outputs. */
class MemoryBudgetTest {

	@Test
	void theEstimateCountsMapsAndTheLabellingPath() {
		// two classes, one map each: 2 x 4 B; general pseudo-labels 6 x 2 + 14 = 26 B
		assertEquals(1_000_000L * (8 + 26), MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(1, 2, true, false,
			false)));
		// the lean path of large images: 2 B plus a bit per class (2 classes: 2.25 B)
		assertEquals(1_000_000L * 8 + 2_250_000L, MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(1, 2, true,
			true, false)));
		// one class, lean: 4 + 2 B + 1 bit per pixel, 1.64 GB for 16384 x 16384
		assertEquals(16384L * 16384 * 6 + 16384L * 16384 / 8, MemoryBudget.bytes(16384L * 16384, new MemoryBudget
			.Outputs(1, 1, true, true, false)));
		// one map at a time: 4 B whatever the classes; 4 classes, lean labels: 4 + 2 + 0.5 B = 1.74 GB at 16384^2
		assertEquals(16384L * 16384 * 6 + 16384L * 16384 / 2, MemoryBudget.bytes(16384L * 16384, MemoryBudget.Outputs
			.oneMapAtATime(4, true)));
		assertEquals(1_000_000L * 4, MemoryBudget.bytes(1_000_000, MemoryBudget.Outputs.oneMapAtATime(9, false)));
		// per-layer maps of 10 layers kept: 11 maps per class, no labels; shown in Fiji: a copy each + 4
		assertEquals(1_000_000L * (44 + 44 + 4), MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(11, 1, false,
			false, true)));
		// the evidence of the image-guided refinement: 4 B per class more (2 x 4), never copied for display
		assertEquals(1_000_000L * (8 + 8 + 26), MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(1, 2, true, false,
			false, 1)));
		assertEquals(1_000_000L * (8 + 8 + 26 + 8 + 4), MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(1, 2,
			true, false, true, 1)));
	}

	@Test
	void outputsThatCannotFitAreRefusedWithOneLineSayingWhatToChange() {
		// 40000 x 40000 with three classes, general path, needs 1.6e9 x (12 + 32) B = 70 GB: more than a test JVM
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> MemoryBudget.require("slide.tif", 40000,
			40000, new MemoryBudget.Outputs(1, 3, true, false, false)));
		final String m = e.getMessage();
		assertFalse(m.contains("\n"), m);
		assertTrue(m.startsWith("slide.tif: its full-size outputs (40000x40000, 3 class(es) with pseudo-labels) need " +
			"about 70.4 GB of memory but Java has "), m);
		assertTrue(m.contains("-Xmx") && m.contains("explain fewer classes") && m.contains("pseudo-labels off"), m);
	}

	@Test
	void moreThanOneJavaArrayIsRefusedAndSmallImagesPass() {
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> MemoryBudget.require("huge.tif", 50000,
			50000, new MemoryBudget.Outputs(1, 1, false, false, false)));
		assertTrue(e.getMessage().contains("2^31") && e.getMessage().contains("crop"), e.getMessage());
		assertDoesNotThrow(() -> MemoryBudget.require("small.tif", 512, 512, new MemoryBudget.Outputs(1, 1, true, false, false)));
	}
}
