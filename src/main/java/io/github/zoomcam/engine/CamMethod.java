package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CAM methods the engine computes. Notation: A_k is channel k of a layer's activation (h x w), g_k =
 * dS/dA_k the gradient of the explained class's score S (the logit, before softmax or sigmoid) with respect
 * to it, (i, j) a position, sums over i, j run over the layer's h x w positions. Every raw map below is at
 * the layer's resolution; maps are then min-max normalised per image and upsampled bilinearly with
 * half-pixel centres (align_corners=False) to the model input and to the original image size.
 *
 * <p>All gradient methods of one explain call come from the same forward pass and the same backward pass
 * per target class; asking for several at once costs no extra network passes. Score-CAM needs no
 * backward pass but one forward pass per (image, channel).</p>
 *
 * <p>{@link #paperThreshold()}: the fraction of the map maximum used to cut pseudo-label masks. Zoom-CAM
 * uses its paper's 0.25. Grad-CAM uses 0.15, the value of the Grad-CAM paper's localisation experiment. The
 * other papers evaluate localisation without one fixed cut (energy-based pointing game, sanity checks,
 * MaxBoxAcc over all thresholds), so the single-layer methods inherit Grad-CAM's 0.15 and the multi-layer
 * Layer-CAM inherits Zoom-CAM's 0.25 (both fuse normalised layer maps by a pixel-wise max, which makes the
 * fused map brighter than a single-layer one). This is a project choice, not a value from those papers.</p>
 */
public enum CamMethod {
	/**
	 * Zoom-CAM (Shi, Khademi, Li and van Gemert, "Zoom-CAM: Generating Fine-grained Pixel Annotations from Image
	 * Labels", ICPR 2020). Per layer l: L_l = ReLU(sum_k g_k ⊙ A_k) (Eq. 9, the gradient as an element-wise
	 * weight mask); the normalised, upsampled layer maps are fused pixel-wise by max (Eq. 10) or mean over the
	 * selected layers. Cost: 1 forward + 1 backward per target.
	 */
	ZOOMCAM("zoomcam", "zoom-cam", 0.25, true, true),

	/**
	 * Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
	 * Localization", ICCV 2017, Eq. 1-2): w_k = (1/hw) sum_ij g_k(i,j); L = ReLU(sum_k w_k A_k), at the
	 * Grad-CAM layer. Cost: 1 forward + 1 backward per target.
	 */
	GRADCAM("gradcam", "grad-cam", 0.15, true, false),

	/**
	 * Grad-CAM++ (Chattopadhyay, Sarkar, Howlader and Balasubramanian, "Grad-CAM++: Generalized
	 * Gradient-based Visual Explanations for Deep Convolutional Networks", WACV 2018, Eq. 19 and 7): with the
	 * closed form for an exponential score, alpha_k(i,j) = g_k(i,j)^2 / (2 g_k(i,j)^2 + sum_ab A_k(a,b)
	 * g_k(i,j)^3) (0 where the denominator is 0), w_k = sum_ij alpha_k(i,j) ReLU(g_k(i,j)), L = ReLU(sum_k
	 * w_k A_k), at the Grad-CAM layer. As in the paper's equations (and pytorch-grad-cam) the alphas are not
	 * renormalised per channel and the score's exponential factor, which only scales the map, is left out.
	 * Cost: 1 forward + 1 backward per target.
	 */
	GRADCAM_PLUS_PLUS("gradcam++", "grad-cam++", 0.15, true, false),

	/**
	 * HiResCAM (Draelos and Carin, "Use HiResCAM instead of Grad-CAM for faithful explanations of
	 * convolutional neural networks", arXiv:2011.08891, 2020): L = ReLU(sum_k g_k ⊙ A_k), at the Grad-CAM
	 * layer (the paper applies it to the last convolutional layer). This per-layer map is exactly Zoom-CAM's
	 * Eq. 9, so HiResCAM fused over several layers is {@link #ZOOMCAM}; the HiResCAM of any single layer is
	 * available by choosing that layer as the Grad-CAM layer. Cost: 1 forward + 1 backward per target.
	 */
	HIRESCAM("hirescam", "hires-cam", 0.15, true, false),

	/**
	 * XGrad-CAM (Fu et al., "Axiom-based Grad-CAM: Towards Accurate Visualization and Explanation of
	 * CNNs", BMVC 2020): w_k = sum_ij (A_k(i,j) / sum_ab A_k(a,b)) g_k(i,j) (0 for a
	 * channel whose activations sum to 0), L = ReLU(sum_k w_k A_k), at the Grad-CAM layer. Cost: 1 forward +
	 * 1 backward per target.
	 */
	XGRADCAM("xgradcam", "xgrad-cam", 0.15, true, false),

	/**
	 * Layer-CAM (Jiang, Zhang, Hou, Cheng and Wei, "LayerCAM: Exploring Hierarchical Class Activation Maps
	 * for Localization", IEEE Transactions on Image Processing 30, 2021): per layer L_l = ReLU(sum_k
	 * ReLU(g_k) ⊙ A_k); the normalised, upsampled layer maps are fused like Zoom-CAM's (max or mean over the
	 * selected layers). The per-layer min-max normalisation takes the place of the paper's tanh(2 L / max L)
	 * rescaling of shallow layers. Cost: 1 forward + 1 backward per target.
	 */
	LAYERCAM("layercam", "layer-cam", 0.25, true, true),

	/**
	 * Score-CAM (Wang, Wang, Du, Yang, Zhang, Ding, Mardziel and Hu, "Score-CAM: Score-Weighted Visual
	 * Explanations for Convolutional Neural Networks", CVPR Workshops 2020: the channel-wise increase of
	 * confidence, with the class probability as the score): for
	 * each channel k of the Grad-CAM layer, H_k = the activation A_k upsampled to the model input and min-max
	 * normalised to [0, 1]; w_k = p(X ⊙ H_k) - p(X_b), the increase of the class probability (the bundle's
	 * declared output: softmax, or sigmoid for multi-label models) of the preprocessed input X masked by H_k
	 * over the all-zero baseline X_b; channels with a constant H_k get w_k = 0; L = ReLU(sum_k w_k A_k). With
	 * a channel limit N (as in Faster Score-CAM) only the N channels with the largest spatial variance of A_k
	 * take part. Cost: 1 forward, no backward, plus 1 + images x channels masked forwards, batched.
	 */
	SCORECAM("scorecam", "score-cam", 0.15, false, false);

	private final String id;
	private final String label;
	private final double paperThreshold;
	private final boolean usesGradients;
	private final boolean multiLayer;

	CamMethod(final String id, final String label, final double paperThreshold, final boolean usesGradients,
		final boolean multiLayer)
	{
		this.id = id;
		this.label = label;
		this.paperThreshold = paperThreshold;
		this.usesGradients = usesGradients;
		this.multiLayer = multiLayer;
	}

	/** The name used on the command line and in files, e.g. "gradcam++". */
	public String id() {
		return id;
	}

	/** The label of the method's map in heat-map stacks, e.g. "zoom-cam", "grad-cam++". */
	public String label() {
		return label;
	}

	/** Fraction of the map maximum used to cut pseudo-label masks for this method (see the class comment). */
	public double paperThreshold() {
		return paperThreshold;
	}

	/** Whether the method needs the backward pass (all but Score-CAM). */
	public boolean usesGradients() {
		return usesGradients;
	}

	/**
	 * Whether the method fuses the selected layers (Zoom-CAM, Layer-CAM); the others work at the one Grad-CAM
	 * layer.
	 */
	public boolean multiLayer() {
		return multiLayer;
	}

	/**
	 * A method by name, ignoring case, '-', '_' and spaces; "pp" and "plusplus" stand for "++". Accepts e.g.
	 * "zoomcam", "Grad-CAM", "gradcam++", "gradcampp", "Grad-CAM++", "HiResCAM", "xgradcam", "layercam",
	 * "Score-CAM".
	 */
	public static CamMethod parse(final String text) {
		String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replaceAll("[-_\\s]", "");
		if (t.endsWith("plusplus")) t = t.substring(0, t.length() - "plusplus".length()) + "++";
		else if (t.endsWith("pp")) t = t.substring(0, t.length() - 2) + "++";
		for (final CamMethod m : values()) {
			if (m.id.equals(t)) return m;
		}
		throw new ZoomCamException("unknown method '" + text + "'; the methods are: " + names());
	}

	/**
	 * A comma-separated list of methods, in the order given, without repeats; "all" means every method.
	 */
	public static List<CamMethod> parseList(final String text) {
		final String t = text == null ? "" : text.trim();
		if (t.equalsIgnoreCase("all")) return List.of(values());
		final Set<CamMethod> methods = new LinkedHashSet<>();
		for (final String part : t.split(",")) {
			if (!part.isBlank()) methods.add(parse(part));
		}
		if (methods.isEmpty()) throw new ZoomCamException("no method given; the methods are: " + names() + " (or all)");
		return List.copyOf(methods);
	}

	/** All method names, comma-separated, for messages and help texts. */
	public static String names() {
		return Arrays.stream(values()).map(CamMethod::id).collect(Collectors.joining(", "));
	}

	/** The methods that need a backward pass, of a set. */
	static EnumSet<CamMethod> gradientMethods(final Set<CamMethod> methods) {
		final EnumSet<CamMethod> out = EnumSet.noneOf(CamMethod.class);
		for (final CamMethod m : methods) {
			if (m.usesGradients) out.add(m);
		}
		return out;
	}
}
