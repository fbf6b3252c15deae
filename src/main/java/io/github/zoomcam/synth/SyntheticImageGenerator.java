package io.github.zoomcam.synth;

import io.github.zoomcam.synth.Canvas.Truth;
import io.github.zoomcam.synth.ScenePlanner.Placed;
import io.github.zoomcam.synth.ScenePlanner.Scene;

import java.util.Objects;

/**
 * Makes fluorescence-microscopy-like images with exact ground truth. Image i of data set seed S depends only on
 * (S, i) and the options, never on how many images are made or in which order; within one size, the objects and
 * the ground truth do not depend on the channel count or bit depth either. Thread-safe: instances hold no state
 * besides the options.
 */
public final class SyntheticImageGenerator {

	/** Bumped whenever the same seed and options would give different pixels or truth. */
	public static final String VERSION = "1";

	// Independent random streams per image, so that e.g. changing the noise model leaves the layout alone.
	private static final long LAYOUT_STREAM = 1;
	private static final long OPTICS_STREAM = 2;
	private static final long NOISE_STREAM = 3;

	private final SynthOptions options;

	public SyntheticImageGenerator(final SynthOptions options) {
		this.options = Objects.requireNonNull(options, "options");
	}

	public SynthOptions options() {
		return options;
	}

	/** @param index 0 or more */
	public SyntheticImage generate(final long datasetSeed, final int index) {
		if (index < 0) throw new IllegalArgumentException("image index must be 0 or more, not " + index);
		final int width = options.width();
		final int height = options.height();
		final Scene scene = ScenePlanner.plan(new SeededRandom(SeededRandom.derive(datasetSeed, index,
			LAYOUT_STREAM)), width, height, options.scene());
		final Canvas canvas = new Canvas(width, height, options.channels());
		for (final Placed debris : scene.debris()) {
			canvas.paintDebris(debris);
		}
		for (int i = 0; i < scene.objects().size(); i++) {
			canvas.paintObject(scene.objects().get(i), i);
		}
		final Truth truth = canvas.truth(scene.objects());
		final int[][] pixels = Acquisition.acquire(canvas.emission(), width, height, options.bitDepth(),
			new SeededRandom(SeededRandom.derive(datasetSeed, index, OPTICS_STREAM)), new SeededRandom(SeededRandom
				.derive(datasetSeed, index, NOISE_STREAM)), options.scene());
		return new SyntheticImage(index, width, height, options.bitDepth(), pixels, truth.classLabels(), truth
			.instanceIds(), truth.instances());
	}
}
