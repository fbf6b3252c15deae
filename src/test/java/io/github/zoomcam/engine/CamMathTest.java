package io.github.zoomcam.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The map arithmetic on hand-made activations and gradients; every expectation is worked out by hand. */
class CamMathTest {

	@Test
	void zoomCamWeighsEveryElementByItsOwnGradient() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// One image, 2 channels, 1x2 pixels.
			// A: c0 = [1, 2], c1 = [3, 4];  G: c0 = [1, -1], c1 = [0.5, -2]
			// pixel 0: 1*1 + 3*0.5 = 2.5; pixel 1: 2*(-1) + 4*(-2) = -10 -> ReLU -> 0
			final NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 1, 2));
			final NDArray g = m.create(new float[] {1, -1, 0.5f, -2}, new Shape(1, 2, 1, 2));
			assertArrayEquals(new float[] {2.5f, 0f}, CamMath.elementwiseCam(a, g, false).toFloatArray(), 1e-7f);
			assertArrayEquals(new float[] {1, -1, 0.5f, -2}, g.toFloatArray(), 0f, "gradient kept");
			// Grad-CAM: alpha0 = mean(1, -1) = 0, alpha1 = mean(0.5, -2) = -0.75
			// pixel 0: 0*1 - 0.75*3 = -2.25 -> 0; pixel 1: 0*2 - 0.75*4 = -3 -> 0
			assertArrayEquals(new float[] {0f, 0f}, CamMath.gradCam(a, g).toFloatArray(), 1e-7f);
			// With G: c0 = [2, 2], c1 = [1, 0]: alpha = (2, 0.5); pixel 0: 2 + 1.5 = 3.5; pixel 1: 4 + 2 = 6
			final NDArray g2 = m.create(new float[] {2, 2, 1, 0}, new Shape(1, 2, 1, 2));
			assertArrayEquals(new float[] {3.5f, 6f}, CamMath.gradCam(a, g2).toFloatArray(), 1e-6f);
		}
	}

	@Test
	void reusingTheGradientGivesTheSameMapAndOverwritesTheGradientWithTheProduct() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// As above: pixel 0: 1*1 + 3*0.5 = 2.5; pixel 1: -10 -> 0. The gradient becomes A * G.
			final NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 1, 2));
			final NDArray g = m.create(new float[] {1, -1, 0.5f, -2}, new Shape(1, 2, 1, 2));
			assertArrayEquals(new float[] {2.5f, 0f}, CamMath.elementwiseCam(a, g, true).toFloatArray(), 1e-7f);
			assertArrayEquals(new float[] {1, -2, 1.5f, -8}, g.toFloatArray(), 1e-7f);
		}
	}

	@Test
	void normaliseIsPerImageMinMaxAndConstantMapsBecomeZeroNotNaN() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// image 0: [2, 4, 6, 10] -> (x - 2) / 8 = [0, 0.25, 0.5, 1]; image 1 all zero; image 2 all 3
			final NDArray maps = m.create(new float[] {2, 4, 6, 10, 0, 0, 0, 0, 3, 3, 3, 3}, new Shape(3, 2, 2));
			final float[] n = CamMath.normalise(maps).toFloatArray();
			assertArrayEquals(new float[] {0, 0.25f, 0.5f, 1, 0, 0, 0, 0, 0, 0, 0, 0}, n, 1e-7f);
			for (final float v : n) assertFalse(Float.isNaN(v));
		}
	}

	@Test
	void shrinkingUsesPlainBilinearWithHalfPixelCentres() {
		// in = 4, out = 2: scale 2; output 0 samples source 0.5 -> halfway between 0 and 1; output 1 samples
		// 2.5 -> halfway between 2 and 3.
		assertArrayEquals(new float[] {0.5f, 0.5f, 0, 0, 0, 0, 0.5f, 0.5f}, CamMath.bilinearWeights(4, 2), 0f);
		// in = 3, out = 2: scale 1.5; output 0 samples 0.25 -> 0.75*x0 + 0.25*x1; output 1 samples 1.75.
		assertArrayEquals(new float[] {0.75f, 0.25f, 0, 0, 0.25f, 0.75f}, CamMath.bilinearWeights(3, 2), 1e-7f);
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// 1x4 row [0, 4, 8, 12] -> 1x2: [2, 10]
			final NDArray row = m.create(new float[] {0, 4, 8, 12}, new Shape(1, 1, 4));
			assertArrayEquals(new float[] {2, 10}, CamMath.resize(row, 1, 2).toFloatArray(), 1e-6f);
		}
	}

	@Test
	void enlargingClampsAtTheBorderLikePyTorch() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// [0, 4] -> 4 pixels, scale 0.5: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (index 1 clamped)
			// -> [0, 1, 3, 4]
			final NDArray row = m.create(new float[] {0, 4}, new Shape(1, 1, 2));
			assertArrayEquals(new float[] {0, 1, 3, 4}, CamMath.resize(row, 1, 4).toFloatArray(), 1e-6f);
		}
	}

	@Test
	void fusionTakesThePixelwiseMaxOrMean() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			final NDArray a = m.create(new float[] {0.1f, 0.9f}, new Shape(1, 1, 2));
			final NDArray b = m.create(new float[] {0.5f, 0.3f}, new Shape(1, 1, 2));
			assertArrayEquals(new float[] {0.5f, 0.9f}, CamMath.fuse(new NDList(a, b), Aggregation.MAX)
				.toFloatArray(), 0f);
			assertArrayEquals(new float[] {0.3f, 0.6f}, CamMath.fuse(new NDList(a, b), Aggregation.MEAN)
				.toFloatArray(), 1e-7f);
		}
	}
}
