package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.ZoomCamException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An existing output folder that refuses new files is found when the store opens, before any image is
 * computed. The tests run as root, for whom permission bits refuse nothing, so the folder is one of
 * Linux's /proc folders, which no one can create files in.
 */
class ResultStoreWritabilityTest {

	@TempDir
	Path tmp;

	@Test
	void aFolderThatRefusesNewFilesIsRefusedWhenTheStoreOpens() {
		final Path folder = Paths.get("/proc/self/fdinfo");
		Assumptions.assumeTrue(Files.isDirectory(folder), "needs Linux's /proc");
		for (final boolean exclusive : new boolean[] { true, false }) {
			final ZoomCamException e = assertThrows(ZoomCamException.class, () -> {
				try (ResultStore store = exclusive ? ResultStore.exclusive(folder) : ResultStore.shared(folder)) {
					store.root();
				}
			});
			assertTrue(e.getMessage().startsWith("cannot write to output folder /proc/self/fdinfo") && e.getMessage()
				.endsWith("choose a writable folder"), e.getMessage());
		}
	}

	@Test
	void theProbeLeavesNothingBehind() throws Exception {
		try (ResultStore store = ResultStore.exclusive(tmp.resolve("out"))) {
			try (var files = Files.list(store.root())) {
				assertEquals(java.util.List.of(ResultStore.LOCK_FILE), files.map(p -> p.getFileName().toString())
					.toList());
			}
		}
	}
}
