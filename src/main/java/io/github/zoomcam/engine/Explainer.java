package io.github.zoomcam.engine;

import io.github.zoomcam.core.CancelledException;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.core.ZoomCamException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Computes the CAM maps of {@link CamMethod} (Zoom-CAM, Grad-CAM, Grad-CAM++, HiResCAM, XGrad-CAM,
 * Layer-CAM, Score-CAM) for batches of images with one loaded bundle. All gradient methods share one forward
 * pass and one backward pass per target rank, for all layers at once: asking for several costs no further
 * network passes.
 *
 * <p>The bundle's network takes one zero "delta" tensor per layer and adds it to that layer's output, so
 * after a backward pass the delta's gradient is dS/dA for the layer. Several targets per image reuse the
 * forward graph (retained between backward passes). Score-CAM needs no backward pass; its masked images
 * run through the network in batches on the model's device after the gradient methods, once for all
 * targets. All map arithmetic runs as batched NDArray operations on the model's device, and the finished
 * maps come to the host in one copy per kind of map.</p>
 *
 * <p>One explainer per bundle ({@link ModelBundle#explainer()}); calls on it are serialised because they
 * share the network and its device memory. Explainers of different bundles run concurrently: gradient
 * recording is switched on per thread (libtorch's grad mode is thread-local), not through DJL's JVM-wide
 * gradient collector.</p>
 */
public final class Explainer {

	/** One device-to-host copy is at most this many floats (1 GiB); DJL cannot copy 2 GiB or more at once. */
	static final int MAX_COPY_FLOATS = 1 << 28;

	private final ModelBundle bundle;
	private final ReentrantLock lock = new ReentrantLock();

	Explainer(final ModelBundle bundle) {
		this.bundle = bundle;
	}

	public ModelBundle bundle() {
		return bundle;
	}

	/** Class scores only: one forward pass without gradients. */
	public List<Prediction> predict(final List<ImageInput> images) {
		if (images.isEmpty()) throw new ZoomCamException("no images to classify");
		return locked(() -> {
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
			catch (final ZoomCamException e) {
				throw e;
			}
			catch (final RuntimeException e) {
				throw new ZoomCamException("the network failed on this batch (" + ModelBundle.firstLine(e) +
					"); check the bundle with 'zoomcam info' or try a smaller batch");
			}
		});
	}

	/**
	 * The second half of {@link #explain} for raw maps whose normalisation spans several calls, such as the
	 * tiles of one large image (computed with {@link ExplainOptions#rawMapsOnly()}): each layer's raw maps
	 * are min-max normalised with the given bounds instead of each map's own minimum and maximum, upsampled
	 * (bilinear, half-pixel centres, as in explain) to width x height and fused by the aggregation (Eq. 10:
	 * pixel-wise max, or mean). One layer gives its normalised, upsampled map. Runs on the model's device.
	 *
	 * @param rawLayerMaps per map to fuse, its raw layer maps in layer order (the same layers and sizes for all)
	 * @param low per layer, the raw value that becomes 0
	 * @param high per layer, the raw value that becomes 1; a layer with high <= low becomes all zero, as a
	 *   constant map does in explain
	 * @param keepLayers also return the normalised, upsampled per-layer maps
	 */
	public List<FusedMaps> fuseRawMaps(final List<List<FloatMap>> rawLayerMaps, final float[] low,
		final float[] high, final Aggregation aggregation, final int width, final int height,
		final boolean keepLayers)
	{
		if (rawLayerMaps.isEmpty()) return List.of();
		final int layers = rawLayerMaps.get(0).size();
		if (layers == 0 || low.length != layers || high.length != layers) {
			throw new IllegalArgumentException(layers + " layers but " + low.length + " lower and " + high.length +
				" upper bounds");
		}
		final long outputFloats = (long) rawLayerMaps.size() * width * height * (keepLayers ? layers + 1 : 1);
		if (outputFloats > MAX_COPY_FLOATS) {
			throw new ZoomCamException("fusing " + rawLayerMaps.size() + " maps of " + width + "x" + height +
				" at once is too large for one device copy; fuse fewer at a time");
		}
		return locked(() -> {
			try (NDManager manager = bundle.newManager()) {
				final int n = rawLayerMaps.size();
				NDArray fused = null;
				final NDList upsampled = new NDList();
				for (int l = 0; l < layers; l++) {
					final FloatMap first = rawLayerMaps.get(0).get(l);
					final int plane = first.width() * first.height();
					final float[] values = new float[n * plane];
					for (int i = 0; i < n; i++) {
						final FloatMap m = rawLayerMaps.get(i).get(l);
						if (m.width() != first.width() || m.height() != first.height()) {
							throw new IllegalArgumentException("layer " + l + " maps differ in size: " + m + " and " + first);
						}
						System.arraycopy(m.sharedValues(), 0, values, i * plane, plane);
					}
					final NDArray raw = manager.create(values, new Shape(n, first.height(), first.width()));
					final NDArray up = CamMath.resize(CamMath.normaliseWith(raw, low[l], high[l]), height, width);
					if (keepLayers) upsampled.add(up);
					fused = fused == null ? up : CamMath.fuseInto(fused, up, aggregation);
				}
				if (aggregation == Aggregation.MEAN && layers > 1) fused = fused.div((float) layers);
				final float[] fusedValues = fused.toFloatArray();
				final float[] layerValues = keepLayers ? NDArrays.stack(upsampled, 1).toFloatArray() : null;
				final int hw = width * height;
				final List<FusedMaps> out = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					final List<FloatMap> perLayer = new ArrayList<>();
					for (int l = 0; keepLayers && l < layers; l++) {
						perLayer.add(FloatMap.copyOf(width, height, layerValues, (i * layers + l) * hw));
					}
					out.add(new FusedMaps(FloatMap.copyOf(width, height, fusedValues, i * hw), perLayer));
				}
				return out;
			}
			catch (final ZoomCamException | IllegalArgumentException e) {
				throw e;
			}
			catch (final RuntimeException e) {
				throw new ZoomCamException("fusing the layer maps failed on the model's device (" + ModelBundle.firstLine(
					e) + "); try a smaller tile batch");
			}
		});
	}

	/** Runs work on the bundle's network: one call at a time, never on a closed bundle. */
	private <T> T locked(final java.util.function.Supplier<T> work) {
		lock.lock();
		try {
			bundle.requireOpen();
			return work.get();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Explains a batch: every image gets the targets the options ask for, with raw, normalised and fused
	 * maps of every method the options ask for. Images may differ in size; they are resized to the model
	 * input.
	 */
	public ExplainResult explain(final List<ImageInput> images, final ExplainOptions options) {
		return explain(images, options, ExplainMonitor.NONE);
	}

	/**
	 * {@link #explain(List, ExplainOptions)} with progress reports and cancellation between network passes
	 * (Score-CAM's masked forward passes report progress batch by batch).
	 *
	 * @throws CancelledException when the monitor cancels; nothing is returned then
	 */
	public ExplainResult explain(final List<ImageInput> images, final ExplainOptions options,
		final ExplainMonitor monitor)
	{
		return run(images, options, true, monitor == null ? ExplainMonitor.NONE : monitor);
	}

	/**
	 * The same forward and backward passes as {@link #explain} without any map arithmetic (and without
	 * Score-CAM's masked passes, which need the masks): the baseline against which the benchmark measures
	 * the engine's own overhead. Returns only timings.
	 */
	public Timings networkPassesOnly(final List<ImageInput> images, final ExplainOptions options) {
		return run(images, options, false, ExplainMonitor.NONE).timings();
	}

	private ExplainResult run(final List<ImageInput> images, final ExplainOptions options, final boolean computeMaps,
		final ExplainMonitor monitor)
	{
		if (images.isEmpty()) throw new ZoomCamException("no images to explain");
		if (images.size() > 1 && !bundle.batchedGradients() && options.methods().stream().anyMatch(
			CamMethod::usesGradients))
		{
			return oneByOne(images, options, computeMaps, monitor);
		}
		final BundleManifest manifest = bundle.manifest();
		options.validate(manifest);
		final String gradcamLayer = options.gradcamLayerFor(manifest);
		final int gradcamIndex = manifest.requireLayer(gradcamLayer);
		final int[] fused = options.layersFor(manifest).stream().mapToInt(manifest::requireLayer).sorted().distinct()
			.toArray();
		final List<String> orderedLayers = Arrays.stream(fused).mapToObj(i -> manifest.layers().get(i).name()).toList();

		return locked(() -> {
			try (NDManager manager = bundle.newManager()) {
				return new Run(bundle, manager, images, options, orderedLayers, fused, gradcamLayer, gradcamIndex,
					computeMaps, monitor).explain();
			}
		});
	}

	/** Where batched gradients are unsound (see {@link ModelBundle#batchedGradients()}): one image per call. */
	private ExplainResult oneByOne(final List<ImageInput> images, final ExplainOptions options,
		final boolean computeMaps, final ExplainMonitor monitor)
	{
		final List<ImageExplanation> explained = new ArrayList<>();
		Timings timings = null;
		for (final ImageInput image : images) {
			final ExplainResult one = run(List.of(image), options, computeMaps, monitor);
			explained.addAll(one.images());
			timings = timings == null ? one.timings() : timings.plus(one.timings());
		}
		return new ExplainResult(explained, bundle.runtime(), timings);
	}

	/** Holds the bundle's lock while closing it, so a running call is never cut off. */
	void closeWhenIdle(final Runnable close) {
		lock.lock();
		try {
			close.run();
		}
		finally {
			lock.unlock();
		}
	}

	/** One explain call: its inputs, and the device arrays queued for the single host copy. */
	private static final class Run {

		private final ModelBundle bundle;
		private final BundleManifest manifest;
		private final NDManager manager;
		private final List<ImageInput> images;
		private final ExplainOptions options;
		private final List<String> layerNames;
		private final int[] fused;
		private final String gradcamLayer;
		private final int gradcamIndex;
		private final boolean computeMaps;
		private final ExplainMonitor monitor;
		private final Set<CamMethod> methods;
		private final HostCopy host = new HostCopy();
		/** Images of the same original size, resized together. */
		private final List<List<Integer>> sizeGroups;
		private final int[] groupOf;
		private final int[] positionInGroup;
		private final int height;
		private final int width;

		Run(final ModelBundle bundle, final NDManager manager, final List<ImageInput> images,
			final ExplainOptions options, final List<String> layerNames, final int[] fused, final String gradcamLayer,
			final int gradcamIndex, final boolean computeMaps, final ExplainMonitor monitor)
		{
			this.bundle = bundle;
			this.manifest = bundle.manifest();
			this.manager = manager;
			this.images = images;
			this.options = options;
			this.layerNames = layerNames;
			this.fused = fused;
			this.gradcamLayer = gradcamLayer;
			this.gradcamIndex = gradcamIndex;
			this.computeMaps = computeMaps;
			this.monitor = monitor;
			this.methods = options.methods();
			this.sizeGroups = new ArrayList<>(groupBySize(images).values());
			this.groupOf = new int[images.size()];
			this.positionInGroup = new int[images.size()];
			for (int g = 0; g < sizeGroups.size(); g++) {
				for (int p = 0; p < sizeGroups.get(g).size(); p++) {
					groupOf[sizeGroups.get(g).get(p)] = g;
					positionInGroup[sizeGroups.get(g).get(p)] = p;
				}
			}
			this.height = manifest.height();
			this.width = manifest.width();
		}

		private void checkCancelled(final String when) {
			if (monitor.cancelled()) throw new CancelledException("explain cancelled " + when);
		}

		/** Every failure of the network, the map arithmetic or the host copies becomes one line. */
		ExplainResult explain() {
			try {
				return compute();
			}
			catch (final ZoomCamException e) {
				throw e;
			}
			catch (final RuntimeException e) {
				final boolean scoreCam = methods.contains(CamMethod.SCORECAM) && computeMaps;
				throw new ZoomCamException("the network failed on this batch (" + ModelBundle.firstLine(e) +
					"); check the bundle with 'zoomcam info' or try a smaller --batch" + (scoreCam
						? " or --scorecam-batch" : ""));
			}
		}

		private ExplainResult compute() {
			final int n = images.size();
			final int classes = manifest.classes().size();
			final long start = System.nanoTime();
			checkCancelled("before the forward pass");

			final List<List<String>> warnings = new ArrayList<>();
			final NDArray x = preprocessBatch(manager, manifest, images, warnings);
			final long preprocessed = System.nanoTime();

			final boolean anyGradient = methods.stream().anyMatch(CamMethod::usesGradients);
			final boolean fusedGradient = methods.contains(CamMethod.ZOOMCAM) || methods.contains(CamMethod.LAYERCAM);
			final boolean singleGradient = methods.stream().anyMatch(m -> m.usesGradients() && !m.multiLayer());
			final boolean scoreCam = methods.contains(CamMethod.SCORECAM) && computeMaps;
			final boolean[] needsGradient = new boolean[manifest.layers().size()];
			if (fusedGradient) for (final int i : fused) needsGradient[i] = true;
			if (singleGradient) needsGradient[gradcamIndex] = true;
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
			int backwardPasses = 0;
			final int[] masked = new int[2];
			final int[][] targets = new int[n][];
			final float[][] logits = new float[n][];
			final float[][] probabilities = new float[n][];
			final List<Map<CamMethod, MethodEntries>> passes = new ArrayList<>();

			final HostData data;
			final long beforeCopy;
			{
				final NDArray scoreActivation;
				final int passCount;
				try (GradientRecording recording = anyGradient ? new GradientRecording() : null) {
					final NDList outputs = runForward(bundle, inputs, anyGradient);
					final NDArray logitArray = outputs.get(0);
					final float[] allLogits = logitArray.toFloatArray();
					forwardMs = ms(preprocessed, System.nanoTime());
					int count = 0;
					for (int i = 0; i < n; i++) {
						logits[i] = Arrays.copyOfRange(allLogits, i * classes, (i + 1) * classes);
						checkFinite(logits[i], images.get(i).name());
						probabilities[i] = manifest.output().probabilities(logits[i]);
						targets[i] = options.targets().resolve(manifest, probabilities[i]);
						count = Math.max(count, targets[i].length);
					}
					passCount = count;
					scoreActivation = scoreCam ? outputs.get(gradcamIndex + 1).stopGradient() : null;
					final NDArray[] activations = new NDArray[deltas.length];
					for (int i = 0; i < deltas.length; i++) {
						if (needsGradient[i]) activations[i] = outputs.get(i + 1).stopGradient();
					}
					for (int pass = 0; anyGradient && pass < passCount; pass++) {
						checkCancelled("before backward pass " + (pass + 1) + " of " + passCount);
						final long t0 = System.nanoTime();
						final float[] oneHot = new float[n * classes];
						for (int i = 0; i < n; i++) {
							if (pass < targets[i].length) oneHot[i * classes + targets[i][pass]] = 1f;
						}
						// Images are independent in eval mode, so one backward of the summed scores gives each
						// image's own gradients.
						final NDArray score = logitArray.mul(manager.create(oneHot, logitArray.getShape())).sum();
						JniUtils.backward((PtNDArray) score, (PtNDArray) score.onesLike(), pass < passCount - 1, false);
						backwardPasses++;
						final NDArray[] gradients = new NDArray[deltas.length];
						for (int i = 0; i < deltas.length; i++) {
							if (needsGradient[i]) gradients[i] = deltas[i].getGradient();
						}
						final long t1 = System.nanoTime();
						backwardMs += ms(t0, t1);
						if (computeMaps) passes.add(gradientMaps(activations, gradients));
						if (pass < passCount - 1) {
							// Gradients accumulate across backward passes: clear them for the next class.
							for (int i = 0; i < deltas.length; i++) {
								if (needsGradient[i]) JniUtils.zeroGrad((PtNDArray) deltas[i]);
							}
						}
						monitor.progress(pass + 1, passCount, "backward passes");
						camMs += ms(t1, System.nanoTime());
					}
				}
				if (scoreCam && passCount > 0) {
					final long t0 = System.nanoTime();
					scoreCamMaps(x, scoreActivation, targets, passCount, passes, masked);
					camMs += ms(t0, System.nanoTime());
				}
				beforeCopy = System.nanoTime();
				data = host.fetch();
			}
			final long end = System.nanoTime();

			final List<ImageExplanation> results = new ArrayList<>();
			for (int i = 0; i < n && computeMaps; i++) {
				final List<TargetExplanation> explanations = new ArrayList<>();
				for (int k = 0; k < targets[i].length; k++) {
					explanations.add(build(i, passes.get(k), data, targets[i][k], logits[i], probabilities[i]));
				}
				results.add(new ImageExplanation(images.get(i).name(), images.get(i).width(), images.get(i).height(),
					logits[i], probabilities[i], explanations, warnings.get(i)));
			}
			final Timings timings = new Timings(ms(start, preprocessed), forwardMs, backwardMs, camMs,
				ms(beforeCopy, end), ms(start, end), 1, backwardPasses, masked[0], masked[1]);
			return new ExplainResult(results, bundle.runtime(), timings);
		}

		/**
		 * Every requested gradient method from one pass's activations and gradients. The single-layer
		 * methods and Layer-CAM read the gradients first; Zoom-CAM then overwrites each layer's gradient with
		 * its product (nothing reads it afterwards in this pass).
		 */
		private Map<CamMethod, MethodEntries> gradientMaps(final NDArray[] activations, final NDArray[] gradients) {
			final Map<CamMethod, MethodEntries> out = new EnumMap<>(CamMethod.class);
			final NDArray ag = activations[gradcamIndex];
			final NDArray gg = gradients[gradcamIndex];
			for (final CamMethod m : methods) {
				if (!m.usesGradients() || m.multiLayer()) continue;
				final NDArray raw = switch (m) {
					case GRADCAM -> CamMath.gradCam(ag, gg);
					case GRADCAM_PLUS_PLUS -> CamMath.gradCamPlusPlus(ag, gg);
					case HIRESCAM -> CamMath.elementwiseCam(ag, gg, false);
					case XGRADCAM -> CamMath.xGradCam(ag, gg);
					default -> throw new IllegalStateException(m.id());
				};
				out.put(m, addMaps(List.of(raw), false));
			}
			final boolean zoom = methods.contains(CamMethod.ZOOMCAM);
			final boolean layer = methods.contains(CamMethod.LAYERCAM);
			if (zoom || layer) {
				final List<NDArray> zoomRaw = new ArrayList<>();
				final List<NDArray> layerRaw = new ArrayList<>();
				for (final int l : fused) {
					if (layer) layerRaw.add(CamMath.layerCam(activations[l], gradients[l]));
					if (zoom) zoomRaw.add(CamMath.elementwiseCam(activations[l], gradients[l], true));
				}
				if (zoom) out.put(CamMethod.ZOOMCAM, addMaps(zoomRaw, true));
				if (layer) out.put(CamMethod.LAYERCAM, addMaps(layerRaw, true));
			}
			return out;
		}

		/**
		 * Score-CAM for every target rank: one batch of masked forward passes (all images, all chosen
		 * channels, the all-zero baseline first) gives the probability of every class, so further targets
		 * cost no further passes.
		 */
		private void scoreCamMaps(final NDArray x, final NDArray activation, final int[][] targets,
			final int passCount, final List<Map<CamMethod, MethodEntries>> passes, final int[] masked)
		{
			final int n = images.size();
			final NDArray chosen = CamMath.topVarianceChannels(activation, options.scoreCam().channels());
			final Shape s = chosen.getShape();
			final int k = (int) s.get(1);
			final NDArray increase = probabilityIncrease(x, chosen.reshape(n * (long) k, s.get(2), s.get(3)), k,
				masked).reshape(n, k, manifest.classes().size());
			for (int pass = 0; pass < passCount; pass++) {
				final long[] classIndex = new long[n];
				for (int i = 0; i < n; i++) classIndex[i] = pass < targets[i].length ? targets[i][pass] : 0;
				final NDArray index = manager.create(classIndex, new Shape(n, 1, 1)).broadcast(n, k, 1);
				final NDArray weights = increase.gather(index, 2).reshape(n, k);
				if (passes.size() <= pass) passes.add(new EnumMap<>(CamMethod.class));
				final NDArray raw = CamMath.weightedSum(chosen, weights);
				passes.get(pass).put(CamMethod.SCORECAM, addMaps(List.of(raw), false));
			}
		}

		/**
		 * p(X ⊙ H) - p(0) for every mask H made from the (M, h, w) maps (image i owns rows i*k .. i*k+k-1),
		 * run scorecamBatch masked images at a time; 0 where the mask is constant. Returns (M, classes).
		 */
		private NDArray probabilityIncrease(final NDArray x, final NDArray maps, final int k, final int[] masked) {
			final int rows = (int) maps.getShape().get(0);
			final int total = rows + 1;
			final int batch = options.scoreCam().batch();
			final long channels = x.getShape().get(1);
			final NDList probabilities = new NDList();
			final NDList varying = new NDList();
			for (int from = 0; from < total; from += batch) {
				checkCancelled("during Score-CAM (" + from + " of " + total + " masked images done)");
				final int to = Math.min(total, from + batch);
				// Row 0 is the all-zero baseline; row r > 0 is mask r - 1.
				final int m0 = Math.max(0, from - 1);
				final int m1 = to - 1;
				try (NDManager scope = manager.newSubManager()) {
					final NDList parts = new NDList();
					if (from == 0) parts.add(scope.zeros(new Shape(1, channels, height, width)));
					if (m1 > m0) {
						final NDArray rowsOfMaps = maps.get(scope, new NDIndex(m0 + ":" + m1));
						final NDList masks = CamMath.scoreCamMasks(rowsOfMaps, height, width);
						for (int image = m0 / k; image <= (m1 - 1) / k; image++) {
							// this image's masks in the batch, each times the image: (rows, C, H, W)
							final int a = Math.max(m0, image * k) - m0;
							final int b = Math.min(m1, (image + 1) * k) - m0;
							final NDArray own = masks.get(0).get(new NDIndex(a + ":" + b)).expandDims(1);
							parts.add(own.mul(x.get(scope, image)));
						}
						final NDArray flags = masks.get(1);
						flags.attach(manager);
						varying.add(flags);
					}
					final NDList in = new NDList(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0));
					for (int l = 0; l < manifest.layers().size(); l++) in.add(scope.zeros(new Shape(1, 1, 1, 1)));
					// Probabilities in double precision: the weights are differences of nearly equal
					// probabilities (1e-4 apart on a weakly trained model), where float32 rounding of each
					// probability (1e-8) would already cost 1e-4 relative.
					final NDArray logits = runForward(bundle, in, false).get(0).toType(DataType.FLOAT64, false);
					final NDArray p = manifest.output() == OutputKind.SIGMOID ? JniUtils.sigmoid((PtNDArray) logits)
						: logits.softmax(1);
					p.attach(manager);
					probabilities.add(p);
				}
				masked[0]++;
				masked[1] += to - from;
				monitor.progress(to, total, "score-cam masked forwards");
			}
			final NDArray all = probabilities.size() == 1 ? probabilities.get(0) : NDArrays.concat(probabilities, 0);
			final NDArray flags = varying.size() == 1 ? varying.get(0) : NDArrays.concat(varying, 0);
			return all.get("1:").sub(all.get("0:1")).toType(DataType.FLOAT32, false).mul(flags.expandDims(1));
		}

		/**
		 * Normalises, upsamples and (for multi-layer methods) fuses raw maps (N, h_l, w_l), queueing raw and
		 * finished maps for the host copies. The fused map is always made at each image's original size; the
		 * per-layer maps at the original size only when the options ask, since for a large image they are
		 * the largest arrays of the call.
		 */
		private MethodEntries addMaps(final List<NDArray> raws, final boolean multi) {
			final int[] rawIds = new int[raws.size()];
			if (options.rawMapsOnly()) {
				for (int l = 0; l < raws.size(); l++) rawIds[l] = host.add(MapKind.RAW, raws.get(l));
				final int[] none = new int[sizeGroups.size()];
				Arrays.fill(none, -1);
				return new MethodEntries(rawIds, -1, -1, none, none.clone());
			}
			final NDList normalised = new NDList();
			final NDList atInput = new NDList();
			for (int l = 0; l < raws.size(); l++) {
				rawIds[l] = host.add(MapKind.RAW, raws.get(l));
				final NDArray norm = CamMath.normalise(raws.get(l));
				normalised.add(norm);
				atInput.add(CamMath.resize(norm, height, width));
			}
			final int layersAtInput = multi ? host.add(MapKind.LAYERS_AT_INPUT, NDArrays.stack(atInput, 1)) : -1;
			final int fusedAtInput = host.add(MapKind.AT_INPUT, multi ? CamMath.fuse(atInput, options.aggregation())
				: atInput.get(0));
			final int[] layersAtOriginal = new int[sizeGroups.size()];
			final int[] fusedAtOriginal = new int[sizeGroups.size()];
			for (int g = 0; g < sizeGroups.size(); g++) {
				final List<Integer> members = sizeGroups.get(g);
				final ImageInput first = images.get(members.get(0));
				final boolean keepLayers = multi && options.layerMapsAtOriginalSize();
				final NDList layers = new NDList();
				NDArray fusedMap = null;
				for (final NDArray norm : normalised) {
					final NDArray up = CamMath.resize(select(norm, members, images.size()), first.height(), first.width());
					if (keepLayers) layers.add(up);
					// A running fusion keeps one original-size layer map alive at a time, not all of them.
					fusedMap = fusedMap == null ? up : CamMath.fuseInto(fusedMap, up, options.aggregation());
				}
				if (multi && options.aggregation() == Aggregation.MEAN) fusedMap = fusedMap.div((float) normalised.size());
				layersAtOriginal[g] = keepLayers ? host.add(MapKind.LAYERS_AT_ORIGINAL, NDArrays.stack(layers, 1)) : -1;
				fusedAtOriginal[g] = host.add(MapKind.AT_ORIGINAL, fusedMap);
			}
			return new MethodEntries(rawIds, layersAtInput, fusedAtInput, layersAtOriginal, fusedAtOriginal);
		}

		private TargetExplanation build(final int image, final Map<CamMethod, MethodEntries> pass,
			final HostData data, final int classIndex, final float[] logits, final float[] probabilities)
		{
			final Map<CamMethod, MethodMaps> maps = new EnumMap<>(CamMethod.class);
			for (final Map.Entry<CamMethod, MethodEntries> e : pass.entrySet()) {
				final List<String> names = e.getKey().multiLayer() ? layerNames : List.of(gradcamLayer);
				maps.put(e.getKey(), buildMaps(e.getKey(), e.getValue(), image, data, names));
			}
			return new TargetExplanation(classIndex, manifest.classes().get(classIndex), logits[classIndex],
				probabilities[classIndex], maps);
		}

		/** Where one method's maps of a pass lie in the host copies; -1 where there are none. */
		private record MethodEntries(int[] raw, int layersAtInput, int atInput, int[] layersAtOriginal,
			int[] atOriginal)
		{}

		private MethodMaps buildMaps(final CamMethod method, final MethodEntries e, final int image,
			final HostData data, final List<String> names)
		{
			final int layers = names.size();
			final int hw = height * width;
			final List<FloatMap> raw = new ArrayList<>();
			final List<FloatMap> layersIn = new ArrayList<>();
			final List<FloatMap> layersOrig = new ArrayList<>();
			for (int l = 0; l < layers; l++) {
				final LayerSpec spec = manifest.layers().get(manifest.layerIndex(names.get(l)));
				raw.add(data.map(e.raw()[l], spec.width(), spec.height(), image * spec.height() * spec.width()));
			}
			if (e.atInput() < 0) {
				// raw maps only (ExplainOptions.rawMapsOnly)
				return new MethodMaps(method, names, raw, List.of(), List.of(), null, null);
			}
			final FloatMap atInput = data.map(e.atInput(), width, height, image * hw);
			if (e.layersAtInput() >= 0) {
				for (int l = 0; l < layers; l++) {
					layersIn.add(data.map(e.layersAtInput(), width, height, (image * layers + l) * hw));
				}
			}
			else {
				layersIn.add(atInput);
			}
			final int g = groupOf[image];
			final int p = positionInGroup[image];
			final ImageInput first = images.get(sizeGroups.get(g).get(0));
			final long ohw = (long) first.height() * first.width();
			final FloatMap atOriginal = data.map(e.atOriginal()[g], first.width(), first.height(), p * ohw);
			if (e.layersAtOriginal()[g] >= 0) {
				for (int l = 0; l < layers; l++) {
					layersOrig.add(data.map(e.layersAtOriginal()[g], first.width(), first.height(), (p * layers + l) * ohw));
				}
			}
			else if (!method.multiLayer()) {
				layersOrig.add(atOriginal);
			}
			return new MethodMaps(method, names, raw, layersIn, layersOrig, atInput, atOriginal);
		}
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
			if (range.perImageMinMax() && image.valueRange() != null) {
				low = image.valueRange().min();
				high = image.valueRange().max();
			}
			else if (range.perImageMinMax()) {
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

	/** The kinds of map an explain call brings to the host; each kind is copied separately. */
	private enum MapKind { RAW, LAYERS_AT_INPUT, AT_INPUT, LAYERS_AT_ORIGINAL, AT_ORIGINAL }

	/**
	 * Collects device arrays and brings them to the host at the end: one transfer per kind of map, split
	 * further only where a kind exceeds {@link #MAX_COPY_FLOATS}.
	 */
	private static final class HostCopy {

		private final List<NDArray> arrays = new ArrayList<>();
		private final List<MapKind> kinds = new ArrayList<>();

		int add(final MapKind kind, final NDArray array) {
			arrays.add(array);
			kinds.add(kind);
			return arrays.size() - 1;
		}

		HostData fetch() {
			final float[][] chunkOf = new float[arrays.size()][];
			final int[] offsetOf = new int[arrays.size()];
			for (final MapKind kind : MapKind.values()) {
				final List<Integer> chunk = new ArrayList<>();
				long floats = 0;
				for (int i = 0; i < arrays.size(); i++) {
					if (kinds.get(i) != kind) continue;
					final long size = arrays.get(i).size();
					if (size > MAX_COPY_FLOATS) {
						throw new ZoomCamException("one map of " + size + " values is too large to copy from the " +
							"device at once; explain the image in tiles or at a smaller size");
					}
					if (floats + size > MAX_COPY_FLOATS) {
						copy(chunk, chunkOf, offsetOf);
						chunk.clear();
						floats = 0;
					}
					chunk.add(i);
					floats += size;
				}
				copy(chunk, chunkOf, offsetOf);
			}
			return new HostData(chunkOf, offsetOf);
		}

		private void copy(final List<Integer> entries, final float[][] chunkOf, final int[] offsetOf) {
			if (entries.isEmpty()) return;
			final NDList flat = new NDList();
			for (final int i : entries) flat.add(arrays.get(i).flatten());
			final float[] values = (flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat, 0)).toFloatArray();
			int offset = 0;
			for (final int i : entries) {
				chunkOf[i] = values;
				offsetOf[i] = offset;
				offset += (int) arrays.get(i).size();
			}
		}
	}

	/** The host copies of all maps of a batch: per device array, its host buffer and offset in it. */
	private record HostData(float[][] chunkOf, int[] offsetOf) {

		FloatMap map(final int entry, final int width, final int height, final long offsetInEntry) {
			return FloatMap.copyOf(width, height, chunkOf[entry], Math.toIntExact(offsetOf[entry] + offsetInEntry));
		}
	}

	/**
	 * Records the autograd graph on this thread only (libtorch's grad mode is thread-local), restoring the
	 * previous mode on close.
	 */
	private static final class GradientRecording implements AutoCloseable {

		private final boolean previous = JniUtils.isGradMode();

		GradientRecording() {
			JniUtils.setGradMode(true);
		}

		@Override
		public void close() {
			JniUtils.setGradMode(previous);
		}
	}
}
