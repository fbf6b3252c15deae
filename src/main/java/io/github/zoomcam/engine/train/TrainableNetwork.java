package io.github.zoomcam.engine.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.github.zoomcam.core.ZoomCamException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A TorchScript network in the bundle convention, loaded with trainable parameters.
 *
 * <p>Mode is switched explicitly (libtorch's train()/eval() on the module): DJL's load leaves the module in
 * evaluation mode while its block believes it is training, and the low-level IValue forward never switches.
 * In training mode BatchNorm normalises with batch statistics and updates its running statistics, even
 * without gradients; in evaluation mode it uses the running statistics. Only scripted modules follow the
 * switch; a traced one keeps the mode it was traced in.</p>
 */
final class TrainableNetwork implements AutoCloseable {

	private static final String ENGINE = "PyTorch";

	private final Model model;
	private final PtSymbolBlock block;
	private final int layerCount;
	private final List<NDArray> parameters;
	private final NDArray classCount;

	private TrainableNetwork(final Model model, final int layerCount) {
		this.model = model;
		this.block = (PtSymbolBlock) model.getBlock();
		this.layerCount = layerCount;
		final NDList all = JniUtils.moduleGetParams(block, (PtNDManager) model.getNDManager());
		NDArray count = null;
		final List<NDArray> trainable = new ArrayList<>();
		for (final NDArray p : all) {
			if (ModelTemplate.CLASS_COUNT_PARAMETER.equals(p.getName())) count = p;
			else trainable.add(p);
		}
		this.parameters = List.copyOf(trainable);
		this.classCount = count;
		if (count != null) count.setRequiresGradient(false);
	}

	/**
	 * Loads a module file.
	 *
	 * @param layerCount the number of delta inputs (explainable layers) of its forward
	 */
	static TrainableNetwork load(final byte[] moduleFile, final String name, final int layerCount,
		final Device device)
	{
		Path folder = null;
		try {
			folder = Files.createTempDirectory("zoomcam-train-");
			Files.write(folder.resolve("model.pt"), moduleFile);
			final Model model = Model.newInstance(name, device, ENGINE);
			try {
				// trainParam keeps libtorch out of inference mode and marks every parameter as trainable.
				model.load(folder, "model", Map.of("trainParam", "true"));
				return new TrainableNetwork(model, layerCount);
			}
			catch (final IOException | MalformedModelException | RuntimeException e) {
				model.close();
				throw new ZoomCamException("the network " + name + " could not be loaded as TorchScript (" + firstLine(e) +
					"); reinstall Zoom-CAM or export the bundle again");
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write a temporary copy of the network (" + e.getMessage() +
				"); check the free space of the temporary folder");
		}
		finally {
			deleteQuietly(folder);
		}
	}

	/** True for a module made from a template: it has a class-count parameter and follows train()/eval(). */
	boolean fromTemplate() {
		return classCount != null;
	}

	int classCount() {
		return classCount == null ? -1 : Math.round(classCount.getFloat());
	}

	/**
	 * Sizes the template's output to the data and draws fresh weights from the seed with PyTorch's default
	 * initialisation (uniform in +-1/sqrt(fan_in) for convolution and linear weights and biases; BatchNorm
	 * weight 1, bias 0), the same distribution tools/train_demo_model.py starts from.
	 */
	void initialise(final int classes, final long seed) {
		if (classCount == null) throw new IllegalStateException("not a template");
		final Map<String, NDArray> byName = new HashMap<>();
		for (final NDArray p : parameters) byName.put(p.getName(), p);
		Engine.getEngine(ENGINE).setRandomSeed(Math.floorMod(seed, Integer.MAX_VALUE));
		final boolean gradMode = JniUtils.isGradMode();
		JniUtils.setGradMode(false); // in-place writes into leaves that require gradients
		try (NDManager scratch = model.getNDManager().newSubManager()) {
			overwrite(classCount, scratch.create((float) classes));
			for (final NDArray p : parameters) {
				final Shape shape = p.getShape();
				final String name = p.getName();
				final String owner = name.substring(0, Math.max(0, name.lastIndexOf('.')));
				final NDArray weight = byName.get(owner + ".weight");
				if (name.endsWith(".weight") && shape.dimension() >= 2) {
					overwrite(p, uniform(scratch, shape, fanIn(shape)));
				}
				else if (name.endsWith(".bias") && weight != null && weight.getShape().dimension() >= 2) {
					overwrite(p, uniform(scratch, shape, fanIn(weight.getShape())));
				}
				else if (name.endsWith(".weight")) {
					overwrite(p, scratch.ones(shape));
				}
				else if (name.endsWith(".bias")) {
					overwrite(p, scratch.zeros(shape));
				}
			}
		}
		finally {
			JniUtils.setGradMode(gradMode);
		}
	}

	private static NDArray uniform(final NDManager manager, final Shape shape, final long fanIn) {
		final float bound = (float) (1.0 / Math.sqrt(fanIn));
		return manager.randomUniform(-bound, bound, shape);
	}

	private static long fanIn(final Shape weightShape) {
		long fan = 1;
		for (int d = 1; d < weightShape.dimension(); d++) fan *= weightShape.get(d);
		return fan;
	}

	/**
	 * Copies values into a parameter's own storage. (NDArray.set(Buffer) would instead make the module's
	 * tensor point at a Java buffer that the garbage collector may free.)
	 */
	private static void overwrite(final NDArray parameter, final NDArray values) {
		parameter.set(new NDIndex("..."), values);
	}

	void trainingMode() {
		JniUtils.enableTrainingMode(block);
	}

	void evaluationMode() {
		JniUtils.enableInferenceMode(block);
	}

	/** Parameters the optimiser updates (everything but the class count). */
	List<NDArray> parameters() {
		return parameters;
	}

	Device device() {
		return model.getNDManager().getDevice();
	}

	/** A manager for one step's arrays; close it after the step. */
	NDManager newStepManager() {
		return model.getNDManager().newSubManager();
	}

	/**
	 * All outputs: logits, then one activation per layer. The arrays belong to x's manager.
	 *
	 * @param withGradients record the graph (inside a GradientCollector)
	 */
	NDList forward(final NDArray x, final boolean withGradients) {
		final NDList inputs = new NDList(x);
		final NDManager manager = x.getManager();
		for (int i = 0; i < layerCount; i++) inputs.add(manager.zeros(new Shape(1, 1, 1, 1)));
		return IValueUtils.forward(block, inputs, withGradients);
	}

	/**
	 * Fails unless a batch's backward pass gives each image the input gradient it gets alone. libtorch 2.7.1's
	 * oneDNN AVX-512 convolution backward was seen to give batches of two or more images wrong gradients (even
	 * NaN) at random on this project's machines, which would silently corrupt every weight update; AVX2
	 * kernels are exact. Checked twice, in evaluation mode (images independent), like ModelBundle's check.
	 */
	void requireExactBatchedGradients(final int channels, final int height, final int width) {
		for (int attempt = 0; attempt < 2; attempt++) {
			final float[] single = inputGradient(channels, height, width, 1);
			final float[] pair = inputGradient(channels, height, width, 2);
			double scale = 0;
			double diff = 0;
			for (int i = 0; i < single.length; i++) {
				scale = Math.max(scale, Math.abs(single[i]));
				diff = Math.max(diff, Math.abs(single[i] - pair[i]));
			}
			if (!(diff <= 1e-3 * scale + 1e-12)) {
				throw new ZoomCamException("batched gradients are wrong on this " + (device().isGpu() ? "GPU" :
					"CPU (libtorch's oneDNN AVX-512 kernels)") + ", so training would corrupt the network; start Java " +
					"with ONEDNN_MAX_CPU_ISA=AVX2 in the environment (the ./zoomcam launcher does; for Fiji: " +
					"ONEDNN_MAX_CPU_ISA=AVX2 ./ImageJ-linux64)");
			}
		}
	}

	/** The first image's gradient of the summed first logits, for n copies of one deterministic image. */
	private float[] inputGradient(final int channels, final int height, final int width, final int n) {
		evaluationMode();
		final boolean gradMode = JniUtils.isGradMode();
		try (NDManager manager = newStepManager()) {
			final Shape one = new Shape(1, channels, height, width);
			final NDArray image = manager.arange((float) one.size()).reshape(one).mul(0.618034f).sin();
			final NDArray x = n == 1 ? image : image.repeat(0, n);
			x.setRequiresGradient(true);
			JniUtils.setGradMode(true);
			final NDArray score = forward(x, true).get(0).get(":, 0").sum();
			JniUtils.backward((PtNDArray) score, (PtNDArray) score.onesLike(), false, false);
			JniUtils.setGradMode(gradMode);
			return x.getGradient().get(0).toFloatArray();
		}
		finally {
			JniUtils.setGradMode(gradMode);
			trainingMode();
		}
	}

	/** The module file (TorchScript, as torch.jit.save writes it), in evaluation mode. */
	byte[] serialise() {
		evaluationMode();
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		JniUtils.writeModule(block, out, false);
		return out.toByteArray();
	}

	@Override
	public void close() {
		model.close();
	}

	static String firstLine(final Throwable e) {
		final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
		final String line = m.strip().lines().findFirst().orElse(m);
		return line.length() > 200 ? line.substring(0, 200) + "..." : line;
	}

	static void deleteQuietly(final Path folder) {
		if (folder == null || !Files.exists(folder)) return;
		try (Stream<Path> walk = Files.walk(folder)) {
			for (final Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		}
		catch (final IOException e) {
			// A temporary copy left behind is harmless; the OS cleans its temporary folder.
		}
	}
}
