package io.github.zoomcam.engine;

import java.util.List;

/**
 * The results for one image.
 *
 * @param imageName the input's name
 * @param width original width
 * @param height original height
 * @param logits class scores in the bundle's class order
 * @param probabilities softmax or sigmoid of the logits
 * @param targets one explanation per explained class, in target order
 * @param warnings things the user should know (e.g. a grey image replicated to RGB)
 */
public record ImageExplanation(String imageName, int width, int height, float[] logits, float[] probabilities,
	List<TargetExplanation> targets, List<String> warnings)
{

	public ImageExplanation {
		logits = logits.clone();
		probabilities = probabilities.clone();
		targets = List.copyOf(targets);
		warnings = List.copyOf(warnings);
	}

	@Override
	public float[] logits() {
		return logits.clone();
	}

	@Override
	public float[] probabilities() {
		return probabilities.clone();
	}
}
