package io.github.zoomcam.engine;

/**
 * Wall-clock milliseconds of one engine call, by phase, and how many network passes it ran. On a GPU the
 * phases before the final host copy run asynchronously, so only the total is exact there.
 *
 * @param preprocessMs image scaling, normalisation and resizing
 * @param forwardMs the forward pass of the batch
 * @param backwardMs all backward passes
 * @param camMs map arithmetic, Score-CAM's masked forward passes included
 * @param copyMs the single device-to-host copy of all maps
 * @param totalMs the whole call
 * @param forwardPasses forward passes of the batch itself (1)
 * @param backwardPasses backward passes (one per target rank; 0 when only Score-CAM was asked)
 * @param maskedForwardPasses Score-CAM's batched forward passes of masked images
 * @param maskedImages masked images those passes ran (the all-zero baseline included)
 */
public record Timings(double preprocessMs, double forwardMs, double backwardMs, double camMs, double copyMs,
	double totalMs, int forwardPasses, int backwardPasses, int maskedForwardPasses, int maskedImages)
{

	/** Timings without pass counts. */
	public Timings(final double preprocessMs, final double forwardMs, final double backwardMs, final double camMs,
		final double copyMs, final double totalMs)
	{
		this(preprocessMs, forwardMs, backwardMs, camMs, copyMs, totalMs, 0, 0, 0, 0);
	}

	/** The timings of two calls together (phases and pass counts added). */
	public Timings plus(final Timings other) {
		return new Timings(preprocessMs + other.preprocessMs, forwardMs + other.forwardMs, backwardMs +
			other.backwardMs, camMs + other.camMs, copyMs + other.copyMs, totalMs + other.totalMs, forwardPasses +
				other.forwardPasses, backwardPasses + other.backwardPasses, maskedForwardPasses +
					other.maskedForwardPasses, maskedImages + other.maskedImages);
	}
}
