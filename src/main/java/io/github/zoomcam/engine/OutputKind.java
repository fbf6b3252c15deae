package io.github.zoomcam.engine;

/** How the classifier's logits become class probabilities. */
public enum OutputKind {
	/** Single-label: probabilities are the softmax over classes. */
	SOFTMAX,
	/** Multi-label: each class has its own sigmoid probability. */
	SIGMOID;

	public float[] probabilities(final float[] logits) {
		final float[] p = new float[logits.length];
		if (this == SIGMOID) {
			for (int i = 0; i < logits.length; i++) {
				p[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
			}
			return p;
		}
		double max = Double.NEGATIVE_INFINITY;
		for (final float v : logits) max = Math.max(max, v);
		double sum = 0;
		final double[] e = new double[logits.length];
		for (int i = 0; i < logits.length; i++) {
			e[i] = Math.exp(logits[i] - max);
			sum += e[i];
		}
		for (int i = 0; i < logits.length; i++) p[i] = (float) (e[i] / sum);
		return p;
	}
}
