package io.github.zoomcam.spark;

import io.github.zoomcam.cli.Main;
import io.github.zoomcam.core.ZoomCamException;

import org.apache.spark.SparkContext$;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Local Spark jobs (two slots, a failed task tried once more) on the bundled demo model and sample
 * images, against the single-process command line: the same result folders byte for byte, a task that
 * dies half-way changes nothing, a re-run redoes only what is missing, bad files cost only themselves.
 * The clean run is made once and shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkJobTest {

	static final Path HOME = Path.of(System.getProperty("zoomcam.home", "..")).toAbsolutePath().normalize();
	static final Path MODEL = HOME.resolve("plugins/Zoom-CAM/models/synthetic-cells");
	static final Path SAMPLES = HOME.resolve("plugins/Zoom-CAM/samples/images");
	static final String MASTER = "local[2,2]";

	/** How often the failure hook made a task attempt fail (the hook runs in this JVM: a local master). */
	static final AtomicInteger INJECTED_FAILURES = new AtomicInteger();

	@TempDir
	Path tmp;

	private Path images;
	private Path cleanOut;
	private SparkExplainJob.Result clean;

	/** Six sample images, explained once by a clean Spark job. */
	@BeforeAll
	void cleanRun(@TempDir final Path shared) throws IOException {
		images = Files.createDirectories(shared.resolve("images"));
		try (Stream<Path> s = Files.list(SAMPLES)) {
			for (final Path p : s.sorted().limit(6).toList()) Files.copy(p, images.resolve(p.getFileName()));
		}
		cleanOut = shared.resolve("clean");
		clean = SparkExplainJob.run(options(cleanOut, "--partitions", "3", images.toString()), TaskHook.NONE);
	}

	static JobOptions options(final Path out, final String... more) {
		final List<String> args = new ArrayList<>(List.of("--model", MODEL.toString(), "--out", out.toString(),
			"--target", "p>=0.5"));
		args.addAll(Arrays.asList(more));
		return JobOptions.parse(args.toArray(String[]::new)).withMaster(MASTER);
	}

	@Test
	void aLocalJobExplainsEveryImageAndWritesTheSummary() throws IOException {
		assertEquals(6, clean.rows().size());
		assertEquals(6, clean.count("explained"), clean.rows().toString());
		assertEquals(0, clean.exitCode());
		final List<String> summary = Files.readAllLines(cleanOut.resolve(JobOptions.SUMMARY_NAME));
		assertEquals(SummaryRow.header(), summary.get(0));
		assertEquals(7, summary.size());
		assertTrue(summary.get(1).startsWith(images.resolve("img_00000.tif") + ",img_00000,explained,"), summary.get(1));
		for (int i = 0; i < 6; i++) {
			assertTrue(Files.isRegularFile(cleanOut.resolve("img_0000" + i).resolve("result.json")), "image " + i);
		}
		assertEquals(List.of(), leftovers(cleanOut), "no temporaries or job marks stay behind");
		assertEquals(0, ExecutorEngines.loaded(), "a local job releases its engines at the end");
		assertTrue(noActiveSparkContext(), "the job stops its Spark context");
		assertTrue(clean.stats().engineMillis() > 0 && clean.stats().jobSeconds() > 0, clean.stats().line());
	}

	@Test
	void theResultFoldersAreByteIdenticalToTheCommandLines() throws IOException {
		final Path cliOut = tmp.resolve("cli");
		final List<String> args = new ArrayList<>(List.of("explain", "--model", MODEL.toString(), "--out", cliOut
			.toString(), "--target", "p>=0.5"));
		try (Stream<Path> s = Files.list(images)) {
			s.sorted().forEach(p -> args.add(p.toString()));
		}
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final int code = Main.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
			StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		assertSameResults(cliOut, cleanOut);
	}

	@Test
	void aTaskThatFailsHalfWayIsRetriedAndTheOutputEqualsACleanRun() throws IOException {
		final Path out = tmp.resolve("retried");
		INJECTED_FAILURES.set(0);
		// The first attempt of the second task commits one image, leaves a half-written temporary folder as a
		// killed executor would, and dies; Spark runs the task again.
		final String outFolder = out.toString(); // a Path is not serialisable; the hook travels with the task
		final TaskHook failOnce = (outcome, partition, attempt) -> {
			if (partition == 1 && attempt == 0) {
				INJECTED_FAILURES.incrementAndGet();
				try {
					Files.createDirectories(Path.of(outFolder, ".zoomcam-tmp-" + outcome.folder() + "-killed", "part"));
				}
				catch (final IOException e) {
					throw new IllegalStateException(e);
				}
				throw new IllegalStateException("executor lost (injected by the test)");
			}
		};
		final SparkExplainJob.Result retried = SparkExplainJob.run(options(out, "--partitions", "3", images.toString()),
			failOnce);
		assertEquals(1, INJECTED_FAILURES.get(), "the hook failed exactly one attempt");
		assertEquals(clean.rows(), retried.rows(), "the summary rows");
		assertEquals(Files.readString(cleanOut.resolve(JobOptions.SUMMARY_NAME)), Files.readString(out.resolve(
			JobOptions.SUMMARY_NAME)));
		assertSameResults(cleanOut, out);
		assertEquals(List.of(), leftovers(out));
	}

	@Test
	void aFailedJobFailsWithOneLineAndARerunRedoesOnlyWhatIsMissing() throws IOException {
		final Path out = tmp.resolve("rerun");
		// Every attempt of the last task dies after an image: the job fails (two tries per task).
		final TaskHook alwaysFails = (outcome, partition, attempt) -> {
			if (partition == 2) throw new ZoomCamException("disk gone (injected by the test)");
		};
		final JobOptions options = options(out, "--partitions", "3", images.toString());
		final ZoomCamException failure = assertThrows(ZoomCamException.class, () -> SparkExplainJob.run(options,
			alwaysFails));
		assertEquals("the Spark job failed: disk gone (injected by the test)", failure.getMessage());
		assertFalse(Files.exists(out.resolve(JobOptions.SUMMARY_NAME)), "no summary of a failed job");
		assertEquals(List.of(), leftovers(out));
		final List<String> done = new ArrayList<>();
		for (final SummaryRow row : clean.rows()) {
			if (Files.exists(out.resolve(row.folder()).resolve("result.json"))) done.add(row.folder());
		}
		assertTrue(done.contains("img_00004") && done.contains("img_00005"), "both attempts committed an image: " +
			done);

		final SparkExplainJob.Result rerun = SparkExplainJob.run(options, TaskHook.NONE);
		for (final SummaryRow row : rerun.rows()) {
			assertEquals(done.contains(row.folder()) ? "skipped" : "explained", row.status(), row.toString());
		}
		assertSameResults(cleanOut, out);
		for (int i = 0; i < 6; i++) {
			final SummaryRow kept = rerun.rows().get(i);
			final SummaryRow first = clean.rows().get(i);
			assertEquals(first.classes(), kept.classes(), "a skipped image reports its kept result's classes");
			assertEquals(first.instances(), kept.instances());
		}
	}

	@Test
	void missingAndUnreadableFilesAreReportedInTheSummaryAndSkipped() throws IOException {
		final Path out = tmp.resolve("bad");
		final Path garbage = Files.writeString(tmp.resolve("garbage.tif"), "not an image");
		final Path manifest = Files.writeString(tmp.resolve("manifest.csv"), String.join("\n", "path,labels",
			images.resolve("img_00000.tif").toString() + ",rod", "missing.tif,nucleus", "\"" + garbage + "\",", ""));
		final SparkExplainJob.Result result = SparkExplainJob.run(options(out, "--manifest", manifest.toString()),
			TaskHook.NONE);
		assertEquals(3, result.rows().size());
		assertEquals("explained", result.rows().get(0).status());
		assertEquals("rod", result.rows().get(0).labels());
		final SummaryRow missing = result.rows().get(1);
		assertEquals("failed", missing.status());
		assertEquals(tmp.resolve("missing.tif").toString(), missing.path(), "relative to the manifest's folder");
		assertTrue(missing.reason().startsWith("image not found"), missing.reason());
		assertEquals("failed", result.rows().get(2).status());
		assertTrue(result.rows().get(2).reason().contains("garbage.tif"), result.rows().get(2).reason());
		assertEquals(1, result.exitCode());
		assertTrue(Files.readString(out.resolve(JobOptions.SUMMARY_NAME)).contains(",failed,,0,nucleus,image not found"));
		assertSameResults(Map.of("img_00000", cleanOut.resolve("img_00000")), out);
	}

	@Test
	void aMissingOrBrokenModelFailsWithOneLineBeforeSparkStarts() throws IOException {
		final Path out = tmp.resolve("nomodel");
		final JobOptions missing = JobOptions.parse(new String[] { "--model", tmp.resolve("nowhere").toString(),
			"--out", out.toString(), images.toString() }).withMaster(MASTER);
		assertEquals(2, ZoomCamSpark.run(missing, TaskHook.NONE));
		final ZoomCamException notFound = assertThrows(ZoomCamException.class, () -> SparkExplainJob.run(missing,
			TaskHook.NONE));
		assertTrue(notFound.getMessage().startsWith("model bundle not found: "), notFound.getMessage());

		final Path broken = Files.createDirectories(tmp.resolve("broken"));
		Files.writeString(broken.resolve("zoomcam.json"), "{ not json");
		Files.writeString(broken.resolve("model.pt"), "");
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> SparkExplainJob.run(JobOptions.parse(
			new String[] { "--model", broken.toString(), "--out", out.toString(), images.toString() }).withMaster(MASTER),
			TaskHook.NONE));
		for (final ZoomCamException one : List.of(notFound, e)) {
			assertEquals(1, one.getMessage().lines().count(), one.getMessage());
		}
		assertTrue(e.getMessage().contains("zoomcam.json"), e.getMessage());
		assertTrue(noActiveSparkContext(), "Spark never started");
		assertFalse(Files.exists(out.resolve(JobOptions.SUMMARY_NAME)));
	}

	// --- helpers

	static void assertSameResults(final Path expected, final Path actual) throws IOException {
		final Map<String, Path> folders = new TreeMap<>();
		try (Stream<Path> s = Files.list(expected)) {
			s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).forEach(p -> folders
				.put(p.getFileName().toString(), p));
		}
		assertFalse(folders.isEmpty());
		assertSameResults(folders, actual);
	}

	/** Every file of each expected folder has the same bytes in the folder of that name under {@code actual}. */
	static void assertSameResults(final Map<String, Path> expected, final Path actual) throws IOException {
		for (final Map.Entry<String, Path> folder : expected.entrySet()) {
			final Map<String, byte[]> want = files(folder.getValue());
			final Map<String, byte[]> got = files(actual.resolve(folder.getKey()));
			assertEquals(want.keySet(), got.keySet(), folder.getKey());
			assertTrue(want.containsKey("result.json") && want.containsKey("rois.zip"), want.keySet().toString());
			for (final String file : want.keySet()) {
				assertTrue(Arrays.equals(want.get(file), got.get(file)), folder.getKey() + "/" + file + " differs");
			}
		}
	}

	private static Map<String, byte[]> files(final Path folder) throws IOException {
		final Map<String, byte[]> files = new TreeMap<>();
		try (Stream<Path> s = Files.list(folder)) {
			for (final Path p : s.toList()) files.put(p.getFileName().toString(), Files.readAllBytes(p));
		}
		return files;
	}

	/** Whether no Spark context is running in this JVM (getActive is Spark-private in Scala, public in bytecode). */
	static boolean noActiveSparkContext() {
		return SparkContext$.MODULE$.getActive().isEmpty();
	}

	/** Hidden entries other than the lock file: temporaries, replaced folders, job marks. */
	static List<String> leftovers(final Path out) throws IOException {
		try (Stream<Path> s = Files.list(out)) {
			return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") && !n.equals(".zoomcam.lock"))
				.sorted().toList();
		}
	}
}
