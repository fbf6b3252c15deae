package io.github.zoomcam.pipeline.tiling;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.ImageStatistics;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.ImageInput;
import net.imglib2.RandomAccessible;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.converter.Converters;
import net.imglib2.converter.RealTypeConverters;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import java.util.ArrayList;
import java.util.List;

/**
 * One plane of an ImageJ image as ImgLib2 views, from which tiles are cut without copying the whole: each
 * channel's pixel array is wrapped as an ArrayImg (no copy), converted to float and extended with a
 * mirrored border (edge pixels repeated: {@code Views.extendMirrorDouble}, which, unlike the single
 * mirror, also works on an axis one pixel long), and a tile is the block of that view copied into the
 * engine's float arrays by {@link PrimitiveBlocks}.
 */
public final class TileSource {

	private final String name;
	private final int width;
	private final int height;
	private final int bitDepth;
	private final ImageInput.ValueRange valueRange;
	private final List<PrimitiveBlocks<FloatType>> channels;

	private TileSource(final String name, final int width, final int height, final int bitDepth,
		final ImageInput.ValueRange valueRange, final List<PrimitiveBlocks<FloatType>> channels)
	{
		this.name = name;
		this.width = width;
		this.height = height;
		this.bitDepth = bitDepth;
		this.valueRange = valueRange;
		this.channels = channels;
	}

	/**
	 * The plane at (z, t): RGB gives three channels, a multi-channel hyperstack its channels, anything else
	 * one grey channel, as {@link io.github.zoomcam.pipeline.ImageConversion#toInput} does for whole images.
	 *
	 * @param z 1-based slice
	 * @param t 1-based frame
	 */
	public static TileSource of(final ImagePlus image, final String name, final int z, final int t) {
		final int w = image.getWidth();
		final int h = image.getHeight();
		final List<PrimitiveBlocks<FloatType>> channels = new ArrayList<>();
		final int type = image.getType();
		if (type == ImagePlus.COLOR_RGB || type == ImagePlus.COLOR_256) {
			final ImageProcessor ip = image.getStack().getProcessor(image.getStackIndex(1, z, t));
			final ColorProcessor cp = ip instanceof ColorProcessor c ? c : (ColorProcessor) ip.convertToRGB();
			final RandomAccessibleInterval<ARGBType> argb = ArrayImgs.argbs((int[]) cp.getPixels(), w, h);
			for (final int shift : new int[] { 16, 8, 0 }) {
				final RandomAccessibleInterval<FloatType> channel = Converters.convert(argb, (in, out) -> out.set((in
					.get() >> shift) & 0xff), new FloatType());
				channels.add(blocks(channel));
			}
			return new TileSource(name, w, h, 8, null, channels);
		}
		final int bitDepth = image.getBitDepth();
		float min = Float.POSITIVE_INFINITY;
		float max = Float.NEGATIVE_INFINITY;
		for (int c = 1; c <= image.getNChannels(); c++) {
			final ImageProcessor ip = image.getStack().getProcessor(image.getStackIndex(c, z, t));
			channels.add(blocks(RealTypeConverters.convert(wrap(ip, w, h, name), new FloatType())));
			if (bitDepth == 32) {
				final ImageStatistics stats = ImageStatistics.getStatistics(ip, ImageStatistics.MIN_MAX, null);
				min = Math.min(min, (float) stats.min);
				max = Math.max(max, (float) stats.max);
			}
		}
		// A bundle that scales each image by its own minimum and maximum must scale every tile alike.
		final ImageInput.ValueRange range = bitDepth == 32 ? new ImageInput.ValueRange(min, max) : null;
		return new TileSource(name, w, h, bitDepth, range, channels);
	}

	/** The pixel array of an ImageJ processor as an ImgLib2 image, without copying. */
	private static RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> wrap(
		final ImageProcessor ip, final int w, final int h, final String name)
	{
		final Object pixels = ip.getPixels();
		if (pixels instanceof byte[] b) return ArrayImgs.unsignedBytes(b, w, h);
		if (pixels instanceof short[] s) return ArrayImgs.unsignedShorts(s, w, h);
		if (pixels instanceof float[] f) return ArrayImgs.floats(f, w, h);
		throw new ZoomCamException(name + ": unsupported pixel type " + pixels.getClass().getSimpleName() +
			"; convert to 8-bit, 16-bit, 32-bit or RGB");
	}

	private static PrimitiveBlocks<FloatType> blocks(final RandomAccessibleInterval<FloatType> channel) {
		final RandomAccessible<FloatType> extended = Views.extendMirrorDouble(channel);
		return PrimitiveBlocks.of(extended, PrimitiveBlocks.OnFallback.ACCEPT);
	}

	/** The image's name, as the tiles and the explanation carry it. */
	public String name() {
		return name;
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int channels() {
		return channels.size();
	}

	/** Bytes of float pixels per tile of this size (all channels): what one tile costs on the Java side. */
	public long tileBytes(final Tile tile) {
		return 4L * tile.width() * tile.height() * channels.size();
	}

	/**
	 * The pixels of any rectangle of the image (a block of a large image's labelling), copied from views of
	 * it as tiles are; parts outside the image are mirrored.
	 */
	public ImageInput region(final int x, final int y, final int w, final int h) {
		final float[][] planes = new float[channels.size()][];
		for (int c = 0; c < planes.length; c++) {
			planes[c] = new float[w * h];
			channels.get(c).copy(new long[] { x, y }, planes[c], new int[] { w, h });
		}
		return new ImageInput(name, w, h, bitDepth, planes, valueRange);
	}

	/** The pixels of one tile, as the engine takes them; parts outside the image are mirrored. */
	public ImageInput tile(final Tile tile) {
		final float[][] planes = new float[channels.size()][];
		for (int c = 0; c < planes.length; c++) {
			planes[c] = new float[tile.width() * tile.height()];
			channels.get(c).copy(new long[] { tile.x(), tile.y() }, planes[c], new int[] { tile.width(), tile
				.height() });
		}
		return new ImageInput(name, tile.width(), tile.height(), bitDepth, planes, valueRange);
	}
}
