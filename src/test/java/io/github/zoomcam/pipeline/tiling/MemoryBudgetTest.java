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
	void theEstimateCountsMapsAndTheLargerOfStackWritingAndPseudoLabels() {
		// two classes, one map each: 2 x 4 B; pseudo-labels 9 x 2 + 14 = 32 B outweigh the 4 B stack copy
		assertEquals(1_000_000L * (8 + 32), MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(1, 1, 2, true)));
		// per-layer maps of 10 layers kept: 11 maps per class; writing the 11-slice stack costs 44 B > 0
		assertEquals(1_000_000L * (44 + 44), MemoryBudget.bytes(1_000_000, new MemoryBudget.Outputs(11, 11, 1, false)));
	}

	@Test
	void outputsThatCannotFitAreRefusedWithOneLineSayingWhatToChange() {
		// 40000 x 40000 with three classes needs about 1.6e9 x (12 + 41) B = 85 GB: more than any test JVM has
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> MemoryBudget.require("slide.tif", 40000,
			40000, new MemoryBudget.Outputs(1, 1, 3, true)));
		final String m = e.getMessage();
		assertFalse(m.contains("\n"), m);
		assertTrue(m.startsWith("slide.tif: its full-size outputs (40000x40000, 3 class(es) with pseudo-labels) need " +
			"about 84.8 GB of memory but Java has "), m);
		assertTrue(m.contains("-Xmx") && m.contains("explain fewer classes") && m.contains("pseudo-labels off"), m);
	}

	@Test
	void moreThanOneJavaArrayIsRefusedAndSmallImagesPass() {
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> MemoryBudget.require("huge.tif", 50000,
			50000, new MemoryBudget.Outputs(1, 1, 1, false)));
		assertTrue(e.getMessage().contains("2^31") && e.getMessage().contains("crop"), e.getMessage());
		assertDoesNotThrow(() -> MemoryBudget.require("small.tif", 512, 512, new MemoryBudget.Outputs(1, 1, 1, true)));
	}
}
