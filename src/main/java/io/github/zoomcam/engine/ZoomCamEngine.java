package io.github.zoomcam.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Computes Zoom-CAM (and Grad-CAM) maps for a batch of images with one forward pass and one backward
 * pass per target rank, for all layers at once.
 *
 * <p>The bundle's network takes one zero "delta" tensor per layer and adds it to that layer's output, so
 * after a backward pass the delta's gradient is dS/dA for the layer. Several targets per image reuse the
 * forward graph (retained between backward passes). All map arithmetic runs as NDArray operations on the
 * model's device, and the finished maps come to the host in a single copy.</p>
 */
public final class ZoomCamEngine {

	/** libtorch allows one gradient collector per JVM: explain calls are serialised. */
	private static final ReentrantLock GRADIENT_LOCK = new ReentrantLock();

	private ZoomCamEngine() {}

	/** Class scores only: one forward pass without gradients. */
	public static List<Prediction> predict(final ModelBundle bundle, final List<ImageInput> images) {
		final BundleManifest manifest = bundle.manifest();
		try (NDManager manager = bundle.newManager()) {
			final NDList inputs = new NDList();
			inputs.add(preprocessBatch(manager, manifest, images, new ArrayList<>()));
			for (int i = 0; i < manifest.layers().size(); i++) inputs.add(manager.zeros(new Shape(1, 1, 1, 1)));
			final float[] logits = runForward(bundle, inputs, false).get(0).toFloatArray();
			final int classes = manifest.classes().size();
			final List<Prediction> out = new ArrayList<>();
			for (int n = 0; n < images.size(); n++) {
				final float[] l = Arrays.copyOfRange(logits, n * classes, (n + 1) * classes);
				checkFinite(l, images.get(n).name());
				out.add(new Prediction(images.get(n).name(), l, manifest.output().probabilities(l)));
			}
			return out;
		}
	}

	/**
	 * Explains a batch: every image gets the targets the options ask for, with raw, normalised and fused
	 * maps. Images may differ in size; they are resized to the model input.
	 */
	public static ExplainResult explain(final ModelBundle bundle, final List<ImageInput> images,
		final ExplainOptions options)
	{
		return explain(bundle, images, options, true);
	}

	/**
	 * The same forward and backward passes as {@link #explain} without any map arithmetic: the baseline
	 * against which the benchmark measures the engine's own overhead. Returns only timings.
	 */
	public static Timings networkPassesOnly(final ModelBundle bundle, final List<ImageInput> images,
		final ExplainOptions options)
	{
		return explain(bundle, images, options, false).timings();
	}

	private static ExplainResult explain(final ModelBundle bundle, final List<ImageInput> images,
		final ExplainOptions options, final boolean computeMaps)
	{
		if (images.isEmpty()) throw new ZoomCamException("no images to explain");
		final BundleManifest manifest = bundle.manifest();
		final List<String> layers = options.layers().isEmpty() ? manifest.defaultLayers() : options.layers();
		final int[] layerIndices = layers.stream().mapToInt(name -> layerIndexOrFail(manifest, name)).toArray();
		final String gradcamLayer = options.gradcamLayer() == null || options.gradcamLayer().isBlank()
			? manifest.gradcamLayer() : options.gradcamLayer().trim();
		final int gradcamIndex = layerIndexOrFail(manifest, gradcamLayer);
		options.targets().validate(manifest);
		final List<String> orderedLayers = Arrays.stream(layerIndices).sorted().distinct()
			.mapToObj(i -> manifest.layers().get(i).name()).toList();
		final int[] fused = orderedLayers.stream().mapToInt(manifest::layerIndex).toArray();

		GRADIENT_LOCK.lock();
		try (NDManager manager = bundle.newManager()) {
			return explainLocked(bundle, manager, images, options, orderedLayers, fused, gradcamLayer, gradcamIndex,
				computeMaps);
		}
		finally {
			GRADIENT_LOCK.unlock();
		}
	}

	private static ExplainResult explainLocked(final ModelBundle bundle, final NDManager manager,
		final List<ImageInput> images, final ExplainOptions options, final List<String> layerNames,
		final int[] fused, final String gradcamLayer, final int gradcamIndex, final boolean computeMaps)
	{
		final BundleManifest manifest = bundle.manifest();
		final int n = images.size();
		final int classes = manifest.classes().size();
		final long start = System.nanoTime();

		final List<List<String>> warnings = new ArrayList<>();
		final NDArray x = preprocessBatch(manager, manifest, images, warnings);
		final long preprocessed = System.nanoTime();

		final boolean[] needsGradient = new boolean[manifest.layers().size()];
		for (final int i : fused) needsGradient[i] = true;
		needsGradient[gradcamIndex] = true;
		final NDArray[] deltas = new NDArray[needsGradient.length];
		final NDList inputs = new NDList(x);
		for (int i = 0; i < deltas.length; i++) {
			final LayerSpec l = manifest.layers().get(i);
			deltas[i] = needsGradient[i] ? manager.zeros(new Shape(n, l.channels(), l.height(), l.width()))
				: manager.zeros(new Shape(1, 1, 1, 1));
			if (needsGradient[i]) deltas[i].setRequiresGradient(true);
			inputs.add(deltas[i]);
		}

		double forwardMs;
		double backwardMs = 0;
		double camMs = 0;
		final HostCopy host = new HostCopy();
		final int[][] targets = new int[n][];
		final float[][] logits = new float[n][];
		final float[][] probabilities = new float[n][];
		final List<PassEntries> passes = new ArrayList<>();
		final Map<String, List<Integer>> sizeGroups = groupBySize(images);

		try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
			final NDList outputs = runForward(bundle, inputs, true);
			final NDArray logitArray = outputs.get(0);
			final float[] allLogits = logitArray.toFloatArray();
			forwardMs = ms(preprocessed, System.nanoTime());
			int passCount = 0;
			for (int i = 0; i < n; i++) {
				logits[i] = Arrays.copyOfRange(allLogits, i * classes, (i + 1) * classes);
				checkFinite(logits[i], images.get(i).name());
				probabilities[i] = manifest.output().probabilities(logits[i]);
				targets[i] = options.targets().resolve(manifest, probabilities[i]);
				passCount = Math.max(passCount, targets[i].length);
			}
			final NDArray[] activations = new NDArray[deltas.length];
			for (int i = 0; i < deltas.length; i++) {
				if (needsGradient[i]) activations[i] = outputs.get(i + 1).stopGradient();
			}
			for (int pass = 0; pass < passCount; pass++) {
				final long t0 = System.nanoTime();
				final float[] oneHot = new float[n * classes];
				for (int i = 0; i < n; i++) {
					if (pass < targets[i].length) oneHot[i * classes + targets[i][pass]] = 1f;
				}
				// Images are independent in eval mode, so one backward of the summed scores gives each
				// image's own gradients.
				final NDArray score = logitArray.mul(manager.create(oneHot, logitArray.getShape())).sum();
				JniUtils.backward((PtNDArray) score, (PtNDArray) score.onesLike(), pass < passCount - 1, false);
				final NDArray[] gradients = new NDArray[deltas.length];
				for (int i = 0; i < deltas.length; i++) {
					if (needsGradient[i]) gradients[i] = deltas[i].getGradient();
				}
				final long t1 = System.nanoTime();
				backwardMs += ms(t0, t1);
				if (computeMaps) passes.add(computeMaps(manifest, images, options, fused, gradcamIndex, activations, gradients,
					sizeGroups, host));
				if (pass < passCount - 1) {
					// Gradients accumulate across backward passes: clear them for the next class.
					for (int i = 0; i < deltas.length; i++) {
						if (needsGradient[i]) JniUtils.zeroGrad((PtNDArray) deltas[i]);
					}
				}
				camMs += ms(t1, System.nanoTime());
			}
		}
		catch (final ZoomCamException e) {
			throw e;
		}
		catch (final RuntimeException e) {
			throw new ZoomCamException("the network failed on this batch (" + ModelBundle.firstLine(e) +
				"); check the bundle with 'zoomcam info' or try a smaller --batch");
		}
		final long beforeCopy = System.nanoTime();
		final HostData data = host.fetch();
		final long end = System.nanoTime();

		final List<ImageExplanation> results = new ArrayList<>();
		for (int i = 0; i < n && computeMaps; i++) {
			final List<TargetExplanation> explanations = new ArrayList<>();
			for (int k = 0; k < targets[i].length; k++) {
				explanations.add(passes.get(k).build(i, data, targets[i][k], manifest, logits[i], probabilities[i],
					layerNames, gradcamLayer));
			}
			results.add(new ImageExplanation(images.get(i).name(), images.get(i).width(), images.get(i).height(),
				logits[i], probabilities[i], explanations, warnings.get(i)));
		}
		final Timings timings = new Timings(ms(start, preprocessed), forwardMs, backwardMs, camMs,
			ms(beforeCopy, end), ms(start, end));
		return new ExplainResult(results, bundle.runtime(), timings);
	}

	/** Per-pass indices of the host-copied arrays, and how to cut one image's maps out of them. */
	private record PassEntries(int[] raw, int layersAtInput, int fusedAtInput, int gradcamRaw,
		int gradcamAtInput, int[] groupOf, int[] positionInGroup, int[] layersAtOriginal, int[] fusedAtOriginal,
		int[] gradcamAtOriginal, int[][] sizes, int layerCount, int inputHeight, int inputWidth)
	{

		TargetExplanation build(final int image, final HostData data, final int classIndex,
			final BundleManifest manifest, final float[] logits, final float[] probabilities,
			final List<String> layerNames, final String gradcamLayer)
		{
			final List<FloatMap> rawMaps = new ArrayList<>();
			final List<FloatMap> inputMaps = new ArrayList<>();
			final List<FloatMap> originalMaps = new ArrayList<>();
			final int hw = inputHeight * inputWidth;
			for (int l = 0; l < layerCount; l++) {
				final LayerSpec spec = manifest.layers().get(manifest.layerIndex(layerNames.get(l)));
				rawMaps.add(data.map(raw[l], spec.width(), spec.height(), image * spec.height() * spec
					.width()));
				inputMaps.add(data.map(layersAtInput, inputWidth, inputHeight, (image * layerCount + l) *
					hw));
			}
			final FloatMap fusedInput = data.map(fusedAtInput, inputWidth, inputHeight, image * hw);
			final LayerSpec gSpec = manifest.layers().get(manifest.layerIndex(gradcamLayer));
			final FloatMap gradRaw = data.map(gradcamRaw, gSpec.width(), gSpec.height(), image * gSpec
				.height() * gSpec.width());
			final FloatMap gradInput = data.map(gradcamAtInput, inputWidth, inputHeight, image * hw);
			FloatMap fusedOriginal = null;
			FloatMap gradOriginal = null;
			if (groupOf != null) {
				final int group = groupOf[image];
				final int p = positionInGroup[image];
				final int[] size = sizes[group];
				final int ohw = size[0] * size[1];
				for (int l = 0; l < layerCount; l++) {
					originalMaps.add(data.map(layersAtOriginal[group], size[1], size[0], (p * layerCount +
						l) * ohw));
				}
				fusedOriginal = data.map(fusedAtOriginal[group], size[1], size[0], p * ohw);
				gradOriginal = data.map(gradcamAtOriginal[group], size[1], size[0], p * ohw);
			}
			return new TargetExplanation(classIndex, manifest.classes().get(classIndex), logits[classIndex],
				probabilities[classIndex], layerNames, rawMaps, inputMaps, originalMaps, fusedInput, fusedOriginal,
				gradcamLayer, gradRaw, gradInput, gradOriginal);
		}
	}

	private static PassEntries computeMaps(final BundleManifest manifest, final List<ImageInput> images,
		final ExplainOptions options, final int[] fused, final int gradcamIndex, final NDArray[] activations,
		final NDArray[] gradients, final Map<String, List<Integer>> sizeGroups, final HostCopy host)
	{
		final int height = manifest.height();
		final int width = manifest.width();
		// Grad-CAM first: the Zoom-CAM products below overwrite the gradients they consume.
		final NDArray gradRaw = CamMath.gradCam(activations[gradcamIndex], gradients[gradcamIndex]);
		final NDArray gradNorm = CamMath.normalise(gradRaw);
		final int[] rawIds = new int[fused.length];
		final NDList normalised = new NDList();
		final NDList atInput = new NDList();
		for (int l = 0; l < fused.length; l++) {
			final NDArray raw = CamMath.zoomCamConsumingGradient(activations[fused[l]], gradients[fused[l]]);
			rawIds[l] = host.add(raw);
			final NDArray norm = CamMath.normalise(raw);
			normalised.add(norm);
			atInput.add(CamMath.resize(norm, height, width));
		}
		final int layersAtInput = host.add(NDArrays.stack(atInput, 1));
		final int fusedAtInput = host.add(CamMath.fuse(atInput, options.aggregation()));
		final int gradRawId = host.add(gradRaw);
		final int gradInput = host.add(CamMath.resize(gradNorm, height, width));

		if (!options.mapsAtOriginalSize()) {
			return new PassEntries(rawIds, layersAtInput, fusedAtInput, gradRawId, gradInput, null, null, null, null,
				null, null, fused.length, height, width);
		}
		final int groups = sizeGroups.size();
		final int[] groupOf = new int[images.size()];
		final int[] position = new int[images.size()];
		final int[] layersAtOriginal = new int[groups];
		final int[] fusedAtOriginal = new int[groups];
		final int[] gradAtOriginal = new int[groups];
		final int[][] sizes = new int[groups][];
		int g = 0;
		for (final List<Integer> members : sizeGroups.values()) {
			final ImageInput first = images.get(members.get(0));
			sizes[g] = new int[] {first.height(), first.width()};
			final NDList layerMaps = new NDList();
			for (final NDArray norm : normalised) {
				layerMaps.add(CamMath.resize(select(norm, members, images.size()), first.height(), first.width()));
			}
			layersAtOriginal[g] = host.add(NDArrays.stack(layerMaps, 1));
			fusedAtOriginal[g] = host.add(CamMath.fuse(layerMaps, options.aggregation()));
			gradAtOriginal[g] = host.add(CamMath.resize(select(gradNorm, members, images.size()), first.height(),
				first.width()));
			for (int p = 0; p < members.size(); p++) {
				groupOf[members.get(p)] = g;
				position[members.get(p)] = p;
			}
			g++;
		}
		return new PassEntries(rawIds, layersAtInput, fusedAtInput, gradRawId, gradInput, groupOf, position,
			layersAtOriginal, fusedAtOriginal, gradAtOriginal, sizes, fused.length, height, width);
	}

	private static NDArray select(final NDArray batch, final List<Integer> members, final int batchSize) {
		if (members.size() == batchSize) return batch;
		final NDList parts = new NDList();
		for (final int m : members) parts.add(batch.get(m).expandDims(0));
		return NDArrays.concat(parts, 0);
	}

	private static Map<String, List<Integer>> groupBySize(final List<ImageInput> images) {
		final Map<String, List<Integer>> groups = new LinkedHashMap<>();
		for (int i = 0; i < images.size(); i++) {
			groups.computeIfAbsent(images.get(i).height() + "x" + images.get(i).width(), k -> new ArrayList<>()).add(i);
		}
		return groups;
	}

	private static NDList runForward(final ModelBundle bundle, final NDList inputs, final boolean withGradients) {
		// The low-level IValue forward keeps the scripted module in eval mode; Block.forward(training=true)
		// would switch it to train(), changing BatchNorm outputs and running statistics.
		return IValueUtils.forward(bundle.block(), inputs, withGradients);
	}

	/** Scales, normalises, orders channels and resizes each image on the device; returns (N, C, H, W). */
	static NDArray preprocessBatch(final NDManager manager, final BundleManifest manifest,
		final List<ImageInput> images, final List<List<String>> warnings)
	{
		final NDList batch = new NDList();
		final Preprocessing pre = manifest.preprocessing();
		final NDArray mean = manager.create(pre.mean(), new Shape(1, manifest.channels(), 1, 1));
		final NDArray std = manager.create(pre.std(), new Shape(1, manifest.channels(), 1, 1));
		for (final ImageInput image : images) {
			final List<String> imageWarnings = new ArrayList<>();
			warnings.add(imageWarnings);
			float[][] planes = image.planes();
			if (planes.length != manifest.channels()) {
				if (planes.length == 1 && manifest.channels() == 3) {
					imageWarnings.add(image.name() + ": grey image given to an RGB model; the channel is replicated " +
						"three times");
					planes = new float[][] {planes[0], planes[0], planes[0]};
				}
				else {
					throw new ZoomCamException(image.name() + " has " + planes.length + " channel(s) but model '" +
						manifest.name() + "' expects " + manifest.channels() + "; convert the image (" + (manifest
							.channels() == 1 ? "Image > Type > 8-bit" : "Image > Type > RGB Color") + ") first");
				}
			}
			if (pre.bgr() && planes.length == 3) planes = new float[][] {planes[2], planes[1], planes[0]};
			final int plane = image.width() * image.height();
			final float[] flat = new float[planes.length * plane];
			for (int c = 0; c < planes.length; c++) System.arraycopy(planes[c], 0, flat, c * plane, plane);
			NDArray x = manager.create(flat, new Shape(1, planes.length, image.height(), image.width()));
			if (x.isNaN().logicalOr(x.isInfinite()).any().getBoolean()) {
				throw new ZoomCamException(image.name() + " contains NaN or infinite pixels; replace them (e.g. " +
					"Process > Math > NaN Background, or Process > Math > Set) before explaining");
			}
			final Preprocessing.ValueRange range = pre.rangeFor(image.bitDepth());
			final float low;
			final float high;
			if (range.perImageMinMax()) {
				low = x.min().getFloat();
				high = x.max().getFloat();
			}
			else {
				low = (float) range.low();
				high = (float) range.high();
			}
			x = x.sub(low).div(high > low ? high - low : 1f);
			x = x.sub(mean).div(std);
			batch.add(CamMath.resizeImages(x, manifest.height(), manifest.width()));
		}
		return batch.size() == 1 ? batch.get(0) : NDArrays.concat(batch, 0);
	}

	private static int layerIndexOrFail(final BundleManifest manifest, final String name) {
		final int i = manifest.layerIndex(name);
		if (i < 0) {
			throw new ZoomCamException("unknown layer '" + name + "'; this model's layers are: " + String.join(", ",
				manifest.layerNames()) + " (or use 'all')");
		}
		return i;
	}

	private static void checkFinite(final float[] logits, final String image) {
		for (final float v : logits) {
			if (!Float.isFinite(v)) {
				throw new ZoomCamException("the model gives non-finite class scores for " + image +
					"; check the bundle's preprocessing ranges and the image values");
			}
		}
	}

	private static double ms(final long from, final long to) {
		return (to - from) / 1e6;
	}

	/** Collects device arrays and brings them to the host in one transfer at the end. */
	private static final class HostCopy {

		private final List<NDArray> arrays = new ArrayList<>();

		int add(final NDArray array) {
			arrays.add(array);
			return arrays.size() - 1;
		}

		/** One device-to-host transfer; entries are views (offsets) into the single host array. */
		HostData fetch() {
			if (arrays.isEmpty()) return new HostData(new float[0], new int[0]);
			final NDList flat = new NDList();
			for (final NDArray a : arrays) flat.add(a.flatten());
			final float[] all = (flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat, 0)).toFloatArray();
			final int[] offsets = new int[arrays.size()];
			int offset = 0;
			for (int i = 0; i < arrays.size(); i++) {
				offsets[i] = offset;
				offset += (int) arrays.get(i).size();
			}
			return new HostData(all, offsets);
		}
	}

	/** The host copy of all maps of a batch and where each device array starts in it. */
	private record HostData(float[] values, int[] offsets) {

		FloatMap map(final int entry, final int width, final int height, final int offsetInEntry) {
			return FloatMap.wrap(width, height, values, offsets[entry] + offsetInEntry);
		}
	}
}
