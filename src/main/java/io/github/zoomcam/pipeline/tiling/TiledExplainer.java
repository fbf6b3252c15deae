package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.CancelledException;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.Aggregation;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.Explainer;
import io.github.zoomcam.engine.FusedMaps;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.Prediction;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.engine.Timings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Explains one image tile by tile at native resolution and stitches the maps back at the image's full
 * size. The result is an ordinary {@link ImageExplanation}, so result folders, pseudo-labels and the Fiji
 * outputs take it as they take a whole-image explanation.
 *
 * <p>Three passes over the tiles, each in batches of {@code tileBatch} through the bundle's
 * {@link Explainer}:</p>
 * <ol>
 * <li><b>Class presence</b> (only for top-k and probability targets): a forward pass per tile. A class's
 * probability for the image is its highest probability over the tiles (likewise its score): a class is
 * present in the image when it is present anywhere in it, however small the part of the image it covers.
 * The targets are resolved on these probabilities, so every tile explains the same classes.</li>
 * <li><b>Raw maps</b>: each tile's forward and backward passes for those classes, keeping only the raw layer
 * maps (at each layer's own resolution) and, per method, class and layer, their minimum and maximum over
 * all tiles. The raw maps wait in a {@link RawMapStore}.</li>
 * <li><b>Normalise, fuse, stitch</b>: each layer's raw maps are min-max normalised with those bounds over the
 * whole image (not per tile), upsampled to the tile and fused (Eq. 10), and the fused tile maps are blended
 * into the full-size map by the {@link TileGrid}'s weights.</li>
 * </ol>
 *
 * <p>Why the bounds span the whole image: the raw maps of different tiles come from different passes but
 * share their units (activation times gradient of the same class score, through the same layers), so one
 * scale per layer keeps them comparable, as the layer's map of one large pass would be. Per-tile min-max
 * would stretch every tile to [0, 1]: a tile with nothing in it would show its noise as strongly as a tile
 * full of objects, and each tile border would become a step.</p>
 */
public final class TiledExplainer {

	/** Tiles per engine call. */
	public static final int DEFAULT_TILE_BATCH = 8;
	/**
	 * The class-presence pass takes this many tile batches per call. One: a forward pass of 32 tiles took 11 to
	 * 18 ms per tile here against 3.6 ms in batches of 8 (libtorch 2.7.1 on the CPU, bundled model), and the
	 * presence pass was half of a tile's time.
	 */
	static final int PREDICT_BATCHES = 1;

	private final Explainer explainer;
	private final int tileBatch;
	private final Path scratch;
	private final long inMemoryLimit;

	/**
	 * @param tileBatch tiles per engine call (the Java and device memory of a call grow with it)
	 * @param scratch folder for the raw maps of images whose tiles do not fit {@code inMemoryLimit} bytes
	 */
	public TiledExplainer(final Explainer explainer, final int tileBatch, final Path scratch,
		final long inMemoryLimit)
	{
		if (tileBatch < 1) throw new IllegalArgumentException("tile batch " + tileBatch);
		this.explainer = explainer;
		this.tileBatch = tileBatch;
		this.scratch = scratch;
		this.inMemoryLimit = inMemoryLimit;
	}

	/** With the default in-memory limit and the system's temporary folder. */
	public TiledExplainer(final Explainer explainer, final int tileBatch) {
		this(explainer, tileBatch, Path.of(System.getProperty("java.io.tmpdir")), RawMapStore.DEFAULT_MEMORY_LIMIT);
	}

	/**
	 * @param options what to compute; per-layer maps at full size only with {@code layerMapsAtFullSize}
	 * @param layerMapsAtFullSize stitch every layer's map of the multi-layer methods too (memory: one map
	 *   of the image's size per layer)
	 * @param evidenceMethod stitch, for this method (when multi-layer; null: none) and per class, the mean of its normalised layer maps
	 *   (the class evidence of the image-guided refinement, {@link MethodMaps#evidenceAtOriginal}; memory: one
	 *   map of the image's size per class); not needed, and not made, where the layer maps are kept
	 * @param targetsKnown told the number of targets as soon as it is known, before the tiles are explained:
	 *   the caller's memory check may refuse there
	 * @param monitor progress per batch of tiles ("classifying tiles", "explaining tiles", "stitching
	 *   tiles"); cancelling stops between batches
	 * @throws CancelledException when cancelled
	 */
	public ExplainResult explain(final TileSource source, final TileGrid grid, final ExplainOptions options,
		final boolean layerMapsAtFullSize, final IntConsumer targetsKnown, final ExplainMonitor monitor)
	{
		return explain(source, grid, options, layerMapsAtFullSize, null, targetsKnown, monitor);
	}

	/**
	 * As {@link #explain(TileSource, TileGrid, ExplainOptions, boolean, IntConsumer, ExplainMonitor)}, with
	 * the evidence maps of one method.
	 */
	public ExplainResult explain(final TileSource source, final TileGrid grid, final ExplainOptions options,
		final boolean layerMapsAtFullSize, final CamMethod evidenceMethod, final IntConsumer targetsKnown,
		final ExplainMonitor monitor)
	{
		try (RawTiles raw = explainRaw(source, grid, options, targetsKnown, monitor)) {
			return raw.stitchAll(layerMapsAtFullSize, evidenceMethod, monitor);
		}
	}

	/**
	 * The first two passes (class presence and raw maps) without the third: the caller stitches the full-size
	 * maps one method and class at a time ({@link RawTiles#stitch}), so that only one of them need be in memory
	 * at once, and closes the result to delete the raw maps.
	 *
	 * @throws CancelledException when cancelled
	 */
	public RawTiles explainRaw(final TileSource source, final TileGrid grid, final ExplainOptions options,
		final IntConsumer targetsKnown, final ExplainMonitor monitor)
	{
		final long start = System.nanoTime();
		final BundleManifest manifest = explainer.bundle().manifest();
		options.validate(manifest);
		final int classes = manifest.classes().size();
		final float[] logits = new float[classes];
		final float[] probabilities = new float[classes];
		Arrays.fill(logits, Float.NEGATIVE_INFINITY);
		Arrays.fill(probabilities, Float.NEGATIVE_INFINITY);
		final List<Tile> tiles = grid.tiles();
		final Set<String> warnings = new LinkedHashSet<>();

		final boolean named = options.targets() instanceof TargetSpec.Classes;
		if (!named) {
			final int predictBatch = PREDICT_BATCHES * tileBatch;
			for (int from = 0; from < tiles.size(); from += predictBatch) {
				checkCancelled(monitor, "while classifying tiles (" + from + " of " + tiles.size() + " done)");
				final List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + predictBatch));
				for (final Prediction p : explainer.predict(inputs(source, batch))) {
					combine(logits, p.logits());
					combine(probabilities, p.probabilities());
				}
				monitor.progress(from + batch.size(), tiles.size(), "classifying tiles");
			}
		}
		final int[] targets = options.targets().resolve(manifest, named ? new float[classes] : probabilities);
		targetsKnown.accept(targets.length);
		final List<CamMethod> methods = List.copyOf(options.methods());
		if (targets.length == 0) {
			return new RawTiles(this, source.name(), grid, options, methods, targets, logits, probabilities, warnings,
				null, null, start);
		}
		final List<String> targetNames = Arrays.stream(targets).mapToObj(manifest.classes()::get).toList();
		final ExplainOptions tileOptions = options.toBuilder().targets(new TargetSpec.Classes(targetNames))
			.rawMapsOnly(true).layerMapsAtOriginalSize(false).build();

		Slots slots = null;
		Timings engine = null;
		try {
			for (int from = 0; from < tiles.size(); from += tileBatch) {
				checkCancelled(monitor, "while explaining tiles (" + from + " of " + tiles.size() + " done)");
				final List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + tileBatch));
				final ExplainResult result = explainer.explain(inputs(source, batch), tileOptions, cancelOnly(monitor));
				engine = engine == null ? result.timings() : engine.plus(result.timings());
				for (int i = 0; i < batch.size(); i++) {
					final ImageExplanation e = result.images().get(i);
					warnings.addAll(e.warnings());
					if (named) {
						combine(logits, e.logits());
						combine(probabilities, e.probabilities());
					}
					if (slots == null) slots = new Slots(methods, e, tiles.size(), scratch, inMemoryLimit);
					slots.put(batch.get(i).index(), e);
				}
				monitor.progress(from + batch.size(), tiles.size(), "explaining tiles");
			}
		}
		catch (final RuntimeException | Error e) {
			if (slots != null) slots.store().close();
			throw e;
		}
		return new RawTiles(this, source.name(), grid, options, methods, targets, logits, probabilities, warnings,
			slots, engine, start);
	}

	/**
	 * The raw maps of every tile of one image, with the classes they explain: what the third pass stitches.
	 * Holds the raw-map store (a temporary file for large images) until closed.
	 */
	public static final class RawTiles implements AutoCloseable {

		private final TiledExplainer owner;
		private final String imageName;
		private final TileGrid grid;
		private final ExplainOptions options;
		private final List<CamMethod> methods;
		private final int[] targets;
		private final float[] logits;
		private final float[] probabilities;
		private final List<String> warnings;
		private final Slots slots;
		private final Timings engine;
		private final long start;
		private double stitchMs;

		private RawTiles(final TiledExplainer owner, final String imageName, final TileGrid grid,
			final ExplainOptions options, final List<CamMethod> methods, final int[] targets, final float[] logits,
			final float[] probabilities, final Set<String> warnings, final Slots slots, final Timings engine,
			final long start)
		{
			this.owner = owner;
			this.imageName = imageName;
			this.grid = grid;
			this.options = options;
			this.methods = methods;
			this.targets = targets;
			this.logits = logits;
			this.probabilities = probabilities;
			this.warnings = List.copyOf(warnings);
			this.slots = slots;
			this.engine = engine;
			this.start = start;
		}

		public TileGrid grid() {
			return grid;
		}

		/** The methods in the order of {@link #stitch}'s method index. */
		public List<CamMethod> methods() {
			return methods;
		}

		/** Number of explained classes (the target index of {@link #stitch} runs below it). */
		public int targets() {
			return targets.length;
		}

		/**
		 * The image's class scores and explained classes, without maps (each target's method maps are empty):
		 * what result.json and the batch summary read.
		 */
		public ImageExplanation summary() {
			final BundleManifest manifest = owner.explainer.bundle().manifest();
			final List<TargetExplanation> explained = new ArrayList<>();
			for (final int c : targets) {
				explained.add(new TargetExplanation(c, manifest.classes().get(c), logits[c], probabilities[c], Map.of()));
			}
			return new ImageExplanation(imageName, grid.imageWidth(), grid.imageHeight(), logits, probabilities,
				explained, warnings);
		}

		/**
		 * Stitches the fused map of one method and class into {@code into} (cleared first), tile batch by tile
		 * batch.
		 *
		 * @param monitor progress as "stitching tiles" over all methods and classes; cancelling stops between
		 *   batches
		 * @throws CancelledException when cancelled
		 */
		public void stitch(final int method, final int target, final MapStitcher into, final ExplainMonitor monitor) {
			stitch(method, target, false, into, monitor);
		}

		/**
		 * As {@link #stitch(int, int, MapStitcher, ExplainMonitor)}; with {@code evidence} the mean of the
		 * method's normalised layer maps instead of their fusion (the class evidence of the image-guided
		 * refinement, {@link MethodMaps#evidenceAtOriginal}), for a multi-layer method.
		 */
		public void stitch(final int method, final int target, final boolean evidence, final MapStitcher into,
			final ExplainMonitor monitor)
		{
			if (evidence && !methods.get(method).multiLayer()) {
				throw new IllegalArgumentException(methods.get(method).id() + " has one layer: its map is its evidence");
			}
			final long begin = System.nanoTime();
			into.clear();
			final List<Tile> tiles = grid.tiles();
			final int batchSize = owner.tileBatch;
			final int step = method * targets.length + target;
			final int total = methods.size() * targets.length * tiles.size();
			// The slots of one method and target are consecutive in a record; read into arrays reused batch by batch.
			final float[][][] buffers = slots.buffers(method, target, batchSize);
			final List<List<FloatMap>> raw = new ArrayList<>();
			for (int from = 0; from < tiles.size(); from += batchSize) {
				checkCancelled(monitor, "while stitching tiles (" + from + " of " + tiles.size() + " done)");
				final List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + batchSize));
				raw.clear();
				for (int i = 0; i < batch.size(); i++) raw.add(slots.read(batch.get(i).index(), method, target, buffers[i]));
				// The evidence is the layers' mean: their fusion by the mean, made on the device as the fusion is.
				// Stitching is linear: the stitched mean of the layer maps is the mean of the stitched layer maps.
				final List<FusedMaps> fused = owner.explainer.fuseRawMaps(raw, slots.low(method, target), slots.high(method,
					target), evidence ? Aggregation.MEAN : options.aggregation(), grid.tileWidth(), grid.tileHeight(), false);
				for (int i = 0; i < batch.size(); i++) into.add(batch.get(i), fused.get(i).fused());
				monitor.progress(step * tiles.size() + from + batch.size(), total, "stitching tiles");
			}
			stitchMs += ms(begin);
		}

		/**
		 * The maps of one method of a class whose fused map was stitched alone ({@link #stitch}): that map at the
		 * image's size, as {@link #stitchAll} gives it without per-layer maps.
		 */
		public MethodMaps methodMaps(final int method, final FloatMap full) {
			final CamMethod m = methods.get(method);
			return new MethodMaps(m, slots.layerNames(method), List.of(), List.of(), m.multiLayer() ? List.of() : List.of(
				full), null, full);
		}

		/** The engine's times over the tiles, the stitching so far in the CAM time, the total until now. */
		public Timings timings() {
			if (engine == null) return new Timings(0, 0, 0, 0, 0, ms(start));
			return new Timings(engine.preprocessMs(), engine.forwardMs(), engine.backwardMs(), engine.camMs() +
				stitchMs, engine.copyMs(), ms(start), engine.forwardPasses(), engine.backwardPasses(), engine
					.maskedForwardPasses(), engine.maskedImages());
		}

		/** Every full-size map at once, as one explanation (the third pass of {@link TiledExplainer}). */
		ExplainResult stitchAll(final boolean layerMapsAtFullSize, final CamMethod evidenceMethod,
			final ExplainMonitor monitor)
		{
			final Explainer explainer = owner.explainer;
			if (targets.length == 0) {
				return new ExplainResult(List.of(summary()), explainer.bundle().runtime(), timings());
			}
			final BundleManifest manifest = explainer.bundle().manifest();
			final List<Tile> tiles = grid.tiles();
			final long stitchStart = System.nanoTime();
			releaseGarbageBeforeFullSizeMaps(grid);
			final Stitchers stitchers = new Stitchers(grid, methods, targets.length, slots, layerMapsAtFullSize,
				evidenceMethod);
			for (int from = 0; from < tiles.size(); from += owner.tileBatch) {
				checkCancelled(monitor, "while stitching tiles (" + from + " of " + tiles.size() + " done)");
				final List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + owner.tileBatch));
				final List<float[][]> records = batch.stream().map(t -> slots.store().get(t.index())).toList();
				for (int m = 0; m < methods.size(); m++) {
					for (int k = 0; k < targets.length; k++) {
						final List<List<FloatMap>> raw = slots.rawMaps(records, m, k);
						final List<FusedMaps> fused = explainer.fuseRawMaps(raw, slots.low(m, k), slots.high(m, k), options
							.aggregation(), grid.tileWidth(), grid.tileHeight(), stitchers.keepsLayers(m));
						// The evidence, as RawTiles#stitch makes it: the layers fused by their mean.
						final List<FusedMaps> evidence = stitchers.makesEvidence(m) ? explainer.fuseRawMaps(raw, slots.low(m,
							k), slots.high(m, k), Aggregation.MEAN, grid.tileWidth(), grid.tileHeight(), false) : null;
						for (int i = 0; i < batch.size(); i++) {
							stitchers.add(m, k, batch.get(i), fused.get(i), evidence == null ? null : evidence.get(i).fused());
						}
					}
				}
				monitor.progress(from + batch.size(), tiles.size(), "stitching tiles");
			}
			final List<TargetExplanation> explained = new ArrayList<>();
			for (int k = 0; k < targets.length; k++) {
				final Map<CamMethod, MethodMaps> maps = new EnumMap<>(CamMethod.class);
				for (int m = 0; m < methods.size(); m++) {
					final CamMethod method = methods.get(m);
					final FloatMap full = stitchers.fused(m, k);
					final List<FloatMap> layers = stitchers.keepsLayers(m) ? stitchers.layers(m, k) : method.multiLayer()
						? List.of() : List.of(full);
					maps.put(method, new MethodMaps(method, slots.layerNames(m), List.of(), List.of(), layers, null, full,
						stitchers.evidence(m, k)));
				}
				final int c = targets[k];
				explained.add(new TargetExplanation(c, manifest.classes().get(c), logits[c], probabilities[c], maps));
			}
			final ImageExplanation image = new ImageExplanation(imageName, grid.imageWidth(), grid.imageHeight(),
				logits, probabilities, explained, warnings);
			stitchMs += ms(stitchStart);
			return new ExplainResult(List.of(image), explainer.bundle().runtime(), timings());
		}

		/** Deletes the raw maps. */
		@Override
		public void close() {
			if (slots != null) slots.store().close();
		}
	}

	/**
	 * Images from this many pixels on have their tile passes' garbage collected before the full-size maps are
	 * made. The passes leave short-lived garbage the collector has not yet reclaimed (it waits for its heap to
	 * fill); collected now, the maps reuse that memory instead of taking new memory from the system, which
	 * keeps the process's peak near what it holds. A collection costs well under a second; the passes took
	 * minutes.
	 */
	static final long COLLECT_FROM_PIXELS = 4096L * 4096L;

	private static void releaseGarbageBeforeFullSizeMaps(final TileGrid grid) {
		if ((long) grid.imageWidth() * grid.imageHeight() >= COLLECT_FROM_PIXELS) System.gc();
	}

	private static List<ImageInput> inputs(final TileSource source, final List<Tile> tiles) {
		return tiles.stream().map(source::tile).toList();
	}

	/** The class presence rule: the highest value over the tiles. */
	static void combine(final float[] into, final float[] tile) {
		for (int c = 0; c < into.length; c++) into[c] = Math.max(into[c], tile[c]);
	}

	private static void checkCancelled(final ExplainMonitor monitor, final String when) {
		if (monitor.cancelled()) throw new CancelledException("explain cancelled " + when);
	}

	/** The engine's own progress (backward passes of one batch) would drown the per-tile progress. */
	private static ExplainMonitor cancelOnly(final ExplainMonitor monitor) {
		return new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				// per-tile progress is reported by the caller
			}

			@Override
			public boolean cancelled() {
				return monitor.cancelled();
			}
		};
	}

	private static double ms(final long from) {
		return (System.nanoTime() - from) / 1e6;
	}

	/**
	 * Where each method's, target's and layer's raw map lies in a tile's record, with its size, its layer
	 * names and its bounds over all tiles so far.
	 */
	private static final class Slots {

		private final List<CamMethod> methods;
		private final int targets;
		/** [method][target][layer] -> slot index */
		private final int[][][] slot;
		private final int[] widths;
		private final int[] heights;
		private final float[] low;
		private final float[] high;
		private final List<List<String>> layerNames = new ArrayList<>();
		private final RawMapStore store;

		Slots(final List<CamMethod> methods, final ImageExplanation first, final int tiles, final Path scratch,
			final long inMemoryLimit)
		{
			this.methods = methods;
			this.targets = first.targets().size();
			this.slot = new int[methods.size()][targets][];
			final List<int[]> sizes = new ArrayList<>();
			for (int m = 0; m < methods.size(); m++) {
				final List<FloatMap> raws = first.targets().get(0).methodMaps(methods.get(m)).rawLayerMaps();
				layerNames.add(first.targets().get(0).methodMaps(methods.get(m)).layers());
				for (int k = 0; k < targets; k++) {
					slot[m][k] = new int[raws.size()];
					for (int l = 0; l < raws.size(); l++) {
						slot[m][k][l] = sizes.size();
						sizes.add(new int[] { raws.get(l).width(), raws.get(l).height() });
					}
				}
			}
			widths = sizes.stream().mapToInt(s -> s[0]).toArray();
			heights = sizes.stream().mapToInt(s -> s[1]).toArray();
			low = new float[sizes.size()];
			high = new float[sizes.size()];
			Arrays.fill(low, Float.POSITIVE_INFINITY);
			Arrays.fill(high, Float.NEGATIVE_INFINITY);
			final int[] floats = new int[sizes.size()];
			for (int s = 0; s < floats.length; s++) floats[s] = widths[s] * heights[s];
			store = new RawMapStore(floats, tiles, scratch, inMemoryLimit);
		}

		RawMapStore store() {
			return store;
		}

		List<String> layerNames(final int method) {
			return layerNames.get(method);
		}

		void put(final int tile, final ImageExplanation e) {
			final float[][] record = new float[low.length][];
			for (int m = 0; m < methods.size(); m++) {
				for (int k = 0; k < targets; k++) {
					final List<FloatMap> raws = e.targets().get(k).methodMaps(methods.get(m)).rawLayerMaps();
					for (int l = 0; l < raws.size(); l++) {
						final int s = slot[m][k][l];
						final FloatMap raw = raws.get(l);
						record[s] = raw.sharedValues(); // the store copies it into the tile's record
						low[s] = Math.min(low[s], raw.min());
						high[s] = Math.max(high[s], raw.max());
					}
				}
			}
			store.put(tile, record);
		}

		/** Per tile of the batch, the raw maps of one method and target in layer order. */
		List<List<FloatMap>> rawMaps(final List<float[][]> records, final int method, final int target) {
			final int[] layers = slot[method][target];
			final List<List<FloatMap>> out = new ArrayList<>();
			for (final float[][] record : records) {
				final List<FloatMap> maps = new ArrayList<>();
				for (final int s : layers) maps.add(FloatMap.wrap(widths[s], heights[s], record[s]));
				out.add(maps);
			}
			return out;
		}

		/** Arrays for the raw maps of one method and target of {@code count} tiles: [tile][layer][value]. */
		float[][][] buffers(final int method, final int target, final int count) {
			final int[] layers = slot[method][target];
			final float[][][] out = new float[count][layers.length][];
			for (final float[][] tile : out) {
				for (int l = 0; l < layers.length; l++) tile[l] = new float[widths[layers[l]] * heights[layers[l]]];
			}
			return out;
		}

		/**
		 * One tile's raw maps of one method and target, read from the store into {@code into} (from
		 * {@link #buffers}) and wrapped in layer order; valid until {@code into} is read into again.
		 */
		List<FloatMap> read(final int tile, final int method, final int target, final float[][] into) {
			final int[] layers = slot[method][target];
			store.read(tile, layers[0], layers[layers.length - 1] + 1, into);
			final List<FloatMap> maps = new ArrayList<>(layers.length);
			for (int l = 0; l < layers.length; l++) maps.add(FloatMap.wrap(widths[layers[l]], heights[layers[l]], into[l]));
			return maps;
		}

		/** Per layer, the lowest raw value of one method and target over all tiles. */
		float[] low(final int method, final int target) {
			return pick(low, slot[method][target]);
		}

		/** Per layer, the highest raw value of one method and target over all tiles. */
		float[] high(final int method, final int target) {
			return pick(high, slot[method][target]);
		}

		private static float[] pick(final float[] values, final int[] slots) {
			final float[] out = new float[slots.length];
			for (int l = 0; l < slots.length; l++) out[l] = values[slots[l]];
			return out;
		}

		int layers(final int method) {
			return slot[method][0].length;
		}
	}

	/** The full-size maps being stitched: per method and target the fused map, and per layer when kept. */
	private static final class Stitchers {

		private final MapStitcher[][] fused;
		private final MapStitcher[][][] layers;
		/** [method][target] the mean of the layer maps, or null where not made. */
		private final MapStitcher[][] evidence;
		private final boolean[] keepLayers;

		Stitchers(final TileGrid grid, final List<CamMethod> methods, final int targets, final Slots slots,
			final boolean layerMapsAtFullSize, final CamMethod evidenceMethod)
		{
			fused = new MapStitcher[methods.size()][targets];
			layers = new MapStitcher[methods.size()][targets][];
			evidence = new MapStitcher[methods.size()][targets];
			keepLayers = new boolean[methods.size()];
			for (int m = 0; m < methods.size(); m++) {
				keepLayers[m] = layerMapsAtFullSize && methods.get(m).multiLayer();
				final boolean mean = methods.get(m) == evidenceMethod && evidenceMethod.multiLayer() && !keepLayers[m];
				for (int k = 0; k < targets; k++) {
					fused[m][k] = new MapStitcher(grid);
					if (mean) evidence[m][k] = new MapStitcher(grid);
					layers[m][k] = new MapStitcher[keepLayers[m] ? slots.layers(m) : 0];
					for (int l = 0; l < layers[m][k].length; l++) layers[m][k][l] = new MapStitcher(grid);
				}
			}
		}

		boolean keepsLayers(final int method) {
			return keepLayers[method];
		}

		boolean makesEvidence(final int method) {
			return evidence[method].length > 0 && evidence[method][0] != null;
		}

		/** @param mean the tile's mean of the layer maps, where the evidence is made */
		void add(final int method, final int target, final Tile tile, final FusedMaps maps, final FloatMap mean) {
			fused[method][target].add(tile, maps.fused());
			// The mean at tile size, blended as the fused map is: stitching is linear, so this is the mean of the
			// layer maps that would be stitched.
			if (evidence[method][target] != null) evidence[method][target].add(tile, mean);
			if (keepLayers[method]) {
				for (int l = 0; l < layers[method][target].length; l++) layers[method][target][l].add(tile, maps.layers()
					.get(l));
			}
		}

		/** The stitched mean of the layer maps, or null where it was not made. */
		FloatMap evidence(final int method, final int target) {
			return evidence[method][target] == null ? null : evidence[method][target].toFloatMap();
		}

		FloatMap fused(final int method, final int target) {
			return fused[method][target].toFloatMap();
		}

		List<FloatMap> layers(final int method, final int target) {
			return Arrays.stream(layers[method][target]).map(MapStitcher::toFloatMap).toList();
		}
	}
}
