package io.github.zoomcam.synth;

import io.github.zoomcam.core.ZoomCamException;

/**
 * The image format of a synthetic data set. Object sizes are in pixels and do not scale with the image size.
 *
 * @param width pixels, 128 to 224
 * @param height pixels, 128 to 224
 * @param channels 1 (grey) or 3 (classes tint the channels moderately; shape and texture stay the cue)
 * @param bitDepth 8 or 16
 * @param scene how crowded and how badly imaged the scenes are; {@link SceneKind#SPARSE} by default
 */
public record SynthOptions(int width, int height, int channels, int bitDepth, SceneKind scene) {

	public static final int MIN_SIZE = 128;
	public static final int MAX_SIZE = 224;
	public static final int DEFAULT_SIZE = 160;

	public SynthOptions {
		if (width < MIN_SIZE || width > MAX_SIZE || height < MIN_SIZE || height > MAX_SIZE) {
			throw new ZoomCamException("synthetic image size " + width + "x" + height + " is out of range; use " +
				MIN_SIZE + " to " + MAX_SIZE + " pixels per side");
		}
		if (channels != 1 && channels != 3) {
			throw new ZoomCamException("synthetic images have 1 or 3 channels, not " + channels +
				"; use 1 (grey) or 3");
		}
		if (bitDepth != 8 && bitDepth != 16) {
			throw new ZoomCamException("synthetic images are 8-bit or 16-bit, not " + bitDepth + "-bit; use 8 or 16");
		}
		if (scene == null) throw new ZoomCamException("no scene kind given; use sparse or crowded");
	}

	/** Sparse scenes, as before scene kinds existed. */
	public SynthOptions(final int width, final int height, final int channels, final int bitDepth) {
		this(width, height, channels, bitDepth, SceneKind.SPARSE);
	}

	/** 160x160, one channel, 8-bit, sparse scenes. */
	public static SynthOptions defaults() {
		return new SynthOptions(DEFAULT_SIZE, DEFAULT_SIZE, 1, 8);
	}

	public SynthOptions withSize(final int newWidth, final int newHeight) {
		return new SynthOptions(newWidth, newHeight, channels, bitDepth, scene);
	}

	public SynthOptions withChannels(final int newChannels) {
		return new SynthOptions(width, height, newChannels, bitDepth, scene);
	}

	public SynthOptions withBitDepth(final int newBitDepth) {
		return new SynthOptions(width, height, channels, newBitDepth, scene);
	}

	public SynthOptions withScene(final SceneKind newScene) {
		return new SynthOptions(width, height, channels, bitDepth, newScene);
	}

	/** The largest pixel value: 255 or 65535. */
	public int maxValue() {
		return (1 << bitDepth) - 1;
	}
}
