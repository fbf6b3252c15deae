package io.github.zoomcam.engine;

/**
 * One explainable layer of a bundle, in network order.
 *
 * @param name module name in the exported network (e.g. "features.29")
 * @param channels channels of the layer's output
 * @param height output height for the bundle's input size
 * @param width output width for the bundle's input size
 * @param stride input pixels per layer pixel
 */
public record LayerSpec(String name, int channels, int height, int width, int stride) {}
