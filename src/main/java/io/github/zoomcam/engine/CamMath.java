package io.github.zoomcam.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The CAM arithmetic as batched NDArray operations, so it runs on whatever device holds the
 * activations. Shapes: activations and gradients (N, C, h, w); maps (N, h, w).
 */
final class CamMath {

	/** libtorch's interpolation mode code for bilinear (DJL's PtNDArrayEx uses the same). */
	private static final int BILINEAR = 2;

	private CamMath() {}

	/**
	 * Eq. (9) of Zoom-CAM, ReLU(sum_c dS/dA_c * A_c), the gradient used as an element-wise mask: Zoom-CAM's
	 * per-layer map and HiResCAM's map. With {@code reuseGradient} the product is written into the gradient
	 * instead of a new activation-sized array (100 MB for VGG16's first layer at batch 8); only for
	 * gradients nothing reads afterwards.
	 */
	static NDArray elementwiseCam(final NDArray activation, final NDArray gradient, final boolean reuseGradient) {
		if (reuseGradient) return gradient.muli(activation).sum(new int[] {1}).maximum(0f);
		try (NDArray product = activation.mul(gradient)) {
			return product.sum(new int[] {1}).maximum(0f);
		}
	}

	/** Grad-CAM: ReLU(sum_c alpha_c A_c) with alpha_c the spatial mean of dS/dA_c. */
	static NDArray gradCam(final NDArray activation, final NDArray gradient) {
		final long h = activation.getShape().get(2);
		final long w = activation.getShape().get(3);
		// Sum then divide: multi-axis mean is not implemented by DJL's PyTorch NDArray.
		final NDArray alpha = gradient.sum(new int[] {2, 3}, true).div((float) (h * w));
		return activation.mul(alpha).sum(new int[] {1}).maximum(0f);
	}

	/**
	 * Grad-CAM++ (Chattopadhyay et al. 2018, Eq. 19 and 7): alpha = g^2 / (2 g^2 + sum_ab A_ab * g^3), 0
	 * where the denominator is 0; w_c = sum_ij alpha_ij * ReLU(g_ij); map = ReLU(sum_c w_c A_c).
	 */
	static NDArray gradCamPlusPlus(final NDArray activation, final NDArray gradient) {
		final NDArray weights;
		try (NDArray g2 = gradient.square(); NDArray sumA = activation.sum(new int[] {2, 3}, true);
			NDArray denominator = g2.mul(gradient); NDArray twoG2 = g2.mul(2f))
		{
			// 2 g^2 + sum_ab A_ab * g^3, in place in the g^3 buffer
			denominator.muli(sumA).addi(twoG2);
			try (NDArray nonZero = denominator.neq(0f); NDArray ones = denominator.onesLike();
				NDArray safe = NDArrays.where(nonZero, denominator, ones); NDArray ratio = g2.div(safe);
				NDArray zeros = ratio.zerosLike(); NDArray alpha = NDArrays.where(nonZero, ratio, zeros);
				NDArray positive = gradient.maximum(0f))
			{
				weights = alpha.muli(positive).sum(new int[] {2, 3}, true);
			}
		}
		return weightedSum(activation, weights);
	}

	/**
	 * XGrad-CAM (Fu et al. 2020): w_c = sum_ij (A_c,ij / sum_ab A_c,ab) * g_c,ij, 0 for a channel whose
	 * activations sum to 0; map = ReLU(sum_c w_c A_c).
	 */
	static NDArray xGradCam(final NDArray activation, final NDArray gradient) {
		final NDArray weights;
		try (NDArray sumA = activation.sum(new int[] {2, 3}, true); NDArray nonZero = sumA.neq(0f);
			NDArray safe = NDArrays.where(nonZero, sumA, sumA.onesLike()); NDArray product = activation.mul(gradient);
			NDArray numerator = product.sum(new int[] {2, 3}, true); NDArray ratio = numerator.div(safe))
		{
			weights = NDArrays.where(nonZero, ratio, ratio.zerosLike());
		}
		return weightedSum(activation, weights);
	}

	/** Layer-CAM layer map (Jiang et al. 2021): ReLU(sum_c ReLU(dS/dA_c) * A_c). */
	static NDArray layerCam(final NDArray activation, final NDArray gradient) {
		try (NDArray positive = gradient.maximum(0f)) {
			return positive.muli(activation).sum(new int[] {1}).maximum(0f);
		}
	}

	/** ReLU(sum_c w_c A_c) for weights of shape (N, C, 1, 1) or (N, C). */
	static NDArray weightedSum(final NDArray activation, final NDArray weights) {
		final NDArray w = weights.getShape().dimension() == 2 ? weights.expandDims(2).expandDims(3) : weights;
		try (NDArray product = activation.mul(w)) {
			return product.sum(new int[] {1}).maximum(0f);
		}
	}

	/**
	 * The channels of an (N, C, h, w) activation that Score-CAM uses: all of them when limit is 0 or at
	 * least C, else, per image, the limit channels with the largest spatial variance (population variance
	 * over the h x w positions, as Faster Score-CAM ranks them), in decreasing order. Returns (N, K, h, w).
	 */
	static NDArray topVarianceChannels(final NDArray activation, final int limit) {
		final Shape s = activation.getShape();
		final long n = s.get(0);
		final long c = s.get(1);
		if (limit == 0 || limit >= c) return activation;
		final float positions = s.get(2) * s.get(3);
		final NDArray mean = activation.sum(new int[] {2, 3}, true).div(positions);
		final NDArray variance;
		try (NDArray centred = activation.sub(mean)) {
			variance = centred.muli(centred).sum(new int[] {2, 3}).div(positions);
		}
		final NDArray index = variance.topK(limit, 1, true, true).get(1);
		return activation.gather(index.reshape(n, limit, 1, 1).broadcast(n, limit, s.get(2), s.get(3)), 1);
	}

	/**
	 * Score-CAM's masks: each (h, w) activation map of a (M, h, w) batch upsampled to (height, width) and
	 * min-max normalised. Returns the masks (M, height, width) and a float flag per map (M), 1 where the
	 * upsampled map is not constant (a constant map gives no mask and weight 0).
	 */
	static NDList scoreCamMasks(final NDArray maps, final long height, final long width) {
		final NDArray up = resize(maps, height, width);
		final long m = up.getShape().get(0);
		final NDArray flat = up.reshape(m, -1);
		final NDArray varying = flat.max(new int[] {1}).sub(flat.min(new int[] {1})).gt(0f).toType(DataType.FLOAT32,
			false);
		return new NDList(normalise(up), varying);
	}

	/** Per-map min-max normalisation to [0, 1]; a constant map (e.g. all zero) becomes all zero. */
	static NDArray normalise(final NDArray maps) {
		final long n = maps.getShape().get(0);
		final NDArray flat = maps.reshape(n, -1);
		final NDArray low = flat.min(new int[] {1}, true);
		final NDArray span = flat.max(new int[] {1}, true).sub(low);
		// A constant row has x - low == 0 exactly, so dividing it by 1 instead of 0 yields zeros, not NaN.
		final NDArray safeSpan = NDArrays.where(span.gt(0f), span, span.onesLike());
		return flat.sub(low).div(safeSpan).reshape(maps.getShape());
	}

	/**
	 * Min-max normalisation of (N, h, w) maps with given bounds shared by all of them (the tiles of one
	 * image): (x - low) / (high - low); all zero when high <= low, as a constant map is in
	 * {@link #normalise}.
	 */
	static NDArray normaliseWith(final NDArray maps, final float low, final float high) {
		if (!(high > low)) return maps.zerosLike();
		return maps.sub(low).div(high - low);
	}

	/**
	 * Bilinear resize of (N, h, w) maps to (N, height, width) with half-pixel centres, exactly as PyTorch's
	 * F.interpolate(mode='bilinear', align_corners=False), without antialiasing.
	 */
	static NDArray resize(final NDArray maps, final long height, final long width) {
		final long h = maps.getShape().get(1);
		final long w = maps.getShape().get(2);
		if (h == height && w == width) return maps;
		if (height >= h && width >= w) {
			// libtorch's kernel antialiases, which only changes results when shrinking.
			return JniUtils.interpolate((PtNDArray) maps.expandDims(1), new long[] {height, width}, BILINEAR, false)
				.squeeze(1);
		}
		// Shrinking (original image smaller than the model input): separable weight matrices, so the
		// result is plain bilinear; the output is small, so the matrix products are cheap.
		final NDManager manager = maps.getManager();
		final NDArray rows = manager.create(bilinearWeights((int) h, (int) height), new Shape(height, h));
		final NDArray cols = manager.create(bilinearWeights((int) w, (int) width), new Shape(width, w));
		return rows.matMul(maps).matMul(cols.transpose());
	}

	/** (out x in) interpolation matrix of PyTorch's align_corners=False bilinear rule along one axis. */
	static float[] bilinearWeights(final int in, final int out) {
		final float[] weights = new float[out * in];
		final double scale = (double) in / out;
		for (int o = 0; o < out; o++) {
			final double source = Math.max(0, (o + 0.5) * scale - 0.5);
			final int i0 = Math.min((int) source, in - 1);
			final int i1 = Math.min(i0 + 1, in - 1);
			final float lambda1 = (float) (source - i0);
			weights[o * in + i0] += 1f - lambda1;
			weights[o * in + i1] += lambda1;
		}
		return weights;
	}

	/**
	 * Antialiased bilinear resize of a (N, C, h, w) image batch (as torchvision's Resize): shrinking a large
	 * micrograph to the model input averages pixels instead of skipping them.
	 */
	static NDArray resizeImages(final NDArray nchw, final long height, final long width) {
		if (nchw.getShape().get(2) == height && nchw.getShape().get(3) == width) return nchw;
		return JniUtils.interpolate((PtNDArray) nchw, new long[] {height, width}, BILINEAR, false);
	}

	/**
	 * One step of a running fusion: the pixel-wise max (Eq. 10) or, for the mean, the sum (the caller
	 * divides by the number of layers at the end).
	 */
	static NDArray fuseInto(final NDArray fused, final NDArray layer, final Aggregation aggregation) {
		return aggregation == Aggregation.MAX ? fused.maximum(layer) : fused.add(layer);
	}

	/** Pixel-wise fusion of L maps (each (N, H, W)) into one (N, H, W) map, Eq. (10). */
	static NDArray fuse(final NDList maps, final Aggregation aggregation) {
		final NDArray stacked = NDArrays.stack(maps, 1);
		return aggregation == Aggregation.MAX ? stacked.max(new int[] {1}) : stacked.mean(new int[] {1});
	}
}
