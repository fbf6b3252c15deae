package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A loaded, validated model bundle: zoomcam.json, the TorchScript network on its device, and the
 * outcome of the self-test. Holds native memory: close it (the Fiji service does on dispose).
 */
public final class ModelBundle implements AutoCloseable {

	static final String MANIFEST = "zoomcam.json";
	/** System property: "false" explains one image per backward pass whatever the device. */
	public static final String BATCHED_GRADIENTS_PROPERTY = "zoomcam.batchedGradients";
	static final String MODEL = "model.pt";
	private static final String ENGINE = "PyTorch";
	/** The note given to the warnings consumer when device=auto finds no GPU and runs on the CPU. */
	public static final String NO_GPU = "no usable GPU found; running on the CPU";

	private final Path source;
	private final BundleManifest manifest;
	private final Model model;
	private final PtSymbolBlock block;
	private final RuntimeInfo runtime;
	private final SelfTest selfTest;
	private final Path extractedCopy;
	private final String fingerprint;
	private final boolean batchedGradients;
	private final Explainer explainer;
	private volatile boolean closed;

	private ModelBundle(final Path source, final BundleManifest manifest, final Model model,
		final RuntimeInfo runtime, final SelfTest selfTest, final Path extractedCopy, final String fingerprint,
		final boolean batchedGradients)
	{
		this.source = source;
		this.manifest = manifest;
		this.model = model;
		this.block = (PtSymbolBlock) model.getBlock();
		this.runtime = runtime;
		this.selfTest = selfTest;
		this.extractedCopy = extractedCopy;
		this.fingerprint = fingerprint;
		this.batchedGradients = batchedGradients;
		this.explainer = new Explainer(this);
	}

	/** Reads only zoomcam.json (no native code), e.g. to fill a dialog. */
	public static BundleManifest readManifest(final Path bundle) {
		final Path path = checkExists(bundle);
		try {
			if (Files.isDirectory(path)) {
				final Path json = path.resolve(MANIFEST);
				if (!Files.isRegularFile(json)) throw missing(path, MANIFEST);
				return BundleManifest.parse(Files.readString(json, StandardCharsets.UTF_8), json.toString());
			}
			try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(path))) {
				ZipEntry entry;
				while ((entry = zip.getNextEntry()) != null) {
					if (entry.getName().equals(MANIFEST)) {
						return BundleManifest.parse(new String(zip.readAllBytes(), StandardCharsets.UTF_8),
							path + "!/" + MANIFEST);
					}
				}
			}
			throw missing(path, MANIFEST);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read bundle " + path + " (" + e.getMessage() +
				"); check the file is a complete bundle folder or .zip");
		}
	}

	/**
	 * Loads a bundle folder or .zip, validates zoomcam.json against model.pt and runs the self-test.
	 *
	 * @param warnings receives one-line warnings (e.g. falling back from GPU to CPU)
	 */
	public static ModelBundle load(final Path bundle, final DeviceChoice choice, final Consumer<String> warnings) {
		final Path path = checkExists(bundle);
		Path extracted = null;
		try {
			final Path folder;
			if (Files.isDirectory(path)) {
				folder = path;
			}
			else {
				extracted = extractZip(path);
				folder = extracted;
			}
			final Path json = folder.resolve(MANIFEST);
			if (!Files.isRegularFile(json)) throw missing(path, MANIFEST);
			if (!Files.isRegularFile(folder.resolve(MODEL))) throw missing(path, MODEL);
			final String manifestText = Files.readString(json, StandardCharsets.UTF_8);
			final BundleManifest manifest = BundleManifest.parse(manifestText, path + "/" + MANIFEST);
			checkLayerNames(manifestText, manifest, folder.resolve(MODEL), path, warnings);
			final Engine engine = startEngine();
			final Device device = resolveDevice(engine, choice, warnings);
			final Model model = loadModel(folder, manifest, device, path);
			try {
				final RuntimeInfo runtime = new RuntimeInfo(ENGINE, engine.getVersion(), Engine.getDjlVersion(),
					flavor(), device.toString());
				final SelfTest selfTest = checkAgainstManifest(model, manifest, folder, path);
				final boolean batched = mayBatchGradients(device) && batchedGradientsAgree(model, manifest) &&
					batchedGradientsAgree(model, manifest);
				if (device.isGpu() && !batched) {
					warnings.accept("on " + device + " this PyTorch build computes gradients of image batches " +
						"differently from single images; images are explained one at a time (slower, exact)");
				}
				return new ModelBundle(path, manifest, model, runtime, selfTest, extracted, fingerprint(folder), batched);
			}
			catch (final RuntimeException e) {
				model.close();
				throw e;
			}
		}
		catch (final IOException e) {
			deleteQuietly(extracted);
			throw new ZoomCamException("cannot read bundle " + path + " (" + e.getMessage() +
				"); check the file is a complete bundle folder or .zip");
		}
		catch (final RuntimeException e) {
			deleteQuietly(extracted);
			throw e;
		}
	}

	public Path source() {
		return source;
	}

	public BundleManifest manifest() {
		return manifest;
	}

	public RuntimeInfo runtime() {
		return runtime;
	}

	public SelfTest selfTest() {
		return selfTest;
	}

	/** The engine instance of this bundle; calls on it are serialised. */
	public Explainer explainer() {
		return explainer;
	}

	/**
	 * SHA-256 of model.pt and zoomcam.json: what identifies the network in result keys, so a retrained or
	 * re-exported model at the same path is not mistaken for the old one.
	 */
	public String fingerprint() {
		return fingerprint;
	}

	/**
	 * Whether gradients are computed for whole batches at once, which is faster; otherwise one image per
	 * backward pass. Batched only where the batched backward pass gave every image the gradients it gets
	 * alone (checked twice at load time) and, on the CPU, where oneDNN cannot use AVX-512: libtorch 2.7.1's
	 * AVX-512 convolution backward was seen to give batches of two or more images wrong input gradients
	 * (even NaN) at random, while single images were always exact and AVX2 kernels were exact for any batch.
	 * {@code ONEDNN_MAX_CPU_ISA=AVX2} in the environment (set by the ./zoomcam launcher) allows batching;
	 * {@code -Dzoomcam.batchedGradients=false} forbids it.
	 */
	public boolean batchedGradients() {
		return batchedGradients;
	}

	public boolean isClosed() {
		return closed;
	}

	void requireOpen() {
		if (closed) {
			throw new ZoomCamException("model " + source + " was unloaded (its file changed or Zoom-CAM was shut " +
				"down); run the command again");
		}
	}

	public Device device() {
		return model.getNDManager().getDevice();
	}

	PtSymbolBlock block() {
		return block;
	}

	NDManager newManager() {
		return model.getNDManager().newSubManager();
	}

	/** Waits for a running explain call to finish, then releases the network's native memory. */
	@Override
	public void close() {
		explainer.closeWhenIdle(() -> {
			if (closed) return;
			closed = true;
			model.close();
			deleteQuietly(extractedCopy);
		});
	}

	/**
	 * The layer names in zoomcam.json are those model.pt was exported with: the exporter recorded
	 * {@link BundleManifest#layerNamesChecksum} of model.pt's hash and the names, recomputed here. model.pt
	 * itself takes one unnamed input per layer, so a renamed layer would otherwise be accepted and its maps
	 * filed under the wrong name. A bundle exported before the checksum existed loads with a warning.
	 */
	static void checkLayerNames(final String manifestText, final BundleManifest manifest, final Path modelFile,
		final Path shownPath, final Consumer<String> warnings) throws IOException
	{
		final com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(manifestText)
			.getAsJsonObject();
		final String recorded = text(root, BundleManifest.LAYER_NAMES_SHA256);
		if (recorded == null) {
			warnings.accept(shownPath + ": zoomcam.json records no " + BundleManifest.LAYER_NAMES_SHA256 + ", so its " +
				"layer names cannot be checked against model.pt; add it with tools/export_model.py --stamp");
			return;
		}
		final String modelHash = sha256(modelFile);
		final String recordedModel = text(root, BundleManifest.MODEL_SHA256);
		if (recordedModel != null && !recordedModel.equalsIgnoreCase(modelHash)) {
			throw new ZoomCamException(shownPath + ": model.pt is not the file this zoomcam.json was exported with " +
				"(model_sha256 differs); put the matching model.pt back or export the bundle again");
		}
		if (!BundleManifest.layerNamesChecksum(modelHash, manifest.layerNames()).equalsIgnoreCase(recorded)) {
			throw new ZoomCamException(shownPath + ": the layer names in zoomcam.json (" + String.join(", ", manifest
				.layerNames()) + ") are not those model.pt was exported with (layer_names_sha256 differs); restore " +
				"the exported names or export the bundle again with tools/export_model.py");
		}
	}

	/** A string entry of zoomcam.json, or null when absent; anything else than text reads as "". */
	private static String text(final com.google.gson.JsonObject root, final String key) {
		if (!root.has(key) || root.get(key).isJsonNull()) return null;
		return root.get(key).isJsonPrimitive() ? root.get(key).getAsString() : "";
	}

	private static String sha256(final Path file) throws IOException {
		try {
			final MessageDigest digest = MessageDigest.getInstance("SHA-256");
			try (InputStream in = Files.newInputStream(file)) {
				final byte[] buffer = new byte[1 << 16];
				for (int n; (n = in.read(buffer)) > 0;) digest.update(buffer, 0, n);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}

	private static String fingerprint(final Path folder) throws IOException {
		try {
			final MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (final String file : List.of(MODEL, MANIFEST)) {
				try (InputStream in = Files.newInputStream(folder.resolve(file))) {
					final byte[] buffer = new byte[1 << 16];
					for (int n; (n = in.read(buffer)) > 0;) digest.update(buffer, 0, n);
				}
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}

	private static Path checkExists(final Path bundle) {
		if (bundle == null) throw new ZoomCamException("no model bundle given: choose a bundle folder or .zip");
		final Path path = bundle.toAbsolutePath().normalize();
		if (!Files.exists(path)) {
			throw new ZoomCamException("model bundle not found: " + path +
				" (give a folder or .zip holding model.pt and zoomcam.json)");
		}
		return path;
	}

	private static ZoomCamException missing(final Path bundle, final String file) {
		return new ZoomCamException("bundle " + bundle + " has no " + file +
			"; a bundle holds model.pt and zoomcam.json (make one with tools/export_model.py)");
	}

	private static Path extractZip(final Path zipFile) throws IOException {
		final Path target = Files.createTempDirectory("zoomcam-bundle-");
		try (InputStream in = Files.newInputStream(zipFile); ZipInputStream zip = new ZipInputStream(in)) {
			ZipEntry entry;
			boolean any = false;
			while ((entry = zip.getNextEntry()) != null) {
				any = true;
				final Path out = target.resolve(entry.getName()).normalize();
				if (!out.startsWith(target)) {
					throw new ZoomCamException(zipFile + " has an entry outside the bundle (" + entry.getName() +
						"); it is not a bundle made by tools/export_model.py");
				}
				if (entry.isDirectory()) {
					Files.createDirectories(out);
				}
				else {
					Files.createDirectories(out.getParent());
					Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
				}
			}
			if (!any) {
				throw new ZoomCamException(zipFile + " is not a zip archive or is empty; give a bundle folder or .zip");
			}
			final Path manifest = target.resolve(MANIFEST);
			if (!Files.exists(manifest)) {
				// Accept a zip whose files sit in one top-level folder.
				try (Stream<Path> children = Files.list(target)) {
					final List<Path> dirs = children.filter(Files::isDirectory).toList();
					if (dirs.size() == 1 && Files.exists(dirs.get(0).resolve(MANIFEST))) return dirs.get(0);
				}
			}
			return target;
		}
		catch (final IOException | RuntimeException e) {
			deleteQuietly(target);
			if (e instanceof java.util.zip.ZipException) {
				throw new ZoomCamException(zipFile + " is a corrupt zip (" + e.getMessage() + "); export it again");
			}
			throw e;
		}
	}

	private static Engine startEngine() {
		try {
			final Engine engine = Engine.getEngine(ENGINE);
			// TorchScript's optimising graph executor re-compiles a module after profiling its first calls; on
			// this project's CPU machines the re-compiled graphs returned NaN gradients on some calls. The plain
			// executor gives the same numbers on every call.
			JniUtils.setGraphExecutorOptimize(false);
			NativeLogging.apply();
			return engine;
		}
		catch (final EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
			throw new ZoomCamException("the PyTorch engine could not start (" + firstLine(e) +
				"); check the pytorch-native jars are installed, or set PYTORCH_LIBRARY_PATH");
		}
	}

	private static Device resolveDevice(final Engine engine, final DeviceChoice choice,
		final Consumer<String> warnings)
	{
		final int gpus = engine.getGpuCount();
		return switch (choice) {
			case CPU -> Device.cpu();
			case GPU -> {
				if (gpus == 0) {
					throw new ZoomCamException("device=gpu asked but no usable GPU was found (PyTorch " + engine
						.getVersion() + ", " + flavor() + "); use device=auto or device=cpu, or install the CUDA " +
						"flavor of the PyTorch natives");
				}
				yield Device.gpu(0);
			}
			case AUTO -> {
				if (gpus == 0) {
					warnings.accept(NO_GPU);
					yield Device.cpu();
				}
				yield Device.gpu(0);
			}
		};
	}

	static String flavor() {
		try {
			final String path = LibUtils.getLibtorchPath().toLowerCase(Locale.ROOT);
			for (final String f : path.split("[/\\\\]")) {
				if (f.matches("(cpu|cu\\d+|cpu-precxx11|rocm.*)")) return f;
				if (f.contains("-cpu") || f.endsWith("cpu")) return "cpu";
				final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(cu\\d{3})").matcher(f);
				if (m.find()) return m.group(1);
			}
			return "unknown flavor (" + LibUtils.getLibtorchPath() + ")";
		}
		catch (final RuntimeException e) {
			return "unknown flavor";
		}
	}

	private static Model loadModel(final Path folder, final BundleManifest manifest, final Device device,
		final Path shownPath)
	{
		final Model model = Model.newInstance(manifest.name(), device, ENGINE);
		try {
			// trainParam keeps PyTorch out of inference mode, else backward fails on saved tensors.
			model.load(folder, "model", Map.of("trainParam", "true"));
			model.getBlock().freezeParameters(true);
			return model;
		}
		catch (final IOException | MalformedModelException | RuntimeException e) {
			model.close();
			throw new ZoomCamException("model.pt in " + shownPath + " could not be loaded as TorchScript (" +
				firstLine(e) + "); export it again with tools/export_model.py");
		}
	}

	/**
	 * Runs the test input once without gradients and checks outputs, channels and spatial sizes against
	 * zoomcam.json, then the logits against those recorded at export.
	 */
	private static SelfTest checkAgainstManifest(final Model model, final BundleManifest manifest,
		final Path folder, final Path shownPath) throws IOException
	{
		final boolean haveTest = manifest.testInput() != null;
		final Shape expected = new Shape(1, manifest.channels(), manifest.height(), manifest.width());
		try (NDManager manager = model.getNDManager().newSubManager()) {
			final NDArray testInput;
			if (haveTest) {
				final Path file = folder.resolve(manifest.testInput()).normalize();
				if (!file.startsWith(folder) || !Files.isRegularFile(file)) throw missing(shownPath, manifest.testInput());
				testInput = readNpy(manager, file, shownPath);
				if (!testInput.getShape().equals(expected)) {
					throw new ZoomCamException(shownPath + ": test input has shape " + testInput.getShape() +
						" but zoomcam.json declares " + expected);
				}
			}
			else {
				testInput = manager.zeros(expected);
			}
			final NDList inputs = new NDList();
			inputs.add(testInput);
			for (int i = 0; i < manifest.layers().size(); i++) {
				inputs.add(manager.zeros(new Shape(1, 1, 1, 1)));
			}
			final NDList outputs;
			try {
				outputs = IValueUtils.forward((PtSymbolBlock) model.getBlock(), inputs, false);
			}
			catch (final RuntimeException e) {
				throw new ZoomCamException(shownPath + ": model.pt does not run with " + manifest.layers().size() +
					" layer inputs as zoomcam.json declares (" + firstLine(e) + "); export the bundle again");
			}
			if (outputs.size() != 1 + manifest.layers().size()) {
				throw new ZoomCamException(shownPath + ": model.pt returns " + (outputs.size() - 1) +
					" layer outputs but zoomcam.json lists " + manifest.layers().size() + " layers; export again");
			}
			final NDArray logits = outputs.get(0);
			if (!logits.getShape().equals(new Shape(1, manifest.classes().size()))) {
				throw new ZoomCamException(shownPath + ": model.pt gives logits of shape " + logits.getShape() +
					" but zoomcam.json lists " + manifest.classes().size() + " classes");
			}
			for (int i = 0; i < manifest.layers().size(); i++) {
				final LayerSpec layer = manifest.layers().get(i);
				final Shape shape = outputs.get(i + 1).getShape();
				final Shape declared = new Shape(1, layer.channels(), layer.height(), layer.width());
				if (!shape.equals(declared)) {
					throw new ZoomCamException(shownPath + ": layer '" + layer.name() + "' has shape " + shape +
						" in model.pt but " + declared + " in zoomcam.json; export the bundle again");
				}
			}
			if (!haveTest || manifest.expectedLogits() == null) return new SelfTest(false, 0, 0);
			final float[] got = logits.toFloatArray();
			final float[] want = manifest.expectedLogits();
			double diff = 0;
			double scale = 1;
			for (int i = 0; i < want.length; i++) {
				if (!Float.isFinite(got[i])) diff = Double.POSITIVE_INFINITY;
				else diff = Math.max(diff, Math.abs(got[i] - want[i]));
				scale = Math.max(scale, Math.abs(want[i]));
			}
			final SelfTest result = new SelfTest(true, diff, 1e-3 * scale);
			if (!result.passed()) {
				throw new ZoomCamException(shownPath + ": self-test failed, model.pt gives other logits than at " +
					"export (" + result + "); the file is damaged or does not belong to this zoomcam.json");
			}
			return result;
		}
	}

	private static boolean mayBatchGradients(final Device device) {
		if ("false".equalsIgnoreCase(System.getProperty(BATCHED_GRADIENTS_PROPERTY))) return false;
		if (device.isGpu()) return true;
		return oneDnnLimitedBelowAvx512() || !cpuHasAvx512();
	}

	/** Whether the environment caps oneDNN's instruction set below AVX-512 (read by oneDNN at start). */
	static boolean oneDnnLimitedBelowAvx512() {
		for (final String variable : List.of("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA")) {
			final String isa = System.getenv(variable);
			if (isa != null && !isa.isBlank()) {
				final String upper = isa.trim().toUpperCase(Locale.ROOT);
				return !upper.contains("512") && !upper.contains("AMX") && !upper.equals("ALL") && !upper.equals(
					"DEFAULT");
			}
		}
		return false;
	}

	/** On Linux from /proc/cpuinfo; elsewhere x86-64 is assumed to have AVX-512, other machines not. */
	private static boolean cpuHasAvx512() {
		final Path cpuinfo = Path.of("/proc/cpuinfo");
		if (Files.isReadable(cpuinfo)) {
			try (Stream<String> lines = Files.lines(cpuinfo)) {
				return lines.anyMatch(l -> l.startsWith("flags") && l.contains(" avx512f"));
			}
			catch (final IOException | java.io.UncheckedIOException e) {
				return true;
			}
		}
		final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		return arch.contains("amd64") || arch.contains("x86_64");
	}

	/**
	 * Runs one input (the bundle's test input pattern, deterministic) alone and as a batch of two identical
	 * images and compares every layer's gradient of the top class score: equal up to float rounding where
	 * the build's batched backward is sound.
	 */
	private static boolean batchedGradientsAgree(final Model model, final BundleManifest manifest) {
		try (NDManager manager = model.getNDManager().newSubManager()) {
			final Shape one = new Shape(1, manifest.channels(), manifest.height(), manifest.width());
			final NDArray input = manager.arange((float) one.size()).reshape(one).mul(0.618034f).sin();
			final float[][] single = layerGradients(model, manifest, manager, input);
			final float[][] pair = layerGradients(model, manifest, manager, input.concat(input, 0));
			for (int l = 0; l < single.length; l++) {
				double scale = 0;
				double diff = 0;
				for (int i = 0; i < single[l].length; i++) {
					scale = Math.max(scale, Math.abs(single[l][i]));
					diff = Math.max(diff, Math.abs(single[l][i] - pair[l][i]));
				}
				if (!(diff <= 1e-3 * scale + 1e-12)) return false;
			}
			return true;
		}
		catch (final RuntimeException e) {
			return false;
		}
	}

	/** Per layer, the first image's gradient of the summed top-class scores. */
	private static float[][] layerGradients(final Model model, final BundleManifest manifest,
		final NDManager manager, final NDArray images)
	{
		final long n = images.getShape().get(0);
		final NDList inputs = new NDList(images);
		final NDArray[] deltas = new NDArray[manifest.layers().size()];
		for (int i = 0; i < deltas.length; i++) {
			final LayerSpec l = manifest.layers().get(i);
			deltas[i] = manager.zeros(new Shape(n, l.channels(), l.height(), l.width()));
			deltas[i].setRequiresGradient(true);
			inputs.add(deltas[i]);
		}
		final boolean previous = JniUtils.isGradMode();
		JniUtils.setGradMode(true);
		try {
			final NDArray logits = IValueUtils.forward((PtSymbolBlock) model.getBlock(), inputs, true).get(0);
			final int top = (int) logits.get(0).argMax().getLong();
			final NDArray score = logits.get(":, " + top).sum();
			JniUtils.backward((PtNDArray) score, (PtNDArray) score.onesLike(), false, false);
		}
		finally {
			JniUtils.setGradMode(previous);
		}
		final float[][] out = new float[deltas.length][];
		for (int i = 0; i < deltas.length; i++) out[i] = deltas[i].getGradient().get(0).toFloatArray();
		return out;
	}

	/** A float .npy file through DJL's own NumPy reader. */
	private static NDArray readNpy(final NDManager manager, final Path file, final Path shownPath) throws IOException {
		final NDArray array;
		try (InputStream in = Files.newInputStream(file)) {
			array = NDList.decode(manager, in).singletonOrThrow();
		}
		catch (final RuntimeException e) {
			throw new ZoomCamException(shownPath + ": " + file.getFileName() + " is not a readable NumPy .npy file (" +
				firstLine(e) + "); export the bundle again");
		}
		return array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
	}

	static String firstLine(final Throwable e) {
		final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
		final String line = m.strip().lines().findFirst().orElse(m);
		return line.length() > 200 ? line.substring(0, 200) + "..." : line;
	}

	private static void deleteQuietly(final Path dir) {
		if (dir == null) return;
		Path root = dir;
		if (root.getParent() != null && root.getParent().getFileName() != null && root.getParent().getFileName()
			.toString().startsWith("zoomcam-bundle-"))
		{
			root = root.getParent();
		}
		try (Stream<Path> walk = Files.walk(root)) {
			final List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
			for (final Path p : paths) Files.deleteIfExists(p);
		}
		catch (final IOException e) {
			// A temporary copy left behind is harmless; the OS cleans its temp folder.
		}
	}
}
