package io.github.zoomcam.engine.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OneCycleScheduleTest {

	/**
	 * PyTorch 1.13's OneCycleLR(max_lr=3e-3, total_steps=20) with AdamW, the learning rate of each of the 20
	 * steps (printed by torch, not computed here).
	 */
	private static final double[] TORCH = {0.00011999999999999988, 0.0003950155281000757, 0.0011150155281000756,
		0.002004984471899924, 0.0027249844718999243, 0.003, 0.002962392018705262, 0.002851453896040421,
		0.00267274853271315, 0.0024352369618492894, 0.0021508290053739026, 0.0018337860658088677, 0.001500006,
		0.0011662259341911321, 0.0008491829946260975, 0.0005647750381507109, 0.0003272634672868501,
		0.00014855810395957884, 3.761998129473766e-05, 1.2e-08};

	@Test
	void matchesPyTorchOneCycleLr() {
		final OneCycleSchedule schedule = new OneCycleSchedule(3e-3, 20);
		for (int step = 0; step < TORCH.length; step++) {
			assertEquals(TORCH[step], schedule.rate(step), 1e-12, "step " + step);
			// DJL counts updates from 1.
			assertEquals((float) TORCH[step], schedule.getNewValue(step + 1), 1e-9, "update " + (step + 1));
		}
	}
}
