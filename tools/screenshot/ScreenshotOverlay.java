import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.ImageWindow;
import ij.plugin.frame.RoiManager;
import ij.text.TextWindow;
import io.github.zoomcam.fiji.ExplainImageCommand;
import io.github.zoomcam.fiji.ZoomCamService;

import java.awt.Frame;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;
import org.scijava.prefs.PrefService;

/**
 * Takes the README screenshot in a real ImageJ (run under Xvfb by tools/screenshot_fiji.sh): opens a
 * bundled sample, runs Plugins > Zoom-CAM > Explain Image... with the bundled model and default parameters as
 * Fiji would (same command, same options as macros/explain_active_image.ijm), shows what Fiji shows (the
 * overlay with one outline and box per instance on the image, the heatmap stack, the Results table, the ROI
 * Manager) and captures the screen.
 *
 * Usage: ScreenshotOverlay OUTPUT.png [SAMPLE.tif]
 */
public final class ScreenshotOverlay {

	public static void main(final String[] args) throws Exception {
		final File out = new File(args[0]);
		final String sample = args.length > 1 ? args[1] : "plugins/Zoom-CAM/samples/images/img_00006.tif";
		final ImageJ ij = new ImageJ();
		ij.setLocation(0, 0);
		final Context context = new Context(CommandService.class, StatusService.class, LogService.class,
			PrefService.class, ZoomCamService.class);
		try {
			final ImagePlus image = IJ.openImage(sample);
			image.show();
			IJ.run(image, "Set... ", "zoom=300");
			final Map<String, Object> inputs = new LinkedHashMap<>();
			inputs.put("image", image);
			inputs.put("model", new File("plugins/Zoom-CAM/models/synthetic-cells"));
			// the defaults: target default (every class with p >= 0.5), the image-guided refinement, opacity 0.5
			for (final String option : ("method=zoomcam layers=default target=default refine=image device=auto " +
				"planes=current show_heatmaps=true show_map=false show_overlay=true add_to_roi_manager=true " +
				"show_labels=false show_table=true").split(" "))
			{
				final int eq = option.indexOf('=');
				inputs.put(option.substring(0, eq), option.substring(eq + 1));
			}
			final ModuleService modules = context.service(ModuleService.class);
			final Module module = modules.run(context.service(CommandService.class).getCommand(
				ExplainImageCommand.class), true, inputs).get();
			if (module instanceof org.scijava.Cancelable c && c.isCanceled()) {
				throw new IllegalStateException("Explain Image was cancelled: " + c.getCancelReason());
			}
			// The command shows its images itself (ImageJOutputs); show() on a shown image does nothing.
			final ImagePlus heatmaps = (ImagePlus) module.getOutput("heatmaps");
			heatmaps.show();
			heatmaps.setSlice(heatmaps.getStackSize()); // the fused Zoom-CAM map
			IJ.run(heatmaps, "Set... ", "zoom=200");
			IJ.wait(1500);
			SwingUtilities.invokeAndWait(() -> {
				final ImageWindow iw = image.getWindow();
				iw.setLocation(0, ij.getHeight() + 4);
				final ImageWindow hw = heatmaps.getWindow();
				hw.setLocation(iw.getX() + iw.getWidth() + 4, iw.getY());
				final Frame results = WindowManager.getFrame("Results");
				if (results != null) results.setBounds(hw.getX(), hw.getY() + hw.getHeight() + 4, 520, 190);
				final RoiManager rm = RoiManager.getInstance();
				if (rm != null) rm.setLocation(hw.getX() + hw.getWidth() + 4, hw.getY());
			});
			WindowManager.setCurrentWindow(image.getWindow());
			image.getWindow().toFront();
			IJ.wait(2000);
			int width = 0;
			int height = 0;
			for (final Window w : Window.getWindows()) {
				if (!w.isShowing()) continue;
				width = Math.max(width, w.getX() + w.getWidth());
				height = Math.max(height, w.getY() + w.getHeight());
			}
			final BufferedImage shot = new Robot().createScreenCapture(new Rectangle(0, 0, width + 2, height + 2));
			ImageIO.write(shot, "png", out);
			System.out.println("wrote " + out + " (" + shot.getWidth() + "x" + shot.getHeight() + ", " + out.length() /
				1024 + " KB)");
		}
		finally {
			context.dispose();
			System.exit(0);
		}
	}
}
