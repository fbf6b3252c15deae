package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefineOptionsTest {

	@Test
	void modesParseByName() {
		assertTrue(RefineOptions.parse("none").isNone());
		assertTrue(RefineOptions.parse(" Paper ").isNone());
		assertEquals(RefineOptions.Mode.IMAGE, RefineOptions.parse("image").mode());
		assertEquals(RefineOptions.defaults(), RefineOptions.parse("image"));
		assertEquals(RefineOptions.defaults(), RefineOptions.parse(null));
		assertEquals(RefineOptions.defaults(), RefineOptions.parse(""));
		assertFalse(RefineOptions.defaults().isNone());
		assertEquals("none", RefineOptions.none().toString());
	}

	@Test
	void settingsParseOnTopOfTheDefaults() {
		final RefineOptions o = RefineOptions.parse("image method=otsu, sigma=2;rolling=50 polarity=dark "
			+ "watershed=off min-evidence=0.2 split=0.5 noise_floor=3 min_area=9 prominence=2 edge=0.3 "
			+ "watershed_tolerance=0.5 merge=0 merge_area=40");
		assertEquals("Otsu", o.thresholdMethod().name());
		assertEquals(2, o.sigma());
		assertEquals(50, o.rollingBallRadius());
		assertEquals(RefineOptions.Polarity.DARK, o.polarity());
		assertFalse(o.watershed());
		assertEquals(0.2, o.minEvidence());
		assertEquals(0.5, o.splitEvidence());
		assertEquals(3, o.noiseFloor());
		assertEquals(9, o.minArea());
		assertEquals(2, o.prominence());
		assertEquals(0.3, o.edge());
		assertEquals(0.5, o.watershedTolerance());
		assertEquals(0, o.mergeDistance());
		assertEquals(40, o.mergeArea());
		// A setting without a mode refines the default mode; the text form reads back to an equal record.
		assertEquals(RefineOptions.defaults().withSigma(3), RefineOptions.parse("sigma=3"));
		assertEquals(o, RefineOptions.parse(o.toString()));
		assertEquals(RefineOptions.defaults(), RefineOptions.parse(RefineOptions.defaults().toString()));
	}

	@Test
	void thresholdMethodsGoByTheirFijiNames() {
		for (final String name : new String[] {"Otsu", "Li", "Yen", "Triangle", "Huang", "Default", "MinError(I)",
			"IsoData", "MaxEntropy", "Moments"})
		{
			assertEquals(name.replace("(I)", "").toLowerCase(), RefineOptions.parseMethod(name).name().toLowerCase());
		}
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> RefineOptions.parseMethod("otsuu"));
		assertTrue(e.getMessage().contains("Otsu") && e.getMessage().contains("Triangle"), e.getMessage());
	}

	@Test
	void badTextIsRefusedWithAHint() {
		assertTrue(assertThrows(ZoomCamException.class, () -> RefineOptions.parse("fancy")).getMessage().contains(
			"use image"));
		assertTrue(assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image sigma=abc")).getMessage()
			.contains("not a number"));
		assertTrue(assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image colour=red")).getMessage()
			.contains("unknown"));
		assertTrue(assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image watershed=maybe"))
			.getMessage().contains("on or off"));
		assertTrue(assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image polarity=up")).getMessage()
			.contains("auto"));
		assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image sigma=-1"));
		assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image min_evidence=1.5"));
		assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image min_area=0"));
		assertThrows(ZoomCamException.class, () -> RefineOptions.parse("image none"));
	}

	@Test
	void annotationOptionsKeepThePapersProtocolUnlessAskedOtherwise() {
		assertTrue(AnnotationOptions.paper(0.25).refine().isNone());
		assertTrue(new AnnotationOptions(Threshold.ZOOM_CAM_DEFAULT, Keep.largest(), Double.NaN).refine().isNone());
		final AnnotationOptions defaults = AnnotationOptions.defaults(0.15);
		assertEquals(RefineOptions.defaults(), defaults.refine());
		assertEquals(new Threshold.FractionOfMax(0.15), defaults.threshold());
		assertThrows(ZoomCamException.class, () -> AnnotationOptions.paper(0.25).withRefine(null));
	}
}
