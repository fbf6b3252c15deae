package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.core.ZoomCamException;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one image opener: Bio-Formats by reflection when present, ImageJ's opener otherwise. */
class ImageFilesTest {

	@TempDir
	Path tmp;

	@Test
	void bioFormatsIsCalledReflectivelyWhenOnTheClasspath() {
		FakeBioFormats.lastPath = null;
		final ImagePlus image = ImageFiles.open(Fixtures.GREY16_IMAGE, FakeBioFormats.class.getName());
		assertEquals(Fixtures.GREY16_IMAGE.toString(), FakeBioFormats.lastPath);
		assertTrue(image.getTitle().startsWith(FakeBioFormats.TITLE_PREFIX), image.getTitle());
		assertEquals(16, image.getBitDepth());
	}

	@Test
	void imageJsOpenerIsUsedWithoutBioFormatsOrWhenItFails() {
		assertNull(ImageFiles.bioFormats("loci.plugins.NoSuchClass"));
		// the tests' classpath has no Bio-Formats: the public entry point uses ImageJ's opener
		assertNull(ImageFiles.bioFormats(ImageFiles.BIO_FORMATS));
		final ImagePlus plain = ImageFiles.open(Fixtures.RGB_IMAGE);
		assertEquals("cells_rgb.png", plain.getTitle());

		FakeBioFormats.lastPath = null;
		final ImagePlus fallback = ImageFiles.open(Fixtures.RGB_IMAGE, FakeBioFormats.Failing.class.getName());
		assertEquals(Fixtures.RGB_IMAGE.toString(), FakeBioFormats.lastPath, "Bio-Formats was tried first");
		assertEquals("cells_rgb.png", fallback.getTitle());
	}

	@Test
	void theChosenSeriesAloneIsOpenedAndSeveralSeriesAreNoted() {
		final String bf = FakeBioFormats.class.getName();
		final String options = FakeBioFormats.Options.class.getName();
		final String reader = FakeBioFormats.Reader.class.getName();
		final ImageFiles.Opened first = ImageFiles.read(Fixtures.GREY16_IMAGE, 1, bf, options, reader);
		assertEquals(FakeBioFormats.TITLE_PREFIX + "series-1", first.image().getTitle());
		assertEquals(3, first.seriesCount());
		assertEquals("cells_grey16.tif has 3 series; series 1 is explained (the series setting, 1 to 3, chooses " +
			"another)", first.seriesNote(Fixtures.GREY16_IMAGE));
		final ImageFiles.Opened second = ImageFiles.read(Fixtures.GREY16_IMAGE, 2, bf, options, reader);
		assertEquals(FakeBioFormats.TITLE_PREFIX + "series-2", second.image().getTitle(), "only series 2 was read");
		assertTrue(second.seriesNote(Fixtures.GREY16_IMAGE).contains("series 2 is explained"));
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ImageFiles.read(Fixtures.GREY16_IMAGE, 4,
			bf, options, reader));
		assertEquals("cells_grey16.tif has 3 series; choose a series from 1 to 3", e.getMessage());
	}

	@Test
	void withoutBioFormatsAFileHasOneSeries() {
		final ImageFiles.Opened plain = ImageFiles.read(Fixtures.RGB_IMAGE, 1);
		assertEquals(1, plain.seriesCount());
		assertNull(plain.seriesNote(Fixtures.RGB_IMAGE));
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ImageFiles.read(Fixtures.RGB_IMAGE, 2));
		assertTrue(e.getMessage().contains("only Bio-Formats") && !e.getMessage().contains("\n"), e.getMessage());
		// Bio-Formats without the importer's options class: the path form, then the series' entry
		assertEquals(FakeBioFormats.TITLE_PREFIX + "cells_grey16.tif", ImageFiles.read(Fixtures.GREY16_IMAGE, 1,
			FakeBioFormats.class.getName(), "loci.plugins.in.NoOptions", "loci.formats.NoReader").image().getTitle());
	}

	@Test
	void aFileNeitherCanReadFailsWithOneLineNamingIt() throws Exception {
		final Path junk = Files.writeString(tmp.resolve("junk.tif"), "not an image");
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ImageFiles.open(junk, FakeBioFormats
			.class.getName()));
		assertTrue(e.getMessage().contains("junk.tif") && !e.getMessage().contains("\n"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> ImageFiles.open(tmp.resolve("missing.tif")));
	}

	@Test
	void theOpenerIsReportedAndBioFormatsReasonIsKept() throws Exception {
		final ImageFiles.Opened byBioFormats = ImageFiles.read(Fixtures.GREY16_IMAGE, FakeBioFormats.class.getName());
		assertEquals(ImageFiles.BIO_FORMATS_OPENER, byBioFormats.opener());
		assertNull(byBioFormats.fallbackReason());

		final ImageFiles.Opened plain = ImageFiles.read(Fixtures.RGB_IMAGE);
		assertEquals(ImageFiles.IMAGEJ_OPENER, plain.opener());
		assertNull(plain.fallbackReason(), "no Bio-Formats was tried");

		final ImageFiles.Opened fallback = ImageFiles.read(Fixtures.RGB_IMAGE, FakeBioFormats.Failing.class
			.getName());
		assertEquals(ImageFiles.IMAGEJ_OPENER, fallback.opener());
		assertEquals("Bio-Formats: IllegalStateException: unknown format", fallback.fallbackReason());

		// both fail: the message keeps Bio-Formats' reason
		final Path junk = Files.writeString(tmp.resolve("junk.png"), "not an image");
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ImageFiles.read(junk,
			FakeBioFormats.Failing.class.getName()));
		assertTrue(e.getMessage().contains("Bio-Formats: IllegalStateException: unknown format; ImageJ's opener: " +
			"not a readable image format"), e.getMessage());
	}

	@Test
	void aTruncatedTiffIsRefusedBeforeAnyReaderFillsItWithZeros() throws Exception {
		final byte[] whole = Files.readAllBytes(Fixtures.GREY16_IMAGE);
		final Path cut = Files.write(tmp.resolve("cut.tif"), java.util.Arrays.copyOf(whole, whole.length - 100));
		FakeBioFormats.lastPath = null;
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ImageFiles.read(cut, FakeBioFormats
			.class.getName()));
		assertTrue(e.getMessage().startsWith("cut.tif is truncated"), e.getMessage());
		assertNull(FakeBioFormats.lastPath, "no reader was asked");
	}
}
