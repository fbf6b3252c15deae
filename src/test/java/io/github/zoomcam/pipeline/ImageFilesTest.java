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
	void aFileNeitherCanReadFailsWithOneLineNamingIt() throws Exception {
		final Path junk = Files.writeString(tmp.resolve("junk.tif"), "not an image");
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ImageFiles.open(junk, FakeBioFormats
			.class.getName()));
		assertTrue(e.getMessage().contains("junk.tif") && !e.getMessage().contains("\n"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> ImageFiles.open(tmp.resolve("missing.tif")));
	}
}
