package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.AtomicFiles;
import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.io.FileSaver;
import ij.io.RoiEncoder;
import ij.plugin.LutLoader;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.labels.Box;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.IndexColorModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Pseudo-label geometry as ImageJ ROIs, ROI sets and overlays. */
public final class RoiConversion {

	/** Outline colour of components and boxes in overlays. */
	public static final Color OUTLINE = new Color(0, 255, 255);

	private RoiConversion() {}

	/**
	 * The traced outline of the pixels whose label equals {@code id} (holes and several pieces kept, as
	 * ImageJ's "Create Selection" does); null when no pixel has that label.
	 */
	public static Roi outline(final int[] labels, final int width, final int height, final int id) {
		final byte[] mask = new byte[width * height];
		boolean any = false;
		for (int i = 0; i < mask.length; i++) {
			if (labels[i] == id) {
				mask[i] = (byte) 255;
				any = true;
			}
		}
		if (!any) return null;
		final ByteProcessor bp = new ByteProcessor(width, height, mask);
		bp.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		return new ThresholdToSelection().convert(bp);
	}

	/**
	 * The traced outline (ImageJ's ThresholdToSelection, holes and several pieces kept) of the pixels whose
	 * label equals {@code id}, all of which lie inside {@code box}: only the box is scanned, so tracing every
	 * instance of an image costs the sum of their boxes, not instances times the image. Null when no pixel of
	 * the box has that label.
	 *
	 * @param labels row-major labels of an image {@code width} pixels wide
	 */
	public static Roi outline(final int[] labels, final int width, final int id, final Box box) {
		final int bw = box.width();
		final int bh = box.height();
		final byte[] mask = new byte[bw * bh];
		boolean any = false;
		for (int y = 0; y < bh; y++) {
			final int row = (box.y() + y) * width + box.x();
			for (int x = 0; x < bw; x++) {
				if (labels[row + x] == id) {
					mask[y * bw + x] = (byte) 255;
					any = true;
				}
			}
		}
		if (!any) return null;
		final ByteProcessor bp = new ByteProcessor(bw, bh, mask);
		bp.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		final Roi roi = new ThresholdToSelection().convert(bp);
		if (roi != null) roi.setLocation(roi.getXBase() + box.x(), roi.getYBase() + box.y());
		return roi;
	}

	/** The traced outline of the non-zero pixels of a mask (holes and several pieces kept); null when empty. */
	public static Roi outline(final byte[] mask, final int width, final int height) {
		final ByteProcessor bp = new ByteProcessor(width, height, mask);
		// 1..255: any non-zero value, whether the mask holds 1 or 255
		bp.setThreshold(1, 255, ImageProcessor.NO_LUT_UPDATE);
		final Roi roi = new ThresholdToSelection().convert(bp);
		return roi;
	}

	public static Roi box(final int x, final int y, final int width, final int height) {
		return new Roi(x, y, width, height);
	}

	/**
	 * Every entry of a ROI set carries this modification time (the first time the zip format can hold), so
	 * the same ROIs always give the same bytes: a re-run, or another machine, writes an identical rois.zip.
	 */
	static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

	/**
	 * Writes an ImageJ ROI set (.zip of .roi files, the ROI Manager's format); names are made unique as
	 * the ROI Manager requires. The bytes depend only on the ROIs (fixed entry times, see {@link #ENTRY_TIME}).
	 */
	public static void writeRoiSet(final List<Roi> rois, final Path target) {
		AtomicFiles.write(target, tmp -> {
			try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
				addToRoiSet(zip, new HashSet<>(), rois);
			}
		});
	}

	/**
	 * Adds ROIs to a ROI set being written ({@link #writeRoiSet} a part at a time, for the instances of a large
	 * image as its blocks are labelled), names made unique against {@code used}.
	 */
	static void addToRoiSet(final ZipOutputStream zip, final Set<String> used, final List<Roi> rois)
		throws java.io.IOException
	{
		for (final Roi roi : rois) {
			final String name = roi.getName() == null ? "roi" : roi.getName();
			String unique = name;
			for (int k = 2; !used.add(unique); k++) unique = name + "-" + k;
			final ZipEntry entry = new ZipEntry(unique + ".roi");
			entry.setTimeLocal(ENTRY_TIME);
			zip.putNextEntry(entry);
			zip.write(RoiEncoder.saveAsByteArray(roi));
			zip.closeEntry();
		}
	}

	/** The picture with the overlay drawn into it (a new RGB image); the picture itself when it is empty. */
	static ImagePlus flattenOnto(final ImagePlus picture, final Overlay overlay) {
		if (overlay.size() == 0) return picture;
		picture.setOverlay(overlay);
		final ImagePlus flat = picture.flatten();
		picture.setOverlay(null);
		return flat;
	}

	/** Writes a picture as PNG, atomically. */
	static void writePng(final ImagePlus picture, final Path target) {
		AtomicFiles.write(target, tmp -> {
			if (!new FileSaver(picture).saveAsPng(tmp.toString())) {
				throw new ZoomCamException("ImageJ could not write " + target);
			}
		});
	}

	/**
	 * The heatmap as a semi-transparent image overlay in the "Fire" LUT.
	 *
	 * @param opacity 0 (invisible) to 1 (opaque)
	 */
	public static ImageRoi heatmapOverlay(final FloatMap map, final double opacity) {
		return heatmapOverlay(ImageConversion.toProcessor(map), opacity);
	}

	/** {@link #heatmapOverlay(FloatMap, double)} of a map given as a processor (its display range is set). */
	public static ImageRoi heatmapOverlay(final FloatProcessor fp, final double opacity) {
		fp.setMinAndMax(0, 1);
		final IndexColorModel fire = LutLoader.getLut("fire");
		final ImageProcessor coloured = fp.convertToByteProcessor(true);
		if (fire != null) coloured.setLut(new LUT(fire, 0, 255));
		final ImageRoi roi = new ImageRoi(0, 0, coloured.convertToRGB());
		roi.setOpacity(Math.max(0, Math.min(1, opacity)));
		roi.setName("heatmap");
		return roi;
	}

	/** A label drawn at the top-left corner of a box. */
	public static TextRoi boxLabel(final String text, final int x, final int y, final int imageHeight) {
		final int size = Math.max(9, Math.min(18, imageHeight / 25));
		final TextRoi label = new TextRoi(x + 1, Math.max(0, y - size - 3), text, new Font("SansSerif", Font.PLAIN,
			size));
		label.setStrokeColor(OUTLINE);
		label.setName(text);
		return label;
	}

	/** Flattens an image with its overlay to RGB and writes it as PNG. */
	public static void writeFlattened(final ImagePlus image, final Overlay overlay, final Path target) {
		final ImagePlus copy = new ImagePlus(image.getTitle(), image.getProcessor().duplicate());
		copy.setOverlay(overlay);
		final ImagePlus flat = copy.flatten();
		AtomicFiles.write(target, tmp -> {
			if (!new FileSaver(flat).saveAsPng(tmp.toString())) {
				throw new ZoomCamException("ImageJ could not write " + target);
			}
		});
	}

}
