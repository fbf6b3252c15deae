package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's input list: folders, globs, manifests, and folder names chosen over the whole list. */
class ImageListingTest {

	@TempDir
	Path tmp;

	private Path file(final String relative) throws IOException {
		final Path p = tmp.resolve(relative);
		Files.createDirectories(p.getParent());
		return Files.writeString(p, "x");
	}

	@Test
	void foldersGlobsAndManifestsInOrderEachPathOnce() throws IOException {
		final Path a = file("plate1/a.tif");
		final Path b = file("plate1/b.png");
		file("plate1/notes.txt");
		final Path c = file("plate2/well/a.tif");
		final Path manifest = Files.writeString(tmp.resolve("list.csv"), String.join("\n", "# screen 7", "path,labels",
			"plate2/well/a.tif,\"nucleus, ring\"", "plate1/a.tif,rod", "gone.tif", ""));

		final List<ImageListing.Entry> entries = ImageListing.list(List.of(tmp.resolve("plate1").toString(), tmp
			+ "/plate2/**/*.tif"), List.of(manifest), "*.tif;*.png", false, tmp.resolve("out"));
		assertEquals(List.of(a, b, c, tmp.resolve("gone.tif")), entries.stream().map(ImageListing.Entry::path).toList());
		assertEquals("rod", entries.get(0).labels(), "a manifest gives labels to paths listed before it");
		assertEquals("", entries.get(1).labels());
		assertEquals("nucleus;ring", entries.get(2).labels());
		assertEquals("", entries.get(3).labels());

		final List<ImageTask> tasks = ImageListing.tasks(entries);
		assertEquals(List.of("a_tif_", "b", "a_tif_", "gone"), tasks.stream().map(t -> t.folder().replaceAll(
			"_[0-9a-f]{8}$", "_")).toList(), "a.tif twice: names with a hash of the path, as ./zoomcam names them");
		assertTrue(!tasks.get(0).folder().equals(tasks.get(2).folder()));
		assertEquals(3, tasks.get(3).index());
	}

	@Test
	void badManifestsAndEmptyGlobsFailWithOneLine() throws IOException {
		final Path unclosed = Files.writeString(tmp.resolve("bad.csv"), "\"a.tif,rod\n");
		assertTrue(assertThrows(ZoomCamException.class, () -> ImageListing.readManifest(unclosed)).getMessage()
			.contains("unclosed quote"));
		final Path empty = Files.writeString(tmp.resolve("empty.csv"), "path,labels\n");
		assertTrue(assertThrows(ZoomCamException.class, () -> ImageListing.readManifest(empty)).getMessage().contains(
			"lists no image"));
		assertTrue(assertThrows(ZoomCamException.class, () -> ImageListing.list(List.of(tmp + "/*.tif"), List.of(),
			"*.tif", false, null)).getMessage().startsWith("no file matches"));
	}

	@Test
	void summaryCellsAreQuotedAsCsv() {
		final SummaryRow row = new SummaryRow(0, "/d/a,b.tif", "a_b", "explained", "nucleus 0.998, ring 0.731", 2,
			"nucleus;ring", "said \"hi\"");
		assertEquals("\"/d/a,b.tif\",a_b,explained,\"nucleus 0.998, ring 0.731\",2,nucleus;ring,\"said \"\"hi\"\"\"",
			row.csvLine());
		assertEquals(List.of("/d/a,b.tif", "a_b", "explained", "nucleus 0.998, ring 0.731", "2", "nucleus;ring",
			"said \"hi\""), ImageListing.csvCells(row.csvLine(), tmp, 1));
	}
}
