package io.github.zoomcam.engine;

/**
 * Class scores of one image.
 *
 * @param imageName the input's name
 * @param logits pre-softmax scores in the bundle's class order
 * @param probabilities softmax or sigmoid of the logits
 */
public record Prediction(String imageName, float[] logits, float[] probabilities) {

	public Prediction {
		logits = logits.clone();
		probabilities = probabilities.clone();
	}

	@Override
	public float[] logits() {
		return logits.clone();
	}

	@Override
	public float[] probabilities() {
		return probabilities.clone();
	}

	public int topClass() {
		int best = 0;
		for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
		return best;
	}
}
