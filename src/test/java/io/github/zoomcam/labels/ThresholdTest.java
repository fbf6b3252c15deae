package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdTest {

	@Test
	void fractionOfMaxIsInclusive() {
		// max 1.0, fraction 0.25 -> cut exactly 0.25; the pixel at 0.25 is foreground, 0.2 is not.
		final float cut = new Threshold.FractionOfMax(0.25).valueFor(new float[] {0.1f, 0.2f, 0.25f, 1f});
		assertEquals(0.25f, cut);
		assertTrue(Threshold.isForeground(0.25f, cut));
		assertFalse(Threshold.isForeground(0.2f, cut));
		// max 0.8f, fraction 0.25: scaling by a power of two is exact in binary, so the cut is 0.2f itself.
		assertEquals(0.2f, new Threshold.FractionOfMax(0.25).valueFor(new float[] {0.8f, 0f}));
	}

	@Test
	void zeroIsNeverForeground() {
		assertFalse(Threshold.isForeground(0f, 0f));
		assertTrue(Threshold.isForeground(0.01f, 0f));
		// An all-zero map has max 0 and therefore cut 0, which keeps nothing.
		assertEquals(0f, Threshold.ZOOM_CAM_DEFAULT.valueFor(new float[4]));
	}

	@Test
	void otsuSplitsABimodalMapBetweenTheModes() {
		// min 0, max 1: bins floor(v * 256) = 0, 25, 51, 204, 230, 255 (0.2 * 256 = 51.2, 0.8 * 256 = 204.8).
		// Between-class variance w0 * w1 * (mu0 - mu1)^2 on bin indices:
		//   split after bin 25:  (2/6)(4/6)(12.5 - 185)^2   = 0.2222 * 29756 = 6612
		//   split after bin 51:  (3/6)(3/6)(25.33 - 229.67)^2 = 0.25 * 41752 = 10438  <- best
		//   split after bin 204: (4/6)(2/6)(70 - 242.5)^2   = 0.2222 * 29756 = 6612
		// Every split in 51..203 is equally best (empty bins); the lowest, 51, wins, and the cut is the
		// smallest value in bins 52..255, i.e. 0.8.
		final float[] map = {0f, 0.1f, 0.2f, 0.8f, 0.9f, 1f};
		assertEquals(0.8f, new Threshold.Otsu().valueFor(map));
	}

	@Test
	void otsuOnConstantMapUsesThatValue() {
		assertEquals(0.5f, new Threshold.Otsu().valueFor(new float[] {0.5f, 0.5f, 0.5f}));
	}

	@Test
	void fixedIgnoresTheMap() {
		assertEquals(0.4f, new Threshold.Fixed(0.4f).valueFor(new float[] {10f, 20f}));
	}

	@Test
	void parsesTextForms() {
		assertEquals(new Threshold.FractionOfMax(0.25), Threshold.parse("0.25"));
		assertEquals(new Threshold.FractionOfMax(0.5), Threshold.parse(" Fraction:0.5 "));
		assertEquals(new Threshold.Otsu(), Threshold.parse("OTSU"));
		assertEquals(new Threshold.Fixed(0.4f), Threshold.parse("fixed:0.4"));
		assertEquals("fraction:0.15", Threshold.GRAD_CAM_DEFAULT.toString());
	}

	@Test
	void rejectsBadText() {
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> Threshold.parse("banana"));
		assertTrue(e.getMessage().contains("otsu"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> Threshold.parse("median:0.3"));
		assertThrows(ZoomCamException.class, () -> Threshold.parse("fraction:2"));
		assertThrows(ZoomCamException.class, () -> Threshold.parse("fixed:NaN"));
		assertThrows(ZoomCamException.class, () -> Threshold.parse(""));
	}

	@Test
	void rejectsNonFiniteMaps() {
		final ZoomCamException e = assertThrows(ZoomCamException.class,
			() -> new Threshold.Otsu().valueFor("dog", new float[] {0f, 1f, Float.NaN, 0f}, 2, 2));
		// Index 2 in a 2-wide map is (0, 1).
		assertEquals("map dog contains NaN at pixel (0, 1); check the model output or replace non-finite values "
			+ "before thresholding", e.getMessage());
	}

	@Test
	void defaultMeansTheMethodsPaperFraction() {
		assertEquals(new Threshold.FractionOfMax(0.15), Threshold.parseOrDefault(null, 0.15));
		assertEquals(new Threshold.FractionOfMax(0.25), Threshold.parseOrDefault(" Default ", 0.25));
		assertEquals(new Threshold.FractionOfMax(0.25), Threshold.parseOrDefault("", 0.25));
		assertEquals(new Threshold.Fixed(0.4f), Threshold.parseOrDefault("fixed:0.4", 0.25));
		assertEquals(new Threshold.Otsu(), Threshold.parseOrDefault("otsu", 0.25));
	}
}
