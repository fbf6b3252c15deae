package io.github.zoomcam.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {

	@TempDir
	Path temp;

	@Test
	void writesEveryFileReadableByImageJWithTheGeneratedValues() throws IOException {
		final Path out = temp.resolve("new/nested");
		final DatasetSummary summary = SyntheticDataset.write(out, 4, 42, SynthOptions.defaults());
		assertTrue(summary.complete());
		assertEquals(4, summary.written());
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(SynthOptions.defaults());
		for (int i = 0; i < 4; i++) {
			final SyntheticImage expected = generator.generate(42, i);
			final String file = SyntheticDataset.fileName(i);
			assertEquals("img_0000" + i + ".tif", file);
			final ImagePlus image = open(out.resolve("images").resolve(file));
			assertEquals(8, image.getBitDepth());
			assertEquals(160, image.getWidth());
			assertEquals(160, image.getHeight());
			assertArrayEquals(expected.pixels()[0], values(image.getProcessor()));
			final ImagePlus labels = open(out.resolve("labels").resolve(file));
			assertEquals(16, labels.getBitDepth());
			assertArrayEquals(expected.classLabels(), values(labels.getProcessor()));
			final ImagePlus instances = open(out.resolve("instances").resolve(file));
			assertEquals(16, instances.getBitDepth());
			assertArrayEquals(expected.instanceIds(), values(instances.getProcessor()));
		}
		assertEquals(List.of("nucleus", "rod", "ring", "puncta"), Files.readAllLines(out.resolve("classes.txt")));
		final String json = Files.readString(out.resolve("dataset.json"));
		for (final String field : List.of("\"seed\": 42", "\"n\": 4", "\"width\": 160", "\"height\": 160",
			"\"channels\": 1", "\"bit_depth\": 8", "\"generator_version\": \"1\"", "\"complete\": true"))
		{
			assertTrue(json.contains(field), "dataset.json lacks " + field + ":\n" + json);
		}
		try (Stream<Path> all = Files.walk(out)) {
			assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith(".part-")), "temporary files left");
		}
	}

	@Test
	void csvFilesAgreeWithTheLabelAndInstanceImages() throws IOException {
		final Path out = temp.resolve("csv");
		SyntheticDataset.write(out, 12, 5, SynthOptions.defaults());
		final List<String> imageLabels = Files.readAllLines(out.resolve("image_labels.csv"));
		assertEquals("image,nucleus,rod,ring,puncta", imageLabels.get(0));
		assertEquals(13, imageLabels.size());
		final List<String> boxLines = Files.readAllLines(out.resolve("boxes.csv"));
		assertEquals("image,class,instance,x,y,width,height,area_px", boxLines.get(0));
		for (int i = 0; i < 12; i++) {
			final String[] row = imageLabels.get(i + 1).split(",");
			final String file = row[0];
			assertEquals(SyntheticDataset.fileName(i), file);
			final int[] labels = values(open(out.resolve("labels").resolve(file)).getProcessor());
			final int[] ids = values(open(out.resolve("instances").resolve(file)).getProcessor());
			final boolean[] present = TruthChecks.classesIn(labels);
			for (int k = 0; k < 4; k++) {
				assertEquals(present[k] ? "1" : "0", row[k + 1], file + " column " + k);
			}
			final List<InstanceBox> boxes = new ArrayList<>();
			for (final String line : boxLines.subList(1, boxLines.size())) {
				final String[] b = line.split(",");
				if (!b[0].equals(file)) continue;
				boxes.add(new InstanceBox(Integer.parseInt(b[2]), classNamed(b[1]), Integer.parseInt(b[3]), Integer
					.parseInt(b[4]), Integer.parseInt(b[5]), Integer.parseInt(b[6]), Integer.parseInt(b[7])));
			}
			TruthChecks.assertConsistent(file, 160, 160, labels, ids, boxes);
		}
	}

	@Test
	void anImageIsTheSameWhateverTheDataSetSize() {
		final Path small = temp.resolve("small");
		final Path large = temp.resolve("large");
		SyntheticDataset.write(small, 3, 77, SynthOptions.defaults());
		SyntheticDataset.write(large, 6, 77, SynthOptions.defaults());
		for (final String folder : List.of("images", "labels", "instances")) {
			final String file = SyntheticDataset.fileName(2);
			assertArrayEquals(values(open(small.resolve(folder).resolve(file)).getProcessor()), values(open(large
				.resolve(folder).resolve(file)).getProcessor()), folder + "/" + file);
		}
	}

	@Test
	void colourAndSixteenBitImagesOpenWithTheirChannels() {
		final Path rgb = temp.resolve("rgb");
		SyntheticDataset.write(rgb, 1, 9, SynthOptions.defaults().withChannels(3));
		final ImagePlus colour = open(rgb.resolve("images").resolve(SyntheticDataset.fileName(0)));
		assertEquals(ImagePlus.COLOR_RGB, colour.getType());
		final SyntheticImage expectedRgb = new SyntheticImageGenerator(SynthOptions.defaults().withChannels(3))
			.generate(9, 0);
		final int packed = colour.getProcessor().get(10, 20);
		assertEquals(expectedRgb.pixel(0, 10, 20), (packed >> 16) & 0xff);
		assertEquals(expectedRgb.pixel(1, 10, 20), (packed >> 8) & 0xff);
		assertEquals(expectedRgb.pixel(2, 10, 20), packed & 0xff);

		final SynthOptions deep = new SynthOptions(224, 192, 3, 16);
		final Path stack = temp.resolve("deep");
		SyntheticDataset.write(stack, 1, 9, deep);
		final ImagePlus hyperstack = open(stack.resolve("images").resolve(SyntheticDataset.fileName(0)));
		assertEquals(16, hyperstack.getBitDepth());
		assertEquals(3, hyperstack.getNChannels());
		assertEquals(224, hyperstack.getWidth());
		assertEquals(192, hyperstack.getHeight());
		final SyntheticImage expected = new SyntheticImageGenerator(deep).generate(9, 0);
		for (int c = 0; c < 3; c++) {
			assertArrayEquals(expected.pixels()[c], values(hyperstack.getStack().getProcessor(c + 1)), "channel " + c);
		}
	}

	@Test
	void cancellingLeavesASmallerConsistentDataSet() throws IOException {
		final Path out = temp.resolve("cancelled");
		final List<String> reports = new ArrayList<>();
		final AtomicInteger checks = new AtomicInteger();
		final DatasetSummary summary = SyntheticDataset.write(out, 10, 1, SynthOptions.defaults(), (done,
			total) -> reports.add(done + "/" + total), () -> checks.incrementAndGet() > 3);
		assertTrue(summary.cancelled());
		assertFalse(summary.complete());
		assertEquals(3, summary.written());
		assertEquals(List.of("1/10", "2/10", "3/10"), reports);
		assertEquals(4, Files.readAllLines(out.resolve("image_labels.csv")).size());
		assertEquals(3, countFiles(out.resolve("images")));
		final String json = Files.readString(out.resolve("dataset.json"));
		assertTrue(json.contains("\"complete\": false") && json.contains("\"n\": 3") && json.contains(
			"\"requested_n\": 10"), json);
	}

	@Test
	void rewritingAPreviousDataSetRemovesItsExtraImages() throws IOException {
		final Path out = temp.resolve("again");
		SyntheticDataset.write(out, 5, 1, SynthOptions.defaults());
		SyntheticDataset.write(out, 2, 1, SynthOptions.defaults());
		for (final String folder : List.of("images", "labels", "instances")) {
			assertEquals(2, countFiles(out.resolve(folder)), folder);
		}
		assertEquals(3, Files.readAllLines(out.resolve("image_labels.csv")).size());
	}

	@Test
	void refusesFoldersWithOtherContentAndBadCounts() throws IOException {
		final Path busy = temp.resolve("busy");
		Files.createDirectories(busy);
		Files.writeString(busy.resolve("thesis.docx"), "precious");
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> SyntheticDataset.write(busy, 2, 1,
			SynthOptions.defaults()));
		assertTrue(e.getMessage().contains("thesis.docx") && e.getMessage().contains("new or empty folder"), e
			.getMessage());
		assertEquals("precious", Files.readString(busy.resolve("thesis.docx")));
		assertFalse(Files.exists(busy.resolve("images")));
		final Path file = temp.resolve("a-file");
		Files.writeString(file, "x");
		assertThrows(ZoomCamException.class, () -> SyntheticDataset.write(file, 2, 1, SynthOptions.defaults()));
		assertTrue(assertThrows(ZoomCamException.class, () -> SyntheticDataset.write(temp.resolve("zero"), 0, 1,
			SynthOptions.defaults())).getMessage().contains("at least 1"));
	}

	private static ImagePlus open(final Path file) {
		final ImagePlus image = IJ.openImage(file.toString());
		assertNotNull(image, "ImageJ cannot open " + file);
		return image;
	}

	private static int[] values(final ImageProcessor processor) {
		final int[] out = new int[processor.getPixelCount()];
		for (int p = 0; p < out.length; p++) out[p] = processor.get(p);
		return out;
	}

	private static SynthClass classNamed(final String label) {
		for (final SynthClass synthClass : SynthClass.values()) {
			if (synthClass.label().equals(label)) return synthClass;
		}
		throw new AssertionError("unknown class " + label);
	}

	private static long countFiles(final Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.count();
		}
	}
}
