package io.github.zoomcam.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SyntheticImageGeneratorTest {

	private static final SyntheticImageGenerator DEFAULT = new SyntheticImageGenerator(SynthOptions.defaults());

	@Test
	void sameSeedGivesIdenticalPixelsAndTruth() {
		final SyntheticImageGenerator other = new SyntheticImageGenerator(SynthOptions.defaults());
		for (int i = 0; i < 10; i++) {
			final SyntheticImage a = DEFAULT.generate(42, i);
			final SyntheticImage b = other.generate(42, i);
			assertArrayEquals(a.pixels()[0], b.pixels()[0], "pixels of image " + i);
			TruthChecks.assertSameTruth(a, b);
		}
	}

	@Test
	void differentSeedsGiveDifferentImages() {
		int differentTruth = 0;
		for (int i = 0; i < 10; i++) {
			final SyntheticImage a = DEFAULT.generate(42, i);
			final SyntheticImage b = DEFAULT.generate(43, i);
			assertFalse(Arrays.equals(a.pixels()[0], b.pixels()[0]), "image " + i + " of seeds 42 and 43");
			if (!Arrays.equals(a.instanceIds(), b.instanceIds())) differentTruth++;
		}
		// Two empty images have equal truth, so allow a few coincidences.
		assertTrue(differentTruth >= 8, "only " + differentTruth + " of 10 truths differ between seeds");
		final SyntheticImage first = DEFAULT.generate(42, 0);
		final SyntheticImage second = DEFAULT.generate(42, 1);
		assertFalse(Arrays.equals(first.pixels()[0], second.pixels()[0]), "neighbouring images must differ");
	}

	@Test
	void anImageDoesNotDependOnWhatWasGeneratedBefore() {
		final SyntheticImage direct = new SyntheticImageGenerator(SynthOptions.defaults()).generate(7, 25);
		final SyntheticImageGenerator warm = new SyntheticImageGenerator(SynthOptions.defaults());
		for (int i = 30; i >= 0; i--) warm.generate(7, i);
		final SyntheticImage later = warm.generate(7, 25);
		assertArrayEquals(direct.pixels()[0], later.pixels()[0]);
		TruthChecks.assertSameTruth(direct, later);
	}

	/** Fixes the output of generator version 1; when it changes on purpose, bump the version and the numbers. */
	@Test
	void outputMatchesGeneratorVersion() {
		assertEquals("1", SyntheticImageGenerator.VERSION);
		long hash = 17;
		for (int i = 0; i < 3; i++) {
			final SyntheticImage image = DEFAULT.generate(2026, i);
			hash = 31 * hash + Arrays.hashCode(image.pixels()[0]);
			hash = 31 * hash + Arrays.hashCode(image.instanceIds());
			hash = 31 * hash + Arrays.hashCode(image.classLabels());
		}
		assertEquals(EXPECTED_VERSION_1_HASH, hash, "generator output changed: bump SyntheticImageGenerator" +
			".VERSION and update this hash");
	}

	private static final long EXPECTED_VERSION_1_HASH = -6816189945253859919L;

	@Test
	void truthIsConsistentWithItself() {
		for (int i = 0; i < 100; i++) {
			final SyntheticImage image = DEFAULT.generate(11, i);
			TruthChecks.assertConsistent(image.name(), image.width(), image.height(), image.classLabels(), image
				.instanceIds(), image.instances());
			assertArrayEquals(TruthChecks.classesIn(image.classLabels()), image.classesPresent(), image.name());
		}
	}

	@Test
	void sizeChannelsAndBitDepthAreHonoured() {
		for (final int channels : new int[] {1, 3}) {
			for (final int bitDepth : new int[] {8, 16}) {
				final SynthOptions options = new SynthOptions(200, 128, channels, bitDepth);
				final SyntheticImage image = new SyntheticImageGenerator(options).generate(5, 3);
				final String what = channels + " channels, " + bitDepth + "-bit";
				assertEquals(200, image.width(), what);
				assertEquals(128, image.height(), what);
				assertEquals(bitDepth, image.bitDepth(), what);
				assertEquals(channels, image.pixels().length, what);
				int max = 0;
				for (final int[] channel : image.pixels()) {
					assertEquals(200 * 128, channel.length, what);
					for (final int value : channel) {
						assertTrue(value >= 0 && value <= options.maxValue(), what + ": value " + value);
						max = Math.max(max, value);
					}
				}
				if (bitDepth == 16) assertTrue(max > 255, "16-bit images should use the 16-bit range");
				assertEquals(200 * 128, image.classLabels().length);
			}
		}
		assertEquals(SynthOptions.DEFAULT_SIZE, SynthOptions.defaults().width());
		assertEquals(1, SynthOptions.defaults().channels());
		assertEquals(8, SynthOptions.defaults().bitDepth());
	}

	@Test
	void truthDoesNotDependOnChannelsOrBitDepth() {
		final SynthOptions grey8 = SynthOptions.defaults();
		for (int i = 0; i < 5; i++) {
			final SyntheticImage reference = DEFAULT.generate(3, i);
			TruthChecks.assertSameTruth(reference, new SyntheticImageGenerator(grey8.withChannels(3)).generate(3, i));
			final SyntheticImage deep = new SyntheticImageGenerator(grey8.withBitDepth(16)).generate(3, i);
			TruthChecks.assertSameTruth(reference, deep);
			// Same noise, quantised differently.
			for (int p = 0; p < reference.pixels()[0].length; p++) {
				final double rescaled = deep.pixels()[0][p] * 255.0 / 65535.0;
				assertTrue(Math.abs(reference.pixels()[0][p] - rescaled) <= 1.0, "8-bit vs 16-bit at pixel " + p);
			}
		}
	}

	@Test
	void colourChannelsDifferButEveryClassReachesEveryChannel() {
		final SyntheticImageGenerator rgb = new SyntheticImageGenerator(SynthOptions.defaults().withChannels(3));
		for (int i = 0; i < 20; i++) {
			final SyntheticImage image = rgb.generate(8, i);
			assertFalse(Arrays.equals(image.pixels()[0], image.pixels()[1]), image.name());
			for (final InstanceBox box : image.instances()) {
				for (int c = 0; c < 3; c++) {
					assertTrue(meanOver(image, c, box.id()) > backgroundMean(image, c), image.name() + " instance " + box
						.id() + " invisible in channel " + c);
				}
			}
		}
	}

	@Test
	void objectsStandOutFromTheBackground() {
		int instances = 0;
		for (int i = 0; i < 60; i++) {
			final SyntheticImage image = DEFAULT.generate(21, i);
			final double background = backgroundMean(image, 0);
			for (final InstanceBox box : image.instances()) {
				instances++;
				assertTrue(meanOver(image, 0, box.id()) > background + 3, image.name() + " instance " + box.id() + " (" +
					box.synthClass().label() + ") is not brighter than the background");
			}
		}
		assertTrue(instances > 100);
	}

	@Test
	void ringCentresAreDarkerThanTheirRims() {
		int rings = 0;
		int darkCentres = 0;
		for (int i = 0; i < 150; i++) {
			final SyntheticImage image = DEFAULT.generate(31, i);
			for (final InstanceBox box : image.instances()) {
				if (box.synthClass() != SynthClass.RING || box.extent() < 20) continue;
				final int cx = box.x() + box.width() / 2;
				final int cy = box.y() + box.height() / 2;
				if (image.classLabels()[cy * image.width() + cx] != 0) continue;
				rings++;
				if (image.pixel(0, cx, cy) < meanOver(image, 0, box.id())) darkCentres++;
			}
		}
		assertTrue(rings >= 20, "only " + rings + " large rings");
		assertTrue(darkCentres >= 0.95 * rings, darkCentres + " of " + rings + " rings have a dark centre");
	}

	@Test
	void sizesSpanSmallAndLargeObjects() {
		int instances = 0;
		int small = 0;
		int large = 0;
		int tiny = 0;
		for (int i = 0; i < 200; i++) {
			for (final InstanceBox box : DEFAULT.generate(99, i).instances()) {
				instances++;
				if (box.width() * box.height() < 32 * 32) small++;
				if (box.extent() > 40) large++;
				if (box.extent() <= 8) tiny++;
			}
		}
		assertTrue(small >= 0.4 * instances, small + " of " + instances + " instances are smaller than 32x32");
		assertTrue(large >= 20, "only " + large + " instances are more than 40 px across");
		assertTrue(tiny >= 20, "only " + tiny + " instances are at most 8 px across");
	}

	@Test
	void classesInstancesAndContactsFollowTheSpecification() {
		final int[] imagesWithClass = new int[4];
		int empty = 0;
		int touching = 0;
		final Set<Integer> classCounts = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			final SyntheticImage image = DEFAULT.generate(123, i);
			final int[] perClass = new int[4];
			for (final InstanceBox box : image.instances()) perClass[box.synthClass().index()]++;
			int present = 0;
			for (int k = 0; k < 4; k++) {
				assertTrue(perClass[k] <= 6, image.name() + " has " + perClass[k] + " instances of class " + k);
				if (perClass[k] > 0) {
					present++;
					imagesWithClass[k]++;
				}
			}
			assertTrue(present <= 3, image.name() + " has " + present + " classes");
			classCounts.add(present);
			if (present == 0) empty++;
			if (hasTouchingInstances(image)) touching++;
		}
		for (int k = 0; k < 4; k++) {
			assertTrue(imagesWithClass[k] >= 50, SynthClass.values()[k].label() + " in only " + imagesWithClass[k] +
				" of 200 images");
		}
		assertTrue(empty >= 5, "only " + empty + " empty images");
		assertEquals(Set.of(0, 1, 2, 3), classCounts);
		assertTrue(touching >= 10, "only " + touching + " images with touching or overlapping objects");
	}

	@Test
	void invalidOptionsAreRefusedWithAHint() {
		assertTrue(assertThrows(ZoomCamException.class, () -> new SynthOptions(127, 160, 1, 8)).getMessage()
			.contains("128 to 224"));
		assertThrows(ZoomCamException.class, () -> new SynthOptions(160, 225, 1, 8));
		assertTrue(assertThrows(ZoomCamException.class, () -> new SynthOptions(160, 160, 2, 8)).getMessage()
			.contains("1 or 3"));
		assertTrue(assertThrows(ZoomCamException.class, () -> new SynthOptions(160, 160, 1, 12)).getMessage()
			.contains("8 or 16"));
		assertThrows(IllegalArgumentException.class, () -> DEFAULT.generate(1, -1));
	}

	private static double meanOver(final SyntheticImage image, final int channel, final int id) {
		long sum = 0;
		int count = 0;
		for (int p = 0; p < image.instanceIds().length; p++) {
			if (image.instanceIds()[p] == id) {
				sum += image.pixels()[channel][p];
				count++;
			}
		}
		return (double) sum / count;
	}

	private static double backgroundMean(final SyntheticImage image, final int channel) {
		long sum = 0;
		int count = 0;
		for (int p = 0; p < image.instanceIds().length; p++) {
			if (image.instanceIds()[p] == 0) {
				sum += image.pixels()[channel][p];
				count++;
			}
		}
		return (double) sum / count;
	}

	private static boolean hasTouchingInstances(final SyntheticImage image) {
		final int w = image.width();
		final int[] ids = image.instanceIds();
		for (int y = 0; y < image.height(); y++) {
			for (int x = 0; x + 1 < w; x++) {
				final int a = ids[y * w + x];
				final int right = ids[y * w + x + 1];
				final int below = y + 1 < image.height() ? ids[(y + 1) * w + x] : 0;
				if (a != 0 && ((right != 0 && right != a) || (below != 0 && below != a))) return true;
			}
		}
		return false;
	}
}
