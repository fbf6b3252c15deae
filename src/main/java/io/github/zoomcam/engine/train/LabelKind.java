package io.github.zoomcam.engine.train;

import io.github.zoomcam.engine.OutputKind;

/** What an image-level label says, which fixes the output, the loss and the validation score. */
public enum LabelKind {
	/** Exactly one class per image (one folder per class): softmax, categorical cross-entropy, accuracy. */
	SINGLE_LABEL("single-label", OutputKind.SOFTMAX, "accuracy"),
	/** Any set of classes per image (0/1 columns): sigmoid, binary cross-entropy, mean average precision. */
	MULTI_LABEL("multi-label", OutputKind.SIGMOID, "mAP");

	private final String text;
	private final OutputKind output;
	private final String scoreName;

	LabelKind(final String text, final OutputKind output, final String scoreName) {
		this.text = text;
		this.output = output;
		this.scoreName = scoreName;
	}

	public OutputKind output() {
		return output;
	}

	/** The validation score's name: accuracy or mAP. */
	public String scoreName() {
		return scoreName;
	}

	@Override
	public String toString() {
		return text;
	}
}
