package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.Calibration;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.labels.Box;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.ClassMap;
import io.github.zoomcam.labels.Component;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.ImageGuidedLabeler;
import io.github.zoomcam.labels.Instance;
import io.github.zoomcam.labels.PseudoLabel;
import io.github.zoomcam.labels.RefineOptions;
import io.github.zoomcam.pipeline.tiling.TileSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The image-guided refinement of an image too large to label at once (above
 * {@link LeanPseudoLabels#MIN_PIXELS}): the labels package's {@link ImageGuidedLabeler} labels it a block at a
 * time, and the pseudo-label files are written from the blocks' instances.
 *
 * <p>Each block is a square of {@link #BLOCK} pixels labelled with a margin of {@link #MARGIN} pixels around it
 * (as StarDist predicts large images): an instance belongs to the block that holds the centre of its box, and
 * comes from that block's labelling, margin included, so an object across a block border is labelled whole,
 * once. Objects larger than the margin that cross a border can be cut. Within a block the refinement is
 * the whole-image one, with two differences the size forces: the foreground threshold is found per block
 * (an uneven illumination is followed more closely), and each class's evidence is scaled by its maximum
 * over the whole image (a block where a class is absent must not find it by scaling its faint evidence up).
 * Instance ids run block by block in raster order of blocks, and within a block in raster order.</p>
 *
 * <p>Memory: one block's labelling (its guide, its evidence per class and the labeller's arrays) and each
 * class's kept mask at one bit per pixel; each block's outlines go to rois.zip and overlay.png as it is done.
 * The instance ids go to a temporary file as the blocks are labelled, and mask.tif, labels.tif and
 * instances.tif are written from it a band of rows at a time.</p>
 */
final class BlockRefinement {

	/** Side of a block, in image pixels. */
	static final int BLOCK = 2048;
	/** Pixels of context labelled around each block. */
	static final int MARGIN = 128;

	private BlockRefinement() {}

	/**
	 * One explained class: its identity, its evidence map on disk and that map's maximum over the image.
	 *
	 * @param probability the classifier's probability, the class annotation's score as in the general path
	 */
	record ClassEvidence(int classIndex, String className, float probability, FloatMapFile evidence, float max) {}

	/** What was labelled, for result.json and the batch summary. */
	record Result(List<ClassAnnotation> classes, List<Instance> instances, List<String> warnings) {

		Result {
			classes = List.copyOf(classes);
			instances = List.copyOf(instances);
			warnings = List.copyOf(warnings);
		}
	}

	/**
	 * Labels the image block by block and writes mask.tif, labels.tif, instances.tif, rois.zip, boxes.csv and
	 * overlay.png into {@code dir}.
	 *
	 * @param source the image's pixels (the plane that was explained)
	 * @param rgb whether the image is RGB (the guide is its luminance, else the mean of its channels)
	 * @param heatmaps rows of each class's map for the overlay, in the order of {@code classes}
	 * @param monitor progress per block ("labelling blocks"); cancelling stops between blocks
	 */
	static Result write(final String name, final ImagePlus image, final int plane, final TileSource source,
		final boolean rgb, final List<ClassEvidence> classes, final RefineOptions options, final int block,
		final int margin, final LeanPseudoLabels.MapRows heatmaps, final double opacity, final Path dir,
		final ExplainMonitor monitor)
	{
		final int width = source.width();
		final int height = source.height();
		if ((long) width * height > Integer.MAX_VALUE - 8) {
			throw new ZoomCamException(name + ": " + width + "x" + height + " pixels are more than one Java array " +
				"holds; its pseudo-labels cannot be made: crop the image");
		}
		final float[] maxima = new float[classes.size()];
		for (int m = 0; m < maxima.length; m++) maxima[m] = classes.get(m).max();
		final Path idsFile = dir.resolve(AtomicFiles.TEMPORARY_PREFIX + "instance-ids.raw");
		try (FileChannel ids = FileChannel.open(idsFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
			StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE))
		{
			// Zeros up to the end: unwritten parts of a sparse file read as background.
			ids.write(ByteBuffer.allocate(4), 4L * width * height - 4);
			final List<Instance> instances = new ArrayList<>();
			final List<List<Component>> components = new ArrayList<>();
			for (int m = 0; m < classes.size(); m++) components.add(new ArrayList<>());
			final Map<String, Integer> warningCounts = new LinkedHashMap<>();
			final int columns = (width + block - 1) / block;
			final int rows = (height + block - 1) / block;
			// overlay.png's picture is drawn before the blocks and each block's outlines are drawn onto it, as they
			// are streamed into rois.zip: a large image has too many instances to hold all their ROIs at once.
			final int factor = PseudoLabelOutputs.overlayFactor(width, height);
			final ij.process.FloatProcessor heat = opacity <= 0 || classes.isEmpty() ? null : LeanPseudoLabels
				.overlayHeatmap(heatmaps, classes.size(), width, height);
			final ImagePlus[] picture = { PseudoLabelOutputs.overlayPicture(width, height, heat, image, plane,
				opacity) };
			AtomicFiles.write(dir.resolve(PseudoLabelOutputs.ROIS), roiSet -> {
				final java.util.Set<String> roiNames = new java.util.HashSet<>();
				try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(roiSet))) {
					for (int by = 0; by < rows; by++) {
						for (int bx = 0; bx < columns; bx++) {
							final List<Roi> rois = labelAndWriteBlock(name, source, rgb, classes, maxima, options, block, margin,
								width, height, bx, by, ids, instances, components, warningCounts, monitor, rows * columns);
							RoiConversion.addToRoiSet(zip, roiNames, rois);
							picture[0] = RoiConversion.flattenOnto(picture[0], PseudoLabelOutputs.overlay(rois, height, null,
								true, true, 1.0 / factor));
							monitor.progress(by * columns + bx + 1, rows * columns, "labelling blocks");
						}
					}
				}
			});
			RoiConversion.writePng(picture[0], dir.resolve(PseudoLabelOutputs.OVERLAY));
			final Calibration calibration = image.getCalibration();
			final int count = instances.size();
			final int[] classOf = new int[count + 1];
			final short[] labelOf = new short[count + 1];
			for (final Instance instance : instances) {
				for (int m = 0; m < classes.size(); m++) {
					if (classes.get(m).classIndex() == instance.classIndex()) classOf[instance.id()] = m;
				}
				labelOf[instance.id()] = (short) (instance.classIndex() + 1);
			}
			final PseudoLabel.MaskBuilder[] masks = new PseudoLabel.MaskBuilder[classes.size()];
			for (int m = 0; m < masks.length; m++) masks[m] = new PseudoLabel.MaskBuilder(width, height);
			final int[] band = new int[width * Math.min(StreamedTiff.ROWS_PER_BAND, height)];
			if (count <= 65535) {
				StreamedTiff.write16(dir.resolve(PseudoLabelOutputs.INSTANCES), width, height, calibration, Math.max(1,
					count), (y, n, out) -> {
						readIds(ids, width, y, n, band);
						for (int j = 0; j < n * width; j++) {
							if (band[j] == 0) continue;
							out[j] = (short) band[j];
							masks[classOf[band[j]]].add(y * width + j);
						}
					});
			}
			else {
				StreamedTiff.write32(dir.resolve(PseudoLabelOutputs.INSTANCES), width, height, calibration, count, (y, n,
					out) -> {
					readIds(ids, width, y, n, band);
					for (int j = 0; j < n * width; j++) {
						if (band[j] == 0) continue;
						out[j] = band[j];
						masks[classOf[band[j]]].add(y * width + j);
					}
				});
			}
			int highest = 1;
			for (final ClassEvidence c : classes) highest = Math.max(highest, c.classIndex() + 1);
			StreamedTiff.write16(dir.resolve(PseudoLabelOutputs.LABELS), width, height, calibration, highest, (y, n,
				out) -> {
				readIds(ids, width, y, n, band);
				for (int j = 0; j < n * width; j++) out[j] = labelOf[band[j]];
			});
			StreamedTiff.write8(dir.resolve(PseudoLabelOutputs.MASK), width, height, calibration, (y, n, out) -> {
				readIds(ids, width, y, n, band);
				for (int j = 0; j < n * width; j++) if (band[j] != 0) out[j] = (byte) 255;
			});
			final List<ClassAnnotation> annotations = new ArrayList<>();
			for (int m = 0; m < classes.size(); m++) {
				final ClassEvidence c = classes.get(m);
				annotations.add(new ClassAnnotation(c.classIndex(), c.className(), c.probability(), masks[m].build(
					(float) options.minEvidence(), components.get(m))));
			}
			AtomicFiles.writeString(dir.resolve(PseudoLabelOutputs.BOXES), PseudoLabelOutputs.boxesCsv(name, instances,
				annotations));
			final int blocks = rows * columns;
			final List<String> warnings = new ArrayList<>();
			warningCounts.forEach((warning, n) -> warnings.add(String.format(Locale.ROOT,
				"%s: pseudo-labels: %s (%d of %d blocks of %dx%d px)", name, warning, n, blocks, block, block)));
			return new Result(annotations, instances, warnings);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot use a temporary file in " + dir + " for the instance ids (" + e
				.getMessage() + "); check the free space");
		}
	}

	/**
	 * Labels one block, keeps the instances whose box centre lies in it (global ids, placed boxes, components)
	 * and writes their ids into the ids file; returns their outlines and boxes for rois.zip and overlay.png.
	 */
	private static List<Roi> labelAndWriteBlock(final String name, final TileSource source, final boolean rgb,
		final List<ClassEvidence> classes, final float[] maxima, final RefineOptions options, final int block,
		final int margin, final int width, final int height, final int bx, final int by, final FileChannel ids,
		final List<Instance> instances, final List<List<Component>> components, final Map<String, Integer> warnings,
		final ExplainMonitor monitor, final int blocks)
	{
		if (monitor.cancelled()) {
			throw new io.github.zoomcam.core.CancelledException("labelling cancelled (" + (by * ((width + block - 1) /
				block) + bx) + " of " + blocks + " blocks done)");
		}
		final Box core = new Box(bx * block, by * block, Math.min(block, width - bx * block), Math.min(block, height -
			by * block));
		final int x0 = Math.max(0, core.x() - margin);
		final int y0 = Math.max(0, core.y() - margin);
		final int w = Math.min(width, core.x() + core.width() + margin) - x0;
		final int h = Math.min(height, core.y() + core.height() + margin) - y0;
		// Each block leaves a few hundred megabytes of large arrays behind; left to itself the collector grew its
		// heap to 2.4 GB for 0.3-0.5 GB of live data on a 6144x6144 image. Collected before each block, the next
		// one reuses that memory.
		if (blocks > 1) System.gc();
		final ImageAnnotation labelled = labelBlock(name, source, rgb, classes, maxima, options, x0, y0, w, h);
		for (final String warning : labelled.warnings()) warnings.merge(warning, 1, Integer::sum);
		final int[] local = labelled.instanceImage();
		final int[] global = new int[labelled.instances().size() + 1];
		final List<Roi> rois = new ArrayList<>();
		for (final Instance instance : labelled.instances()) {
			final Box box = instance.box();
			final int cx = x0 + box.x() + box.width() / 2;
			final int cy = y0 + box.y() + box.height() / 2;
			if (cx < core.x() || cx >= core.x() + core.width() || cy < core.y() || cy >= core.y() + core.height()) {
				continue; // its centre lies in another block, which labels it
			}
			final int id = instances.size() + 1;
			global[instance.id()] = id;
			final Box placed = new Box(x0 + box.x(), y0 + box.y(), box.width(), box.height());
			final Instance kept = new Instance(id, instance.classIndex(), instance.className(), instance.score(), placed,
				instance.area());
			instances.add(kept);
			final Roi outline = RoiConversion.outline(local, w, instance.id(), box);
			if (outline != null) outline.setLocation(outline.getXBase() + x0, outline.getYBase() + y0);
			PseudoLabelOutputs.addOutlineAndBox(rois, kept, outline);
		}
		for (int m = 0; m < classes.size(); m++) {
			for (final Component c : labelled.classes().get(m).label().components()) {
				if (c.label() >= global.length || global[c.label()] == 0) continue;
				final Box box = c.box();
				components.get(m).add(new Component(global[c.label()], c.area(), new Box(x0 + box.x(), y0 + box.y(), box
					.width(), box.height()), c.sumValue(), c.maxValue()));
			}
		}
		try {
			writeIds(ids, width, local, global, x0, y0, w, h);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write the instance ids to a temporary file in the result folder (" + e
				.getMessage() + "); check the free space");
		}
		return rois;
	}

	/** The refinement of one padded block, its evidence read from disk and scaled by the image's maxima. */
	private static ImageAnnotation labelBlock(final String name, final TileSource source, final boolean rgb,
		final List<ClassEvidence> classes, final float[] maxima, final RefineOptions options, final int x0,
		final int y0, final int w, final int h)
	{
		final float[] guide = PseudoLabelOutputs.guide(source.region(x0, y0, w, h), rgb);
		final List<ClassMap> maps = new ArrayList<>();
		for (final ClassEvidence c : classes) {
			final float[] evidence = new float[w * h];
			c.evidence().readRect(x0, y0, w, h, evidence);
			maps.add(new ClassMap(c.classIndex(), c.className(), c.probability(), evidence));
		}
		return ImageGuidedLabeler.annotate(name, w, h, maps, guide, options, maxima);
	}

	/**
	 * Writes the kept instances' global ids over the block's rectangle of the ids file; pixels of instances
	 * kept by other blocks stay as they are.
	 */
	private static void writeIds(final FileChannel ids, final int width, final int[] local, final int[] global,
		final int x0, final int y0, final int w, final int h) throws IOException
	{
		final ByteBuffer row = ByteBuffer.allocate(4 * w).order(ByteOrder.nativeOrder());
		final IntBuffer ints = row.asIntBuffer();
		for (int y = 0; y < h; y++) {
			boolean any = false;
			for (int x = 0; x < w && !any; x++) any = global[local[y * w + x]] != 0;
			if (!any) continue;
			final long position = 4L * ((long) (y0 + y) * width + x0);
			row.clear();
			while (row.hasRemaining()) {
				if (ids.read(row, position + row.position()) < 0) break;
			}
			for (int x = 0; x < w; x++) {
				final int id = global[local[y * w + x]];
				if (id != 0) ints.put(x, id);
			}
			row.clear();
			while (row.hasRemaining()) ids.write(row, position + row.position());
		}
	}

	/** Rows y .. y + n - 1 of the ids file into {@code into}. */
	private static void readIds(final FileChannel ids, final int width, final int y, final int n, final int[] into) {
		final ByteBuffer bytes = ByteBuffer.allocate(4 * n * width).order(ByteOrder.nativeOrder());
		try {
			final long position = 4L * y * width;
			while (bytes.hasRemaining()) {
				if (ids.read(bytes, position + bytes.position()) < 0) throw new IOException("the file ends early");
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read back the instance ids (" + e.getMessage() + ")");
		}
		bytes.flip();
		bytes.asIntBuffer().get(into, 0, n * width);
	}
}
