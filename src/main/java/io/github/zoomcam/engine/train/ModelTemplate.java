package io.github.zoomcam.engine.train;

import java.util.List;

/**
 * A network to train from scratch: a scripted TorchScript module in the bundle convention, shipped in the
 * jar (made by tools/make_templates.py).
 *
 * @param arch architecture name, e.g. demonet
 * @param channels input channels (1 grey, 3 RGB)
 * @param resource class-path resource of the module file
 * @param description what the network is, for the bundle's description
 * @param layers explainable layers in network order (the module's deltas)
 * @param gradcamLayer the last convolutional layer
 * @param maxClasses rows of the classifier; the data's class count must not exceed it
 * @param sha256 of the module file, recorded in the bundle
 */
public record ModelTemplate(String arch, int channels, String resource, String description, List<String> layers,
	String gradcamLayer, int maxClasses, String sha256)
{

	/** The one-value parameter that holds the class count: forward returns that many logits. */
	public static final String CLASS_COUNT_PARAMETER = "class_count";

	public ModelTemplate {
		layers = List.copyOf(layers);
	}

	public String fileName() {
		return resource.substring(resource.lastIndexOf('/') + 1);
	}
}
